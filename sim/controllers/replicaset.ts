/**
 * ReplicaSet: keeps `spec.replicas` active pods (not Succeeded/Failed, not being deleted)
 * owned by the ReplicaSet; a deleted pod is replaced as soon as it turns Terminating,
 * extra pods are deleted gracefully (not-ready and newest first), as the controller
 * asks the apiserver to. Status counts the active pods, and the ready and available
 * ones among them.
 */
import { deleteStored } from '../deletion';
import type { Store } from '../store';
import type { KubeObject } from '../types';
import type { EventRecorder } from './events';
import { OwnerController } from './ownerController';
import { isPodFinished, isPodReady, PODS, podFromTemplate, randomSuffix, REPLICASETS, withStatus, writeIfChanged, type Obj, type OwnerIndex } from './runtime';

export class ReplicaSetController extends OwnerController {
  constructor(
    store: Store,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    signal: AbortSignal,
  ) {
    super(store, { key: REPLICASETS, childKey: PODS, kind: 'ReplicaSet' }, signal);
  }

  protected sync(namespace: string, name: string): void {
    const rs = this.store.get(REPLICASETS, namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const spec = rs.spec as Obj;
    const want = Number(spec?.replicas ?? 1);
    const pods = this.owners.owned(this.store, PODS, rs).filter((p) => !isPodFinished(p) && !p.metadata.deletionTimestamp);
    if (pods.length < want) {
      for (let i = pods.length; i < want; i++) {
        const pod = podFromTemplate(spec.template, { name: `${name}-${randomSuffix()}`, namespace, owner: rs });
        pods.push(this.store.create(PODS, pod));
        this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    } else if (pods.length > want) {
      const rank = (p: KubeObject) => (p.spec as Obj)?.nodeName ? (isPodReady(p) ? 2 : 1) : 0;
      pods.sort((a, b) => rank(a) - rank(b) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      for (const p of pods.splice(0, pods.length - want)) {
        deleteStored(this.store, PODS, p);
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'replicaset-controller');
      }
    }
    const ready = pods.filter(isPodReady).length;
    const status: Obj = { ...(rs.status as Obj), replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation ?? 1 };
    if (!ready) {
      delete status.readyReplicas;
      delete status.availableReplicas;
    }
    writeIfChanged(this.store, REPLICASETS, rs, withStatus(rs, status));
  }
}
