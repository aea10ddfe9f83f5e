import { at, baseRow, containersAndImages, defineKind, formatSelector, num, rec } from './read';
import { replicaTone } from './workloadStatus';

export const replicasets = defineKind({
  token: 'replicasets',
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  namespaced: true,
  alias: 'workloads',
  title: 'ReplicaSets',
  columns: [
    { id: 'desired', title: 'DESIRED', type: 'number' },
    { id: 'current', title: 'CURRENT', type: 'number' },
    { id: 'ready', title: 'READY', type: 'number' },
    { id: 'containers', title: 'CONTAINERS', type: 'text', priority: 1 },
    { id: 'images', title: 'IMAGES', type: 'text', priority: 1 },
    { id: 'selector', title: 'SELECTOR', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const status = rec(object.status);
    const desired = num(spec.replicas) ?? 1;
    const ready = num(status.readyReplicas) ?? 0;
    return baseRow(
      object,
      true,
      {
        desired,
        current: num(status.replicas) ?? 0,
        ready,
        ...containersAndImages(at(spec, 'template', 'spec')),
        selector: formatSelector(spec.selector),
      },
      replicaTone(desired, num(status.availableReplicas) ?? ready),
    );
  },
});
