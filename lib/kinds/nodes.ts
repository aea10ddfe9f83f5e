import { arr, at, baseRow, condition, defineKind, isRecord, meta, rec, str, stringMap } from './read';
import type { KubeObject, Tone } from './types';

/** ROLES like kubectl: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`, sorted. */
export function nodeRoles(node: KubeObject): string {
  const labels = stringMap(meta(node).labels) ?? {};
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

function address(status: unknown, type: string): string {
  const found = arr(at(status, 'addresses')).find((entry) => isRecord(entry) && entry.type === type);
  return str(at(found, 'address')) ?? '<none>';
}

export const nodes = defineKind({
  token: 'nodes',
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  namespaced: false,
  alias: 'cluster',
  title: 'Nodes',
  columns: [
    { id: 'status', title: 'STATUS', type: 'status' },
    { id: 'roles', title: 'ROLES', type: 'text' },
    { id: 'version', title: 'VERSION', type: 'text' },
    { id: 'cpu', title: 'CPU', type: 'text' },
    { id: 'memory', title: 'MEMORY', type: 'memory' },
    { id: 'cpuUsage', title: 'CPU USED', type: 'usage' },
    { id: 'memoryUsage', title: 'MEMORY USED', type: 'usage' },
    { id: 'internalIP', title: 'INTERNAL-IP', type: 'text', priority: 1 },
    { id: 'externalIP', title: 'EXTERNAL-IP', type: 'text', priority: 1 },
    { id: 'osImage', title: 'OS-IMAGE', type: 'text', priority: 1 },
    { id: 'kernelVersion', title: 'KERNEL-VERSION', type: 'text', priority: 1 },
    { id: 'containerRuntime', title: 'CONTAINER-RUNTIME', type: 'text', priority: 1 },
  ],
  project(object) {
    const status = rec(object.status);
    const info = rec(status.nodeInfo);
    const ready = condition(object, 'Ready');
    const readiness = ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
    const cordoned = at(object, 'spec', 'unschedulable') === true;
    const tone: Tone = readiness === 'NotReady' ? 'error' : readiness === 'Unknown' || cordoned ? 'warning' : 'ok';
    return baseRow(
      object,
      false,
      {
        status: cordoned ? `${readiness},SchedulingDisabled` : readiness,
        roles: nodeRoles(object),
        version: str(info.kubeletVersion) ?? '',
        cpu: str(at(status, 'capacity', 'cpu')) ?? '',
        memory: str(at(status, 'capacity', 'memory')) ?? '',
        cpuUsage: [str(at(status, 'allocatable', 'cpu')) ?? ''],
        memoryUsage: [str(at(status, 'allocatable', 'memory')) ?? ''],
        internalIP: address(status, 'InternalIP'),
        externalIP: address(status, 'ExternalIP'),
        osImage: str(info.osImage) ?? '<unknown>',
        kernelVersion: str(info.kernelVersion) ?? '<unknown>',
        containerRuntime: str(info.containerRuntimeVersion) ?? '<unknown>',
      },
      tone,
    );
  },
});
