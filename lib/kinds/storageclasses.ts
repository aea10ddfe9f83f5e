import { annotation, baseRow, defineKind, str } from './read';

export const storageclasses = defineKind({
  token: 'storageclasses',
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  namespaced: false,
  alias: 'storage',
  title: 'StorageClasses',
  columns: [
    { id: 'provisioner', title: 'PROVISIONER', type: 'text' },
    { id: 'reclaimPolicy', title: 'RECLAIMPOLICY', type: 'text' },
    { id: 'volumeBindingMode', title: 'VOLUMEBINDINGMODE', type: 'text' },
    { id: 'allowVolumeExpansion', title: 'ALLOWVOLUMEEXPANSION', type: 'text' },
    { id: 'default', title: 'DEFAULT', type: 'text' },
  ],
  project(object) {
    const isDefault =
      annotation(object, 'storageclass.kubernetes.io/is-default-class') === 'true' ||
      annotation(object, 'storageclass.beta.kubernetes.io/is-default-class') === 'true';
    return baseRow(
      object,
      false,
      {
        provisioner: str(object.provisioner) ?? '',
        // The API defaults: Delete, Immediate, no expansion.
        reclaimPolicy: str(object.reclaimPolicy) ?? 'Delete',
        volumeBindingMode: str(object.volumeBindingMode) ?? 'Immediate',
        allowVolumeExpansion: object.allowVolumeExpansion === true,
        default: isDefault,
      },
      'neutral',
    );
  },
});
