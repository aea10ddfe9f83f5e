import { accessModes, at, baseRow, defineKind, lookup, meta, rec, str } from './read';
import type { Tone } from './types';

const TONES: Record<string, Tone> = { Bound: 'ok', Available: 'neutral', Pending: 'progress', Released: 'warning', Failed: 'error' };

export const pvs = defineKind({
  token: 'pvs',
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  namespaced: false,
  alias: 'storage',
  title: 'PersistentVolumes',
  columns: [
    { id: 'capacity', title: 'CAPACITY', type: 'text' },
    { id: 'accessModes', title: 'ACCESS MODES', type: 'text' },
    { id: 'reclaimPolicy', title: 'RECLAIM POLICY', type: 'text' },
    { id: 'status', title: 'STATUS', type: 'status' },
    { id: 'claim', title: 'CLAIM', type: 'text' },
    { id: 'storageClass', title: 'STORAGECLASS', type: 'text' },
    { id: 'reason', title: 'REASON', type: 'text' },
    { id: 'volumeMode', title: 'VOLUMEMODE', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const claimRef = rec(spec.claimRef);
    const claimName = str(claimRef.name);
    const phase = str(at(object, 'status', 'phase')) ?? '';
    const status = str(meta(object).deletionTimestamp) ? 'Terminating' : phase;
    return baseRow(
      object,
      false,
      {
        capacity: str(at(spec, 'capacity', 'storage')) ?? '',
        accessModes: accessModes(spec.accessModes),
        reclaimPolicy: str(spec.persistentVolumeReclaimPolicy) ?? '',
        status,
        claim: claimName ? `${str(claimRef.namespace) ?? ''}/${claimName}` : '',
        storageClass: str(spec.storageClassName) ?? '',
        reason: str(at(object, 'status', 'reason')) ?? '',
        volumeMode: str(spec.volumeMode) ?? 'Filesystem',
      },
      status === 'Terminating' ? 'progress' : (lookup(TONES, phase) ?? 'neutral'),
    );
  },
});
