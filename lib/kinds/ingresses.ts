import { annotation, arr, at, baseRow, defineKind, isRecord, num, rec, str } from './read';

/** A backend as `service:port` (port name or number), or `resource:Kind/name`. */
function backend(value: unknown): string {
  const service = at(value, 'service');
  if (isRecord(service)) {
    const port = num(at(service, 'port', 'number')) ?? str(at(service, 'port', 'name')) ?? '';
    return `${str(service.name) ?? ''}:${port}`;
  }
  const resource = at(value, 'resource');
  if (isRecord(resource)) return `resource:${str(resource.kind) ?? ''}/${str(resource.name) ?? ''}`;
  return '<none>';
}

export const ingresses = defineKind({
  token: 'ingresses',
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  plural: 'ingresses',
  namespaced: true,
  alias: 'networking',
  title: 'Ingresses',
  columns: [
    { id: 'class', title: 'CLASS', type: 'text' },
    { id: 'hosts', title: 'HOSTS', type: 'list' },
    { id: 'address', title: 'ADDRESS', type: 'text' },
    { id: 'ports', title: 'PORTS', type: 'text' },
    { id: 'tls', title: 'TLS HOSTS', type: 'list', priority: 1 },
    { id: 'rules', title: 'RULES', type: 'list', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const rules = arr(spec.rules).filter(isRecord);
    const tls = arr(spec.tls).filter(isRecord);
    const hosts = rules.map((rule) => str(rule.host) ?? '*');
    const tlsHosts = tls.flatMap((entry) => arr(entry.hosts).filter((host): host is string => typeof host === 'string'));
    const addresses = arr(at(object, 'status', 'loadBalancer', 'ingress'))
      .map((entry) => str(at(entry, 'ip')) ?? str(at(entry, 'hostname')))
      .filter((address): address is string => address !== undefined);
    const ruleCells: string[] = [];
    for (const rule of rules) {
      for (const path of arr(at(rule, 'http', 'paths')).filter(isRecord)) {
        ruleCells.push(`${str(rule.host) ?? '*'} → ${str(path.path) ?? '/'} → ${backend(path.backend)}`);
      }
    }
    if (isRecord(spec.defaultBackend)) ruleCells.push(`* → (default) → ${backend(spec.defaultBackend)}`);
    return baseRow(
      object,
      true,
      {
        class: str(spec.ingressClassName) ?? annotation(object, 'kubernetes.io/ingress.class') ?? '<none>',
        hosts: hosts.length > 0 ? hosts : ['*'],
        address: addresses.join(','),
        ports: tls.length > 0 ? '80, 443' : '80',
        tls: tlsHosts,
        rules: ruleCells,
      },
      addresses.length > 0 ? 'ok' : 'progress',
    );
  },
});
