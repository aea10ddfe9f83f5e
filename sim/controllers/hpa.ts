/**
 * HorizontalPodAutoscaler (autoscaling/v2): every sync period (15 s simulated, and at
 * once when an HPA changes) reads the target's pods' usage from the simulator's
 * metrics.k8s.io figures, computes the replicas the Resource metrics ask for (usage over
 * requests for Utilization targets, per-pod usage for AverageValue), keeps them within
 * minReplicas and maxReplicas, scales the target through its spec.replicas, and writes
 * status and the AbleToScale / ScalingActive / ScalingLimited conditions as the
 * horizontal-pod-autoscaler controller does. Within 10 % of the target nothing changes.
 */
import { podMetrics } from '../metrics';
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import type { EventRecorder } from './events';
import { DEPLOYMENTS, isPodFinished, nowIso, PODS, REPLICASETS, selects, setCondition, STATEFULSETS, WorkQueue, withStatus, writeIfChanged, type Clock, type Obj, type Scheduler } from './runtime';

export const HPAS = 'autoscaling/horizontalpodautoscalers';
const SYNC_PERIOD_MS = 15_000;
const TOLERANCE = 0.1;
const TARGETS: Record<string, string> = { Deployment: DEPLOYMENTS, ReplicaSet: REPLICASETS, StatefulSet: STATEFULSETS };

/** CPU in millicores, memory in bytes. */
export function quantity(v: unknown): number {
  const s = String(v ?? '');
  const m = s.match(/^([0-9.]+)([a-zA-Z]*)$/);
  if (!m) return 0;
  const n = Number(m[1]);
  const units: Record<string, number> = { n: 1e-6, u: 1e-3, m: 1, '': 1000, k: 1e6, Ki: 1024e3, Mi: 1024 ** 2 * 1e3, Gi: 1024 ** 3 * 1e3, M: 1e9, G: 1e12 };
  return n * (units[m[2]] ?? 0);
}

interface Measured {
  name: string;
  /** Sum over pods of usage (millicores or milli-bytes). */
  usage: number;
  /** Sum over pods of requests, in the same unit. */
  requests: number;
  pods: number;
}

export class HorizontalPodAutoscalerController {
  private queue: WorkQueue;

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    clock: Clock,
    scheduler: Scheduler,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    scheduler.every(clock.real(SYNC_PERIOD_MS), () => {
      for (const h of store.iterate(HPAS)) this.queue.add(h.metadata.namespace, h.metadata.name!);
    });
    for (const h of store.iterate(HPAS)) this.queue.add(h.metadata.namespace, h.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === HPAS && e.type !== 'DELETED' && JSON.stringify(e.object.spec) !== JSON.stringify(e.previous?.spec)) this.queue.add(e.object.metadata.namespace, e.object.metadata.name!);
  }

  private measure(target: KubeObject, metric: Obj): Measured | undefined {
    const name = metric?.resource?.name;
    if (metric?.type !== 'Resource' || (name !== 'cpu' && name !== 'memory')) return undefined;
    const selector = (target.spec as Obj)?.selector;
    const pods = this.store.list(PODS, target.metadata.namespace).filter((p) => selects(selector, p.metadata.labels) && !isPodFinished(p) && (p.status as Obj)?.phase === 'Running');
    let usage = 0;
    let requests = 0;
    for (const p of pods) {
      for (const c of podMetrics(p).containers as Obj[]) usage += quantity(c.usage?.[name]);
      for (const c of (p.spec as Obj)?.containers ?? []) requests += quantity(c.resources?.requests?.[name]);
    }
    return { name, usage, requests, pods: pods.length };
  }

  private sync(namespace: string, name: string): void {
    const hpa = this.store.get(HPAS, namespace, name);
    if (!hpa) return;
    const spec = hpa.spec as Obj;
    const ref = spec?.scaleTargetRef ?? {};
    const key = TARGETS[ref.kind];
    const target = key ? this.store.get(key, namespace, ref.name) : undefined;
    const prev = (hpa.status as Obj) ?? {};
    const now = nowIso();
    let conditions: Obj[] = prev.conditions ?? [];
    if (!target) {
      conditions = setCondition(conditions, { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${(key ?? 'unknown').split('/').pop()} "${ref.name}" not found` }, now);
      writeIfChanged(this.store, HPAS, hpa, withStatus(hpa, { ...prev, currentReplicas: prev.currentReplicas ?? 0, desiredReplicas: prev.desiredReplicas ?? 0, conditions }));
      return;
    }
    const min = Number(spec.minReplicas ?? 1);
    const max = Number(spec.maxReplicas ?? min);
    const current = Number((target.spec as Obj)?.replicas ?? 1);
    let proposed = 0;
    let reason = '';
    const currentMetrics: Obj[] = [];
    let valid = false;
    for (const metric of spec.metrics ?? []) {
      const m = this.measure(target, metric);
      if (!m || m.pods === 0) continue;
      const t = metric.resource.target ?? {};
      let ratio: number;
      if (t.type === 'AverageValue') {
        const average = m.usage / m.pods;
        ratio = average / Math.max(1e-9, quantity(t.averageValue));
        currentMetrics.push({ type: 'Resource', resource: { name: m.name, current: { averageValue: formatQuantity(m.name, average) } } });
      } else {
        if (m.requests === 0) continue;
        const utilization = Math.round((m.usage * 100) / m.requests);
        ratio = utilization / Number(t.averageUtilization ?? 80);
        currentMetrics.push({ type: 'Resource', resource: { name: m.name, current: { averageUtilization: utilization, averageValue: formatQuantity(m.name, m.usage / m.pods) } } });
      }
      valid = true;
      const want = Math.abs(ratio - 1) <= TOLERANCE ? current : Math.ceil(ratio * m.pods);
      if (want > proposed) {
        proposed = want;
        reason = `${m.name} resource ${t.type === 'AverageValue' ? '' : 'utilization (percentage of request) '}${want > current ? 'above' : 'below'} target`;
      }
    }
    if (!valid) proposed = current;
    let desired = Math.min(max, Math.max(min, proposed));
    if (current === 0) desired = current;
    const limited = proposed > max ? 'TooManyReplicas' : proposed < min ? 'TooFewReplicas' : '';
    if (current < min && current > 0) reason = 'Current number of replicas below Spec.MinReplicas';
    if (current > max) reason = 'Current number of replicas above Spec.MaxReplicas';
    const status: Obj = { ...prev, currentReplicas: current, desiredReplicas: desired, currentMetrics: currentMetrics.length ? currentMetrics : undefined };
    if (desired !== current) {
      this.store.update(key, { ...target, metadata: { ...target.metadata }, spec: { ...(target.spec as Obj), replicas: desired } });
      status.lastScaleTime = now;
      this.events.record(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason || 'All metrics below target'}`, 'horizontal-pod-autoscaler');
      conditions = setCondition(conditions, { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desired}` }, now);
    } else {
      conditions = setCondition(conditions, { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }, now);
    }
    conditions = setCondition(
      conditions,
      valid
        ? { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' }
        : { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get resource metrics: no running pods with requests' },
      now,
    );
    conditions = setCondition(
      conditions,
      limited
        ? { type: 'ScalingLimited', status: 'True', reason: limited, message: `the desired replica count is ${limited === 'TooManyReplicas' ? 'more than the maximum' : 'less than the minimum'} replica count` }
        : { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' },
      now,
    );
    status.conditions = conditions;
    if (!status.currentMetrics) delete status.currentMetrics;
    writeIfChanged(this.store, HPAS, hpa, withStatus(hpa, status));
  }
}

function formatQuantity(resource: string, milli: number): string {
  return resource === 'cpu' ? `${Math.round(milli)}m` : `${Math.round(milli / 1000 / 1024)}Ki`;
}
