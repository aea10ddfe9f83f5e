import { at, baseRow, containersAndImages, defineKind, num, rec } from './read';
import { replicaTone } from './workloadStatus';

export const statefulsets = defineKind({
  token: 'statefulsets',
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
  namespaced: true,
  alias: 'workloads',
  title: 'StatefulSets',
  columns: [
    // A status cell: coloured by the row's tone, so a workload short of available pods stands out in the list.
    { id: 'ready', title: 'READY', type: 'status' },
    { id: 'containers', title: 'CONTAINERS', type: 'text', priority: 1 },
    { id: 'images', title: 'IMAGES', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const status = rec(object.status);
    const desired = num(spec.replicas) ?? 1;
    const ready = num(status.readyReplicas) ?? 0;
    return baseRow(
      object,
      true,
      { ready: `${ready}/${desired}`, ...containersAndImages(at(spec, 'template', 'spec')) },
      replicaTone(desired, num(status.availableReplicas) ?? ready, num(status.updatedReplicas) ?? desired),
    );
  },
});
