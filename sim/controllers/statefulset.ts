/**
 * StatefulSet: pods `<name>-0 … <name>-(n-1)` created one at a time in order, each
 * waiting for the one before to be Running and Ready (OrderedReady; Parallel creates
 * them together), removed from the highest ordinal down, and replaced highest first
 * when the template changes. Pods are deleted gracefully: a Terminating pod keeps its
 * ordinal until it is gone, and under OrderedReady nothing else is created, deleted or
 * replaced while one is terminating (scale-down takes one ordinal at a time; Parallel
 * deletes all the extra ones at once). Claims from volumeClaimTemplates are created
 * Bound. Each template is kept as a ControllerRevision (revisions.ts).
 */
import { deleteStored } from '../deletion';
import type { Store } from '../store';
import type { KubeObject } from '../types';
import type { EventRecorder } from './events';
import { OwnerController } from './ownerController';
import { recordRevision } from './revisions';
import { hashOf, isPodReady, PODS, podFromTemplate, PVCS, STATEFULSETS, withStatus, writeIfChanged, type Obj, type OwnerIndex } from './runtime';

export class StatefulSetController extends OwnerController {
  constructor(
    store: Store,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    signal: AbortSignal,
  ) {
    super(store, { key: STATEFULSETS, childKey: PODS, kind: 'StatefulSet' }, signal);
  }

  protected sync(namespace: string, name: string): void {
    const sts = this.store.get(STATEFULSETS, namespace, name);
    if (!sts) return;
    const spec = sts.spec as Obj;
    const want = Number(spec.replicas ?? 1);
    const hash = hashOf(spec.template);
    const revision = `${name}-${hash}`;
    recordRevision(this.store, this.owners, sts, revision, hash);
    const parallel = spec.podManagementPolicy === 'Parallel';
    const pods = new Map<number, KubeObject>();
    for (const p of this.owners.owned(this.store, PODS, sts)) {
      const m = p.metadata.name!.match(/-(\d+)$/);
      if (m) pods.set(Number(m[1]), p);
    }
    const terminating = (p: KubeObject | undefined) => Boolean(p?.metadata.deletionTimestamp);
    const healthy = (p: KubeObject | undefined) => p && !terminating(p) && (p.status as Obj)?.phase === 'Running' && isPodReady(p);
    // OrderedReady waits for a terminating pod to be gone before doing anything else.
    let blocked = !parallel && [...pods.values()].some(terminating);
    for (let i = 0; i < want && !blocked; i++) {
      const p = pods.get(i);
      if (!p) {
        this.create(sts, i, revision);
        if (!parallel) blocked = true;
        continue;
      }
      if (!parallel && !healthy(p)) blocked = true;
    }
    if (!blocked) {
      const extra = [...pods.keys()].filter((i) => i >= want && !terminating(pods.get(i))).sort((a, b) => b - a);
      if (extra.length) {
        for (const i of parallel ? extra : extra.slice(0, 1)) this.remove(sts, pods.get(i)!);
      } else if (spec.updateStrategy?.type !== 'OnDelete') {
        const partition = Number(spec.updateStrategy?.rollingUpdate?.partition ?? 0);
        const stale = [...pods.entries()].filter(([i, p]) => i >= partition && i < want && p.metadata.labels?.['controller-revision-hash'] !== revision).sort((a, b) => b[0] - a[0]);
        if (stale.length && [...pods.values()].every((p) => healthy(p))) this.remove(sts, stale[0][1]);
      }
    }
    const all = this.owners.owned(this.store, PODS, sts);
    const live = all.filter((p) => !terminating(p));
    const ready = all.filter(isPodReady).length;
    const updated = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
    const prev = (sts.status as Obj) ?? {};
    const done = updated === want && all.length === want;
    const status: Obj = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: all.length,
      readyReplicas: ready,
      currentReplicas: done ? updated : live.length - updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: done ? revision : (prev.currentRevision ?? revision),
      updateRevision: revision,
      collisionCount: 0,
    };
    writeIfChanged(this.store, STATEFULSETS, sts, withStatus(sts, status));
  }

  private create(sts: KubeObject, i: number, revision: string): void {
    const spec = sts.spec as Obj;
    const name = `${sts.metadata.name}-${i}`;
    const namespace = sts.metadata.namespace!;
    const volumes = [...(spec.template?.spec?.volumes ?? [])];
    for (const t of spec.volumeClaimTemplates ?? []) {
      const claim = `${t.metadata.name}-${name}`;
      if (!this.store.get(PVCS, namespace, claim)) {
        const storage = t.spec?.resources?.requests?.storage ?? '1Gi';
        this.store.create(PVCS, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: claim, namespace, labels: { ...(spec.selector?.matchLabels ?? {}) }, annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
          spec: { volumeMode: 'Filesystem', ...structuredClone(t.spec ?? {}), volumeName: `pvc-${hashOf(`${namespace}/${claim}`, 16)}` },
          status: { phase: 'Bound', accessModes: t.spec?.accessModes ?? ['ReadWriteOnce'], capacity: { storage } },
        });
      }
      volumes.push({ name: t.metadata.name, persistentVolumeClaim: { claimName: claim } });
    }
    const pod = podFromTemplate(spec.template, {
      name,
      namespace,
      owner: sts,
      labels: { 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': revision },
      extraSpec: { hostname: name, subdomain: spec.serviceName, ...(volumes.length ? { volumes } : {}) },
    });
    this.store.create(PODS, pod);
    this.events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
  }

  private remove(sts: KubeObject, p: KubeObject): void {
    deleteStored(this.store, PODS, p);
    this.events.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata.name} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
  }
}
