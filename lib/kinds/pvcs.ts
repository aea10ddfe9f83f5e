import { accessModes, at, baseRow, defineKind, lookup, meta, rec, str } from './read';
import type { Tone } from './types';

const TONES: Record<string, Tone> = { Bound: 'ok', Pending: 'progress', Lost: 'error' };

export const pvcs = defineKind({
  token: 'pvcs',
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  namespaced: true,
  alias: 'storage',
  title: 'PersistentVolumeClaims',
  columns: [
    { id: 'status', title: 'STATUS', type: 'status' },
    { id: 'volume', title: 'VOLUME', type: 'text' },
    { id: 'capacity', title: 'CAPACITY', type: 'text' },
    { id: 'accessModes', title: 'ACCESS MODES', type: 'text' },
    { id: 'storageClass', title: 'STORAGECLASS', type: 'text' },
    { id: 'volumeMode', title: 'VOLUMEMODE', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const status = rec(object.status);
    const phase = str(status.phase) ?? '';
    const shown = str(meta(object).deletionTimestamp) ? 'Terminating' : phase;
    return baseRow(
      object,
      true,
      {
        status: shown,
        volume: str(spec.volumeName) ?? '',
        // Capacity and access modes are what was bound, so they come from status, as kubectl shows them.
        capacity: str(at(status, 'capacity', 'storage')) ?? '',
        accessModes: accessModes(status.accessModes),
        storageClass: str(spec.storageClassName) ?? '',
        volumeMode: str(spec.volumeMode) ?? 'Filesystem',
      },
      shown === 'Terminating' ? 'progress' : (lookup(TONES, phase) ?? 'neutral'),
    );
  },
});
