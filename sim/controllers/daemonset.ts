/**
 * DaemonSet: one pod per node the template may run on (taints, nodeSelector), pinned
 * with spec.nodeName; pods on nodes that went away or no longer fit are deleted; a
 * template change replaces pods one node at a time. Pods are deleted gracefully; a node
 * whose pod is Terminating gets its replacement only once that pod is gone. Each template is kept as a
 * ControllerRevision (revisions.ts).
 */
import { deleteStored } from '../deletion';
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import type { EventRecorder } from './events';
import { fits } from './kubelet';
import { recordRevision } from './revisions';
import { controllerOf, DAEMONSETS, hashOf, isPodReady, NODES, PODS, podFromTemplate, randomSuffix, WorkQueue, withStatus, writeIfChanged, type Obj, type OwnerIndex } from './runtime';

export class DaemonSetController {
  private queue: WorkQueue;
  private known = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    for (const d of store.iterate(DAEMONSETS)) this.add(d);
  }

  private add(d: KubeObject): void {
    this.known.add(`${d.metadata.namespace}/${d.metadata.name}`);
    this.queue.add(d.metadata.namespace, d.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === DAEMONSETS) {
      if (e.type === 'DELETED') this.known.delete(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
      else this.add(e.object);
    }
    if (e.key === PODS) {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'DaemonSet') this.queue.add(e.object.metadata.namespace, owner.name);
    }
    if (e.key === NODES) {
      // Only node changes that matter for placement: added, removed, schedulability, taints, labels.
      const before = e.previous && JSON.stringify([e.previous.spec, e.previous.metadata.labels]);
      const after = e.type !== 'DELETED' && JSON.stringify([e.object.spec, e.object.metadata.labels]);
      if (before !== after) for (const k of this.known) this.queue.add(k.split('/')[0], k.split('/')[1]);
    }
  }

  private sync(namespace: string, name: string): void {
    const ds = this.store.get(DAEMONSETS, namespace, name);
    if (!ds) return;
    const spec = ds.spec as Obj;
    const hash = hashOf(spec.template);
    recordRevision(this.store, this.owners, ds, `${name}-${hash}`, hash);
    const probe = { spec: { ...(spec.template?.spec ?? {}), containers: [] } };
    const nodes = this.store.list(NODES).filter((n) => fits(probe, n));
    const eligible = new Set(nodes.map((n) => n.metadata.name!));
    const byNode = new Map<string, KubeObject[]>();
    const active = () => this.owners.owned(this.store, PODS, ds).filter((p) => !p.metadata.deletionTimestamp);
    for (const p of this.owners.owned(this.store, PODS, ds)) {
      const node = (p.spec as Obj)?.nodeName ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), p]);
    }
    for (const [node, pods] of byNode) {
      const live = pods.filter((p) => !p.metadata.deletionTimestamp);
      const extra = eligible.has(node) ? live.slice(1) : live;
      for (const p of extra) this.remove(ds, p);
    }
    for (const n of nodes) {
      const node = n.metadata.name!;
      if (byNode.get(node)?.length) continue;
      const pod = podFromTemplate(spec.template, { name: `${name}-${randomSuffix()}`, namespace, owner: ds, nodeName: node, labels: { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) } });
      this.store.create(PODS, pod);
      this.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'daemonset-controller');
    }
    let pods = active();
    const stale = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash);
    // maxUnavailable 1: replace one pod only while every node has a ready one (a node whose pod is terminating has none).
    const allReady = [...eligible].every((node) => pods.some((p) => (p.spec as Obj)?.nodeName === node && isPodReady(p)));
    if (stale.length && allReady) {
      this.remove(ds, stale[0]);
      pods = active();
    }
    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length;
    const status: Obj = { currentNumberScheduled: pods.length, desiredNumberScheduled: nodes.length, numberMisscheduled: 0, numberReady: ready, numberAvailable: ready, updatedNumberScheduled: updated, observedGeneration: ds.metadata.generation ?? 1 };
    if (nodes.length - ready > 0) status.numberUnavailable = nodes.length - ready;
    writeIfChanged(this.store, DAEMONSETS, ds, withStatus(ds, status));
  }

  private remove(ds: KubeObject, p: KubeObject): void {
    deleteStored(this.store, PODS, p);
    this.events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'daemonset-controller');
  }
}
