/**
 * The disruption controller: fills each PodDisruptionBudget's status from the pods it
 * selects — expectedPods, currentHealthy (ready and not being deleted or just
 * evicted), desiredHealthy (from minAvailable or maxUnavailable, as a number or a
 * percentage of the expected pods, rounded up), disruptionsAllowed, observedGeneration
 * and the DisruptionAllowed condition — and forgets evictions (disruptedPods) once their
 * pod is being deleted or gone. With a percentage or maxUnavailable the expected count
 * is the scale of the pods' controllers (a ReplicaSet's Deployment, a StatefulSet, a
 * ReplicaSet); otherwise it is the number of selected pods.
 *
 * A pod change re-syncs the budgets of its namespace only.
 */
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { controllerOf, DEPLOYMENTS, intOrPercent, isPodReady, nowIso, PODS, REPLICASETS, selects, setCondition, STATEFULSETS, WorkQueue, withStatus, writeIfChanged, type Obj } from './runtime';

export const PDBS = 'policy/poddisruptionbudgets';

/** How long an eviction counts against a budget before the pod is seen going (the apiserver's 2 minutes). */
const DISRUPTION_TIMEOUT_MS = 2 * 60_000;

/** policy/v1: an empty selector selects every pod of the namespace; a missing one selects none. */
function selectsPod(selector: Obj, pod: KubeObject): boolean {
  if (!selector) return false;
  if (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length) return true;
  return selects(selector, pod.metadata.labels);
}

/** The budgets of a namespace that select this pod. */
export function budgetsFor(store: Store, pod: KubeObject): KubeObject[] {
  return store.list(PDBS, pod.metadata.namespace).filter((b) => selectsPod((b.spec as Obj)?.selector, pod));
}

export class DisruptionController {
  private readonly queue: WorkQueue;

  constructor(
    private readonly store: Store,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    for (const b of store.iterate(PDBS)) this.queue.add(b.metadata.namespace, b.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === PDBS && e.type !== 'DELETED') this.queue.add(e.object.metadata.namespace, e.object.metadata.name!);
    // Pods, and the controllers whose scale sets the expected count.
    if (e.key === PODS || e.key === REPLICASETS || e.key === DEPLOYMENTS || e.key === STATEFULSETS) {
      for (const b of this.store.list(PDBS, e.object.metadata.namespace)) this.queue.add(b.metadata.namespace, b.metadata.name!);
    }
  }

  /** The scale of the controller managing a pod, keyed by the controller's uid, or undefined for a bare pod. */
  private scaleOf(pod: KubeObject): { uid: string; replicas: number } | undefined {
    const ref = controllerOf(pod);
    const ns = pod.metadata.namespace;
    if (!ref) return undefined;
    if (ref.kind === 'ReplicaSet') {
      const rs = this.store.get(REPLICASETS, ns, ref.name);
      if (!rs) return undefined;
      const owner = controllerOf(rs);
      const dep = owner?.kind === 'Deployment' ? this.store.get(DEPLOYMENTS, ns, owner.name) : undefined;
      if (dep) return { uid: dep.metadata.uid!, replicas: Number((dep.spec as Obj)?.replicas ?? 1) };
      return { uid: rs.metadata.uid!, replicas: Number((rs.spec as Obj)?.replicas ?? 1) };
    }
    if (ref.kind === 'StatefulSet') {
      const sts = this.store.get(STATEFULSETS, ns, ref.name);
      return sts ? { uid: sts.metadata.uid!, replicas: Number((sts.spec as Obj)?.replicas ?? 1) } : undefined;
    }
    return undefined;
  }

  private sync(namespace: string, name: string): void {
    const pdb = this.store.get(PDBS, namespace, name);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const spec = (pdb.spec ?? {}) as Obj;
    const pods = this.store.list(PODS, namespace).filter((p) => selectsPod(spec.selector, p));
    const byPercent = spec.maxUnavailable !== undefined || typeof spec.minAvailable === 'string';
    let expected = pods.length;
    if (byPercent) {
      const scales = new Map<string, number>();
      let bare = 0;
      for (const p of pods) {
        const s = this.scaleOf(p);
        if (s) scales.set(s.uid, s.replicas);
        else bare++;
      }
      expected = bare + [...scales.values()].reduce((a, b) => a + b, 0);
    }
    let desired: number;
    if (spec.maxUnavailable !== undefined) desired = Math.max(0, expected - intOrPercent(spec.maxUnavailable, expected, true, 0));
    else desired = intOrPercent(spec.minAvailable ?? 1, expected, true, 1);

    const now = Date.now();
    const disrupted: Record<string, string> = {};
    const pending = new Set<string>();
    for (const [pod, at] of Object.entries(((pdb.status as Obj)?.disruptedPods ?? {}) as Record<string, string>)) {
      const p = pods.find((x) => x.metadata.name === pod);
      if (!p || p.metadata.deletionTimestamp || now - Date.parse(at) > DISRUPTION_TIMEOUT_MS) continue;
      disrupted[pod] = at;
      pending.add(pod);
    }
    const healthy = pods.filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp && !pending.has(p.metadata.name!)).length;
    const allowed = Math.max(0, healthy - desired);
    const generation = pdb.metadata.generation ?? 1;
    const old = (pdb.status ?? {}) as Obj;
    const condition = allowed > 0 ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: generation } : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: generation };
    const status: Obj = {
      observedGeneration: generation,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: setCondition(old.conditions, condition, nowIso(now)),
    };
    if (Object.keys(disrupted).length) status.disruptedPods = disrupted;
    writeIfChanged(this.store, PDBS, pdb, withStatus(pdb, status));
  }
}
