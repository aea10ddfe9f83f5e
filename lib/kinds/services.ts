import { arr, at, baseRow, defineKind, formatLabels, isRecord, num, rec, str } from './read';
import type { Json } from './read';

/** PORT(S) like kubectl: `80/TCP`, `80:30080/TCP`, comma-joined; `<none>` without ports. */
function formatPorts(spec: Json): string {
  const ports = arr(spec.ports)
    .filter(isRecord)
    .map((port) => {
      const nodePort = num(port.nodePort);
      const number = num(port.port) ?? 0;
      return `${nodePort ? `${number}:${nodePort}` : number}/${str(port.protocol) ?? 'TCP'}`;
    });
  return ports.length > 0 ? ports.join(',') : '<none>';
}

function loadBalancerAddresses(status: unknown): string[] {
  return arr(at(status, 'loadBalancer', 'ingress'))
    .map((entry) => str(at(entry, 'ip')) ?? str(at(entry, 'hostname')))
    .filter((address): address is string => address !== undefined);
}

/** EXTERNAL-IP like kubectl: by type, `<pending>` for a load balancer not yet provisioned. */
function externalIp(spec: Json, status: unknown): string {
  const externalIPs = arr(spec.externalIPs).filter((ip): ip is string => typeof ip === 'string');
  switch (str(spec.type) ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const addresses = [...loadBalancerAddresses(status), ...externalIPs];
      return addresses.length > 0 ? addresses.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName) ?? '<none>';
    default:
      return '<unknown>';
  }
}

export const services = defineKind({
  token: 'services',
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  namespaced: true,
  alias: 'networking',
  title: 'Services',
  columns: [
    { id: 'type', title: 'TYPE', type: 'text' },
    { id: 'clusterIP', title: 'CLUSTER-IP', type: 'text' },
    { id: 'externalIP', title: 'EXTERNAL-IP', type: 'text' },
    { id: 'ports', title: 'PORT(S)', type: 'text' },
    { id: 'selector', title: 'SELECTOR', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const external = externalIp(spec, object.status);
    return baseRow(
      object,
      true,
      {
        type: str(spec.type) ?? 'ClusterIP',
        clusterIP: str(spec.clusterIP) ?? '<none>',
        externalIP: external,
        ports: formatPorts(spec),
        selector: formatLabels(spec.selector),
      },
      external === '<pending>' ? 'progress' : 'ok',
    );
  },
});
