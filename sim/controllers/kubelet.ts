/**
 * The scheduler and the kubelets in one: a new pod is placed on a node, pulls its
 * images, runs its init containers, then its containers, which run, crash, restart
 * with back-off or complete as their behaviour says (podRuntime.ts). Every step is a
 * timed transition that writes pod.status and records the events kubelet and
 * default-scheduler would.
 *
 * Only pods created without a status are driven; pods stored with a ready-made status
 * (scenario fixtures, benchmark pods) are left as they are.
 *
 * A deleted pod on a node (deletionTimestamp set, grace period > 0) is stopped: its
 * preStop hooks run, its containers get SIGTERM and exit (or are killed when the grace
 * period runs out first), the terminated status is written, and the kubelet then
 * deletes the pod with grace period 0. Pods it does not drive are confirmed deleted
 * after the same stop time.
 */
import { deleteStored, inGracePeriod } from '../deletion';
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import type { EventRecorder, Involved } from './events';
import { backoffMs, behaviourOf, endRun, markKubelet, newRuntime, podStatus, restarts, runtimeRegistry, startRun, stopDurationMs, TIMING, type ContainerRuntime, type PodRuntime } from './podRuntime';
import { controllerOf, NODES, nowIso, PODS, type Clock, type Obj, type Scheduler } from './runtime';

interface Driven {
  rt: PodRuntime;
  cancels: Set<() => void>;
  node?: string;
  /** The grace period its current termination was started with. */
  terminating?: number;
}

function cpuMillis(v: unknown): number {
  if (v === undefined || v === null) return 0;
  const s = String(v);
  if (s.endsWith('m')) return Number(s.slice(0, -1)) || 0;
  return (Number(s) || 0) * 1000;
}

function tolerates(tolerations: Obj[] | undefined, taint: Obj): boolean {
  return (tolerations ?? []).some((t) => (t.operator === 'Exists' && (!t.key || t.key === taint.key)) || (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')));
}

/** Whether a pod may run on a node: ready, schedulable, taints tolerated, nodeSelector met. */
export function fits(pod: Obj, node: Obj): boolean {
  if (node.spec?.unschedulable) return false;
  const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  if (ready && ready.status !== 'True') return false;
  for (const taint of node.spec?.taints ?? []) {
    if ((taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(pod.spec?.tolerations, taint)) return false;
  }
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (node.metadata.labels?.[k] !== v) return false;
  const cpu = (pod.spec?.containers ?? []).reduce((n: number, c: Obj) => n + cpuMillis(c.resources?.requests?.cpu), 0);
  return cpu <= cpuMillis(node.status?.allocatable?.cpu ?? '1000');
}

export class Kubelet {
  private driven = new Map<string, Driven>();
  private unschedulable = new Map<string, { namespace: string; name: string }>();
  private podsPerNode = new Map<string, number>();
  /** Pods not driven here whose deletion is being confirmed: uid → cancel. */
  private confirming = new Map<string, () => void>();
  private nextIp = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly events: EventRecorder,
  ) {
    markKubelet(store);
    for (const p of store.iterate(PODS)) {
      this.count((p.spec as Obj)?.nodeName, 1);
      if (this.isFresh(p)) this.take(p);
      if (inGracePeriod(p)) this.terminate(p);
    }
  }

  private count(node: string | undefined, d: number): void {
    if (node) this.podsPerNode.set(node, (this.podsPerNode.get(node) ?? 0) + d);
  }

  private isFresh(p: KubeObject): boolean {
    const s = p.status as Obj;
    return !s?.startTime && !s?.containerStatuses?.length && s?.phase !== 'Succeeded' && s?.phase !== 'Failed';
  }

  onEvent(e: StoreEvent): void {
    if (e.key === NODES) {
      if (e.type !== 'DELETED') for (const [uid, p] of [...this.unschedulable]) this.retrySchedule(uid, p.namespace, p.name);
      return;
    }
    if (e.key !== PODS) return;
    const before = (e.previous?.spec as Obj)?.nodeName;
    const after = e.type === 'DELETED' ? undefined : (e.object.spec as Obj)?.nodeName;
    if (before !== after) {
      this.count(before, -1);
      this.count(after, 1);
    }
    const uid = e.object.metadata.uid!;
    if (e.type === 'ADDED' && this.isFresh(e.object)) this.take(e.object);
    if (e.type === 'DELETED') this.stop(uid, e.object);
    else if (inGracePeriod(e.object)) this.terminate(e.object);
  }

  /** Starts (or, with a shorter grace period, hurries) the stop of a deleted pod. */
  private terminate(p: KubeObject): void {
    const uid = p.metadata.uid!;
    const grace = p.metadata.deletionGracePeriodSeconds!;
    const stopMs = stopDurationMs(p);
    const killed = stopMs > grace * 1000;
    const d = this.driven.get(uid);
    if (!d) {
      if (this.confirming.has(uid)) return;
      this.confirming.set(uid, this.scheduler.after(this.clock.real(Math.min(stopMs, grace * 1000)), () => this.confirmDeletion(p)));
      return;
    }
    if (d.terminating !== undefined && d.terminating <= grace) return;
    const first = d.terminating === undefined;
    d.terminating = grace;
    for (const c of d.cancels) c();
    d.cancels.clear();
    if (first) {
      for (const c of [...d.rt.initContainers, ...d.rt.containers]) {
        if (c.state === 'running') this.record(p, c, 'Normal', 'Killing', `Stopping container ${c.name}`, d.node);
      }
    }
    this.later(d, Math.min(stopMs, grace * 1000), () => this.stopped(d, killed));
  }

  /** The containers have exited (or were killed): write their last status, then delete the pod for good. */
  private stopped(d: Driven, killed: boolean): void {
    for (const c of [...d.rt.initContainers, ...d.rt.containers]) {
      if (c.state === 'running') endRun(c, killed ? 137 : 0, killed ? 'Error' : 'Completed');
    }
    const mains = d.rt.containers;
    if (mains.every((c) => c.state === 'terminated')) d.rt.phase = mains.every((c) => c.current?.exitCode === 0) ? 'Succeeded' : 'Failed';
    this.write(d);
    const p = this.pod(d);
    if (p) this.confirmDeletion(p);
  }

  /** What the kubelet does last: delete the pod with grace period 0 (it stays if finalizers hold it). */
  private confirmDeletion(p: KubeObject): void {
    this.confirming.delete(p.metadata.uid!);
    const now = this.store.get(PODS, p.metadata.namespace, p.metadata.name!);
    if (now && now.metadata.uid === p.metadata.uid && now.metadata.deletionTimestamp) deleteStored(this.store, PODS, now, { gracePeriodSeconds: 0 });
  }

  private take(p: KubeObject): void {
    const uid = p.metadata.uid!;
    if (this.driven.has(uid)) return;
    const d: Driven = { rt: newRuntime(p), cancels: new Set() };
    this.driven.set(uid, d);
    runtimeRegistry(this.store).set(uid, d.rt);
    const node = (p.spec as Obj)?.nodeName;
    if (node) this.later(d, TIMING.schedule, () => this.admit(d, node));
    else this.later(d, TIMING.schedule, () => this.schedule(d));
  }

  private stop(uid: string, gone: KubeObject): void {
    this.unschedulable.delete(uid);
    this.confirming.get(uid)?.();
    this.confirming.delete(uid);
    const d = this.driven.get(uid);
    if (!d) return;
    for (const c of d.cancels) c();
    this.driven.delete(uid);
    runtimeRegistry(this.store).delete(uid);
    for (const c of d.rt.containers) {
      if (c.state === 'running') this.record(gone, c, 'Normal', 'Killing', `Stopping container ${c.name}`, d.node);
    }
  }

  private later(d: Driven, simMs: number, fn: () => void): void {
    const cancel = this.scheduler.after(this.clock.real(simMs), () => {
      d.cancels.delete(cancel);
      if (this.driven.get(d.rt.uid) === d) fn();
    });
    d.cancels.add(cancel);
  }

  private pod(d: Driven): KubeObject | undefined {
    const p = this.store.get(PODS, d.rt.namespace, d.rt.name);
    return p && p.metadata.uid === d.rt.uid ? p : undefined;
  }

  private record(p: KubeObject, c: ContainerRuntime | undefined, type: 'Normal' | 'Warning', reason: string, message: string, host?: string, component = 'kubelet'): void {
    const inv: Involved = { kind: 'Pod', apiVersion: 'v1', name: p.metadata.name!, namespace: p.metadata.namespace, uid: p.metadata.uid };
    if (c) inv.fieldPath = `spec.${c.init ? 'initContainers' : 'containers'}{${c.name}}`;
    this.events.record(inv, type, reason, message, component, host);
  }

  private write(d: Driven, change?: (p: Obj) => void): void {
    const p = this.pod(d);
    if (!p) return;
    const next: Obj = { ...p, metadata: { ...p.metadata }, status: podStatus(d.rt, p.status as Obj) };
    change?.(next);
    this.store.update(PODS, next);
  }

  private retrySchedule(uid: string, namespace: string, name: string): void {
    const d = this.driven.get(uid);
    this.unschedulable.delete(uid);
    if (d && this.store.get(PODS, namespace, name)) this.schedule(d);
  }

  private schedule(d: Driven): void {
    const p = this.pod(d);
    if (!p) return;
    const nodes = this.store.list(NODES);
    const fitting = nodes.filter((n) => fits(p, n));
    if (fitting.length === 0) {
      const message = `0/${nodes.length} nodes are available: ${nodes.length === 0 ? 'no nodes available to schedule pods' : `${nodes.length} node(s) didn't match Pod's node affinity/selector, had untolerated taints or Insufficient cpu`}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      this.unschedulable.set(d.rt.uid, { namespace: d.rt.namespace, name: d.rt.name });
      const status = { ...(p.status as Obj), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: nowIso() }] };
      if (JSON.stringify((p.status as Obj)?.conditions?.[0]?.message) !== JSON.stringify(message)) this.store.update(PODS, { ...p, metadata: { ...p.metadata }, status });
      this.record(p, undefined, 'Warning', 'FailedScheduling', message, undefined, 'default-scheduler');
      return;
    }
    fitting.sort((a, b) => (this.podsPerNode.get(a.metadata.name!) ?? 0) - (this.podsPerNode.get(b.metadata.name!) ?? 0) || a.metadata.name!.localeCompare(b.metadata.name!));
    const node = fitting[0].metadata.name!;
    const status = { ...(p.status as Obj), phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowIso() }] };
    const scheduled = this.store.update(PODS, { ...p, metadata: { ...p.metadata }, spec: { ...(p.spec as Obj), nodeName: node }, status });
    this.record(scheduled, undefined, 'Normal', 'Scheduled', `Successfully assigned ${p.metadata.namespace}/${p.metadata.name} to ${node}`, undefined, 'default-scheduler');
    this.later(d, TIMING.schedule, () => this.admit(d, node));
  }

  private hostIpOf(node: string): string {
    const n = this.store.get(NODES, undefined, node);
    return ((n?.status as Obj)?.addresses ?? []).find((a: Obj) => a.type === 'InternalIP')?.address ?? '10.0.0.10';
  }

  private podIpOn(node: string): string {
    const n = this.store.get(NODES, undefined, node);
    const cidr: string = (n?.spec as Obj)?.podCIDR ?? '10.244.0.0/24';
    const base = cidr.split('/')[0].split('.').map(Number);
    const i = this.nextIp++;
    return `${base[0]}.${base[1]}.${(base[2] + Math.floor(i / 250)) % 256}.${(i % 250) + 2}`;
  }

  private admit(d: Driven, node: string): void {
    const p = this.pod(d);
    if (!p) return;
    d.node = node;
    d.rt.hostIP = this.hostIpOf(node);
    d.rt.startTime = nowIso();
    this.write(d);
    const first = d.rt.initContainers[0] ?? undefined;
    if (first) this.pull(d, first);
    else for (const c of d.rt.containers) this.pull(d, c);
  }

  private pull(d: Driven, c: ContainerRuntime, attempt = 0): void {
    const p = this.pod(d);
    if (!p) return;
    const spec = this.specOf(p, c);
    const b = behaviourOf(spec, { jobPod: controllerOf(p)?.kind === 'Job' });
    this.record(p, c, 'Normal', 'Pulling', `Pulling image "${c.image}"`, d.node);
    this.later(d, TIMING.pull, () => {
      const pod = this.pod(d);
      if (!pod) return;
      if (b.behaviour === 'imagepullbackoff') {
        const why = `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": ${c.image}: not found`;
        c.state = 'waiting';
        c.waiting = { reason: 'ErrImagePull', message: why };
        this.write(d);
        this.record(pod, c, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${why}`, d.node);
        this.record(pod, c, 'Warning', 'Failed', 'Error: ErrImagePull', d.node);
        this.later(d, TIMING.pull, () => {
          c.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` };
          this.write(d);
          const again = this.pod(d);
          if (again) {
            this.record(again, c, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, d.node);
            this.record(again, c, 'Warning', 'Failed', 'Error: ImagePullBackOff', d.node);
          }
          this.later(d, Math.min(TIMING.backoffMax, TIMING.pullBackoffBase * 2 ** attempt), () => this.pull(d, c, attempt + 1));
        });
        return;
      }
      this.record(pod, c, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in 812ms (812ms including waiting). Image size: 48213312 bytes.`, d.node);
      this.later(d, TIMING.start, () => this.start(d, c));
    });
  }

  private specOf(p: KubeObject, c: ContainerRuntime): Obj {
    const spec = p.spec as Obj;
    return (c.init ? spec.initContainers : spec.containers)?.find((x: Obj) => x.name === c.name) ?? { name: c.name, image: c.image };
  }

  private start(d: Driven, c: ContainerRuntime): void {
    const p = this.pod(d);
    if (!p) return;
    if (!d.rt.podIP && d.node && !(p.spec as Obj)?.hostNetwork) d.rt.podIP = this.podIpOn(d.node);
    if (!d.rt.podIP && d.node) d.rt.podIP = d.rt.hostIP;
    startRun(c);
    this.record(p, c, 'Normal', 'Created', `Created container: ${c.name}`, d.node);
    this.record(p, c, 'Normal', 'Started', `Started container ${c.name}`, d.node);
    this.write(d);
    const b = c.init ? { runMs: TIMING.initRun, exitCode: 0, reason: 'Completed' } : behaviourOf(this.specOf(p, c), { jobPod: controllerOf(p)?.kind === 'Job' });
    if (b.runMs !== undefined) {
      const run = c.current;
      this.later(d, b.runMs, () => {
        if (c.current === run) this.exited(d, c, b.exitCode, b.reason);
      });
    }
  }

  private exited(d: Driven, c: ContainerRuntime, exitCode: number, reason: string): void {
    const p = this.pod(d);
    if (!p) return;
    endRun(c, exitCode, reason);
    const policy = (p.spec as Obj)?.restartPolicy;
    if (c.init) {
      if (exitCode === 0) {
        const next = d.rt.initContainers.find((x) => x.state === 'waiting');
        if (next) {
          this.write(d);
          this.pull(d, next);
          return;
        }
        d.rt.initialized = true;
        for (const m of d.rt.containers) m.waiting = { reason: 'ContainerCreating' };
        this.write(d);
        for (const m of d.rt.containers) this.pull(d, m);
        return;
      }
    }
    if (restarts(policy, exitCode)) {
      const delay = backoffMs(c.restartCount);
      c.state = 'waiting';
      c.waiting = { reason: 'CrashLoopBackOff', message: `back-off ${formatDelay(delay)} restarting failed container=${c.name} pod=${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})` };
      this.write(d);
      this.record(p, c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`, d.node);
      this.later(d, delay, () => {
        const pod = this.pod(d);
        if (!pod) return;
        this.record(pod, c, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, d.node);
        this.start(d, c);
      });
      return;
    }
    const all = [...d.rt.containers];
    if (all.every((x) => x.state === 'terminated')) d.rt.phase = all.every((x) => x.current?.exitCode === 0) ? 'Succeeded' : 'Failed';
    this.write(d);
  }
}

function formatDelay(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}
