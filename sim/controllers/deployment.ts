/**
 * Deployment: one ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`,
 * with the revision annotation), rolled from old to new within maxSurge and
 * maxUnavailable (or all at once for Recreate), old ReplicaSets scaled to zero and kept
 * per revisionHistoryLimit. Status and the Available/Progressing conditions follow the
 * deployment controller, so `kubectl rollout status` reads them as it would there.
 */
import type { Store } from '../store';
import type { KubeObject } from '../types';
import type { EventRecorder } from './events';
import { OwnerController } from './ownerController';
import { DEPLOYMENTS, hashOf, intOrPercent, nowIso, ownerRefTo, REPLICASETS, setCondition, withStatus, writeIfChanged, type Obj, type OwnerIndex } from './runtime';

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

function replicasOf(rs: KubeObject): number {
  return Number((rs.spec as Obj)?.replicas ?? 0);
}
function available(rs: KubeObject): number {
  return Number((rs.status as Obj)?.availableReplicas ?? 0);
}
function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

/** The template without the pod-template-hash label, as the hash is computed over. */
function bareTemplate(template: Obj): Obj {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return t;
}

export class DeploymentController extends OwnerController {
  constructor(
    store: Store,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    signal: AbortSignal,
  ) {
    super(store, { key: DEPLOYMENTS, childKey: REPLICASETS, kind: 'Deployment' }, signal);
  }

  private scale(dep: KubeObject, rs: KubeObject, to: number): KubeObject {
    const from = replicasOf(rs);
    if (from === to) return rs;
    const maxSurge = intOrPercent((dep.spec as Obj)?.strategy?.rollingUpdate?.maxSurge, Number((dep.spec as Obj).replicas ?? 1), true, 0);
    const annotations = { ...(rs.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String((dep.spec as Obj).replicas ?? 1), 'deployment.kubernetes.io/max-replicas': String(Number((dep.spec as Obj).replicas ?? 1) + maxSurge) };
    const next = this.store.update(REPLICASETS, { ...rs, metadata: { ...rs.metadata, annotations, generation: (rs.metadata.generation ?? 1) + 1 }, spec: { ...(rs.spec as Obj), replicas: to } });
    this.events.record(dep, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`, 'deployment-controller');
    return next;
  }

  protected sync(namespace: string, name: string): void {
    let dep = this.store.get(DEPLOYMENTS, namespace, name);
    if (!dep || dep.metadata.deletionTimestamp) return;
    const spec = dep.spec as Obj;
    const desired = Number(spec.replicas ?? 1);
    const owned = this.owners.owned(this.store, REPLICASETS, dep);
    const hash = hashOf(bareTemplate(spec.template));
    let newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash) ?? owned.find((rs) => hashOf(bareTemplate((rs.spec as Obj)?.template)) === hash);
    const olds = () => owned.filter((rs) => rs !== newRs && rs.metadata.uid !== newRs?.metadata.uid);
    const maxRevision = Math.max(0, ...owned.map(revisionOf));
    const surge = intOrPercent(spec.strategy?.rollingUpdate?.maxSurge, desired, true, 0);
    let unavailable = intOrPercent(spec.strategy?.rollingUpdate?.maxUnavailable, desired, false, 0);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const recreate = spec.strategy?.type === 'Recreate';
    let created = false;
    if (!newRs && !spec.paused) {
      const labels = { ...(spec.template?.metadata?.labels ?? {}), 'pod-template-hash': hash };
      const template = { ...structuredClone(spec.template ?? {}), metadata: { ...structuredClone(spec.template?.metadata ?? {}), labels } };
      const firstReplicas = owned.length === 0 ? desired : recreate ? 0 : Math.max(0, Math.min(desired, desired + surge - owned.reduce((n, rs) => n + replicasOf(rs), 0)));
      newRs = this.store.create(REPLICASETS, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace,
          labels,
          generation: 1,
          annotations: {
            ...(dep.metadata.annotations?.[CHANGE_CAUSE] ? { [CHANGE_CAUSE]: dep.metadata.annotations[CHANGE_CAUSE] } : {}),
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + surge),
            [REVISION]: String(maxRevision + 1),
          },
          ownerReferences: [ownerRefTo(dep)],
        },
        spec: { replicas: firstReplicas, minReadySeconds: spec.minReadySeconds ?? 0, selector: { matchLabels: { ...(spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash }, ...(spec.selector?.matchExpressions ? { matchExpressions: spec.selector.matchExpressions } : {}) }, template },
      });
      owned.push(newRs);
      created = true;
      if (firstReplicas > 0) this.events.record(dep, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRs.metadata.name} from 0 to ${firstReplicas}`, 'deployment-controller');
    }
    if (newRs && !created && revisionOf(newRs) < maxRevision) newRs = this.reuse(dep, newRs, maxRevision + 1);
    if (newRs && !spec.paused) {
      const old = olds();
      if (old.length === 0 || !recreate) {
        if (old.length === 0) newRs = this.scale(dep, newRs, desired);
        else {
          // Rolling update, as the deployment controller reconciles it: up within maxSurge, down within maxUnavailable.
          const total = owned.reduce((n, rs) => n + replicasOf(rs), 0);
          const up = Math.min(desired, replicasOf(newRs) + Math.max(0, desired + surge - total));
          if (up > replicasOf(newRs)) newRs = this.scale(dep, newRs, up);
          const allPods = old.reduce((n, rs) => n + replicasOf(rs), 0) + replicasOf(newRs);
          const newUnavailable = replicasOf(newRs) - available(newRs);
          let budget = allPods - (desired - unavailable) - newUnavailable;
          old.sort((a, b) => revisionOf(a) - revisionOf(b));
          // Old pods that are not available anyway can always go.
          for (const rs of old) {
            const unhealthy = Math.max(0, replicasOf(rs) - available(rs));
            if (unhealthy > 0) this.scale(dep, rs, replicasOf(rs) - unhealthy);
          }
          for (const rs of olds()) {
            const current = this.store.get(REPLICASETS, namespace, rs.metadata.name!) ?? rs;
            if (budget <= 0) break;
            const down = Math.min(replicasOf(current), budget);
            if (down > 0) {
              this.scale(dep, current, replicasOf(current) - down);
              budget -= down;
            }
          }
          if (replicasOf(newRs) > desired) newRs = this.scale(dep, newRs, desired);
        }
      } else {
        for (const rs of old) this.scale(dep, rs, 0);
        const running = old.reduce((n, rs) => n + Number((this.store.get(REPLICASETS, namespace, rs.metadata.name!)?.status as Obj)?.replicas ?? 0), 0);
        if (running === 0) newRs = this.scale(dep, newRs, desired);
      }
    }
    this.cleanup(dep, newRs);
    // Re-read: scaling may have changed the ReplicaSets.
    const all = this.owners.owned(this.store, REPLICASETS, dep);
    const current = newRs ? this.store.get(REPLICASETS, namespace, newRs.metadata.name!) : undefined;
    dep = this.store.get(DEPLOYMENTS, namespace, name)!;
    this.writeStatus(dep, all, current, created, desired, unavailable);
  }

  /**
   * A rollback (or a template changed back): the ReplicaSet of that template becomes the
   * newest revision again, and remembers the revisions it had in revision-history.
   */
  private reuse(dep: KubeObject, rs: KubeObject, revision: number): KubeObject {
    const old = rs.metadata.annotations?.[REVISION];
    const history = [rs.metadata.annotations?.[REVISION_HISTORY], old].filter(Boolean).join(',');
    const annotations: Record<string, string> = { ...(rs.metadata.annotations ?? {}), [REVISION]: String(revision), ...(history ? { [REVISION_HISTORY]: history } : {}) };
    const changeCause = dep.metadata.annotations?.[CHANGE_CAUSE];
    if (changeCause) annotations[CHANGE_CAUSE] = changeCause;
    const next = this.store.update(REPLICASETS, { ...rs, metadata: { ...rs.metadata, annotations } });
    return next;
  }

  private cleanup(dep: KubeObject, newRs: KubeObject | undefined): void {
    const limit = Number((dep.spec as Obj)?.revisionHistoryLimit ?? 10);
    const idle = this.owners
      .owned(this.store, REPLICASETS, dep)
      .filter((rs) => rs.metadata.uid !== newRs?.metadata.uid && replicasOf(rs) === 0 && Number((rs.status as Obj)?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.store.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name!);
  }

  private writeStatus(dep: KubeObject, all: KubeObject[], newRs: KubeObject | undefined, created: boolean, desired: number, maxUnavailable: number): void {
    const sum = (f: (rs: Obj) => number) => all.reduce((n, rs) => n + (f(rs) || 0), 0);
    const replicas = sum((rs) => rs.status?.replicas);
    const ready = sum((rs) => rs.status?.readyReplicas);
    const avail = sum((rs) => rs.status?.availableReplicas);
    const updated = Number((newRs?.status as Obj)?.replicas ?? 0);
    const specTotal = sum((rs) => rs.spec?.replicas);
    const prev = (dep.status as Obj) ?? {};
    const now = nowIso();
    let conditions = prev.conditions as Obj[] | undefined;
    conditions = setCondition(
      conditions,
      avail >= desired - maxUnavailable
        ? { type: 'Available', status: 'True', lastUpdateTime: now, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', lastUpdateTime: now, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      now,
    );
    const rsName = newRs?.metadata.name;
    const complete = newRs && updated === desired && replicas === desired && avail >= desired && Number((newRs.status as Obj)?.availableReplicas ?? 0) >= desired;
    if (complete) conditions = setCondition(conditions, { type: 'Progressing', status: 'True', lastUpdateTime: now, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, now);
    else if (created) conditions = setCondition(conditions, { type: 'Progressing', status: 'True', lastUpdateTime: now, reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }, now);
    else if (rsName) conditions = setCondition(conditions, { type: 'Progressing', status: 'True', lastUpdateTime: now, reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, now);
    // Keep the order the controller uses: Available, then Progressing.
    conditions.sort((a, b) => (a.type === 'Available' ? 0 : 1) - (b.type === 'Available' ? 0 : 1));
    const status: Obj = { observedGeneration: dep.metadata.generation ?? 1, replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: avail, unavailableReplicas: Math.max(0, specTotal - avail), conditions };
    for (const k of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (!status[k]) delete status[k];
    const revision = newRs?.metadata.annotations?.[REVISION];
    const annotations = revision ? { ...(dep.metadata.annotations ?? {}), [REVISION]: revision } : dep.metadata.annotations;
    writeIfChanged(this.store, DEPLOYMENTS, dep, { ...withStatus(dep, status), metadata: { ...dep.metadata, ...(annotations ? { annotations } : {}) } });
  }
}
