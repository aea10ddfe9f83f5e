import { at, baseRow, containersAndImages, defineKind, formatSelector, num, rec } from './read';
import { replicaTone } from './workloadStatus';

export const deployments = defineKind({
  token: 'deployments',
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
  alias: 'workloads',
  title: 'Deployments',
  columns: [
    // A status cell: coloured by the row's tone, so a workload short of available pods stands out in the list.
    { id: 'ready', title: 'READY', type: 'status' },
    { id: 'upToDate', title: 'UP-TO-DATE', type: 'number' },
    { id: 'available', title: 'AVAILABLE', type: 'number' },
    { id: 'containers', title: 'CONTAINERS', type: 'text', priority: 1 },
    { id: 'images', title: 'IMAGES', type: 'text', priority: 1 },
    { id: 'selector', title: 'SELECTOR', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const status = rec(object.status);
    const desired = num(spec.replicas) ?? 1;
    const ready = num(status.readyReplicas) ?? 0;
    const updated = num(status.updatedReplicas) ?? 0;
    const available = num(status.availableReplicas) ?? 0;
    return baseRow(
      object,
      true,
      {
        ready: `${ready}/${desired}`,
        upToDate: updated,
        available,
        ...containersAndImages(at(spec, 'template', 'spec')),
        selector: formatSelector(spec.selector),
      },
      replicaTone(desired, available, updated),
    );
  },
});
