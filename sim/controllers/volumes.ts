/**
 * Persistent volumes, as the PV controller and a dynamic provisioner handle them: a
 * claim without a class gets the default StorageClass (the newest one marked default);
 * a claim of a known class gets a new PersistentVolume `pvc-<claim uid>` of the size it
 * asks for, bound both ways — at once, or once a pod using it is scheduled when the
 * class says WaitForFirstConsumer. A claim already Bound to a volume that does not
 * exist (StatefulSet claims) gets that volume. When a claim goes, its volume is deleted
 * (reclaimPolicy Delete) or Released (Retain).
 */
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { nowIso, PODS, PVCS, WorkQueue, type Obj } from './runtime';

export const PVS = '/persistentvolumes';
export const STORAGE_CLASSES = 'storage.k8s.io/storageclasses';
const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

export class VolumeController {
  private queue: WorkQueue;

  constructor(
    private readonly store: Store,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    for (const c of store.iterate(PVCS)) this.queue.add(c.metadata.namespace, c.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === PVCS) {
      if (e.type === 'DELETED') this.release(e.object);
      else this.queue.add(e.object.metadata.namespace, e.object.metadata.name!);
    }
    if (e.key === PODS && e.type !== 'DELETED' && (e.object.spec as Obj)?.nodeName && !(e.previous?.spec as Obj)?.nodeName) {
      for (const v of (e.object.spec as Obj)?.volumes ?? []) {
        if (v?.persistentVolumeClaim?.claimName) this.queue.add(e.object.metadata.namespace, v.persistentVolumeClaim.claimName);
      }
    }
    if (e.key === STORAGE_CLASSES && e.type === 'ADDED') for (const c of this.store.iterate(PVCS)) if ((c.status as Obj)?.phase !== 'Bound') this.queue.add(c.metadata.namespace, c.metadata.name!);
  }

  private defaultClass(): KubeObject | undefined {
    const defaults = this.store.list(STORAGE_CLASSES).filter((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true');
    return defaults.sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) || a.metadata.name!.localeCompare(b.metadata.name!))[0];
  }

  private sync(namespace: string, name: string): void {
    let claim = this.store.get(PVCS, namespace, name);
    if (!claim || claim.metadata.deletionTimestamp) return;
    const spec = claim.spec as Obj;
    const status = claim.status as Obj;
    if (status?.phase === 'Bound') {
      if (spec?.volumeName && !this.store.get(PVS, undefined, spec.volumeName)) this.createVolume(claim, spec.volumeName, this.store.get(STORAGE_CLASSES, undefined, spec.storageClassName ?? ''));
      return;
    }
    if (spec?.volumeName) return;
    if (spec?.storageClassName === undefined || spec?.storageClassName === null) {
      const def = this.defaultClass();
      if (!def) return;
      claim = this.store.update(PVCS, { ...claim, metadata: { ...claim.metadata }, spec: { ...spec, storageClassName: def.metadata.name } });
    }
    const className = (claim.spec as Obj).storageClassName;
    const sc = this.store.get(STORAGE_CLASSES, undefined, className);
    if (!sc) return;
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !this.scheduledConsumer(claim)) return;
    const volumeName = `pvc-${claim.metadata.uid}`;
    const volume = this.createVolume(claim, volumeName, sc);
    const provisioner = String(sc.provisioner ?? '');
    const annotations = {
      ...(claim.metadata.annotations ?? {}),
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.beta.kubernetes.io/storage-provisioner': provisioner,
      'volume.kubernetes.io/storage-provisioner': provisioner,
    };
    this.store.update(PVCS, {
      ...claim,
      metadata: { ...claim.metadata, annotations },
      spec: { ...(claim.spec as Obj), volumeName },
      status: { phase: 'Bound', accessModes: (volume.spec as Obj).accessModes, capacity: { ...(volume.spec as Obj).capacity } },
    });
  }

  private scheduledConsumer(claim: KubeObject): boolean {
    return this.store.list(PODS, claim.metadata.namespace).some((p) => (p.spec as Obj)?.nodeName && ((p.spec as Obj)?.volumes ?? []).some((v: Obj) => v?.persistentVolumeClaim?.claimName === claim.metadata.name));
  }

  private createVolume(claim: KubeObject, name: string, sc: KubeObject | undefined): KubeObject {
    const existing = this.store.get(PVS, undefined, name);
    if (existing) return existing;
    const spec = claim.spec as Obj;
    const provisioner = String(sc?.provisioner ?? 'sim.crowsnest.dev/hostpath');
    const storage = spec?.resources?.requests?.storage ?? (claim.status as Obj)?.capacity?.storage ?? '1Gi';
    const source = provisioner.includes('hostpath') || provisioner.includes('local-path') ? { hostPath: { path: `/var/lib/sim-volumes/${name}`, type: 'DirectoryOrCreate' } } : { csi: { driver: provisioner, volumeHandle: name, fsType: 'ext4' } };
    return this.store.create(PVS, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': provisioner } },
      spec: {
        capacity: { storage },
        accessModes: spec?.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: sc?.reclaimPolicy ?? 'Delete',
        storageClassName: spec?.storageClassName ?? sc?.metadata.name ?? '',
        volumeMode: spec?.volumeMode ?? 'Filesystem',
        claimRef: { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion },
        ...source,
      },
      status: { phase: 'Bound', lastPhaseTransitionTime: nowIso() },
    });
  }

  private release(claim: KubeObject): void {
    const volumeName = (claim.spec as Obj)?.volumeName;
    const pv = volumeName ? this.store.get(PVS, undefined, volumeName) : undefined;
    if (!pv || (pv.spec as Obj)?.claimRef?.uid !== claim.metadata.uid) return;
    if ((pv.spec as Obj)?.persistentVolumeReclaimPolicy === 'Delete') this.store.delete(PVS, undefined, pv.metadata.name!);
    else this.store.update(PVS, { ...pv, metadata: { ...pv.metadata }, status: { phase: 'Released', lastPhaseTransitionTime: nowIso() } });
  }
}
