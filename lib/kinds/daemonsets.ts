import { at, baseRow, containersAndImages, defineKind, formatLabels, formatSelector, num, rec } from './read';
import { replicaTone } from './workloadStatus';

export const daemonsets = defineKind({
  token: 'daemonsets',
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  plural: 'daemonsets',
  namespaced: true,
  alias: 'workloads',
  title: 'DaemonSets',
  columns: [
    { id: 'desired', title: 'DESIRED', type: 'number' },
    { id: 'current', title: 'CURRENT', type: 'number' },
    { id: 'ready', title: 'READY', type: 'number' },
    { id: 'upToDate', title: 'UP-TO-DATE', type: 'number' },
    { id: 'available', title: 'AVAILABLE', type: 'number' },
    { id: 'nodeSelector', title: 'NODE SELECTOR', type: 'text' },
    { id: 'containers', title: 'CONTAINERS', type: 'text', priority: 1 },
    { id: 'images', title: 'IMAGES', type: 'text', priority: 1 },
    { id: 'selector', title: 'SELECTOR', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const status = rec(object.status);
    const podSpec = at(spec, 'template', 'spec');
    const desired = num(status.desiredNumberScheduled) ?? 0;
    const available = num(status.numberAvailable) ?? 0;
    const updated = num(status.updatedNumberScheduled) ?? 0;
    return baseRow(
      object,
      true,
      {
        desired,
        current: num(status.currentNumberScheduled) ?? 0,
        ready: num(status.numberReady) ?? 0,
        upToDate: updated,
        available,
        nodeSelector: formatLabels(at(podSpec, 'nodeSelector')),
        ...containersAndImages(podSpec),
        selector: formatSelector(spec.selector),
      },
      replicaTone(desired, available, updated),
    );
  },
});
