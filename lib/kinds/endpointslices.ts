import { arr, at, baseRow, defineKind, isRecord, num, str } from './read';

/** kubectl shows this many addresses, then `+ N more...`. */
const SHOWN_ENDPOINTS = 3;

export const endpointslices = defineKind({
  token: 'endpointslices',
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  alias: 'networking',
  title: 'EndpointSlices',
  columns: [
    { id: 'addressType', title: 'ADDRESSTYPE', type: 'text' },
    { id: 'ports', title: 'PORTS', type: 'text' },
    { id: 'endpoints', title: 'ENDPOINTS', type: 'text' },
    { id: 'ready', title: 'READY', type: 'number', priority: 1 },
  ],
  project(object) {
    const endpoints = arr(object.endpoints).filter(isRecord);
    const addresses = endpoints.flatMap((endpoint) => arr(endpoint.addresses).filter((a): a is string => typeof a === 'string'));
    const ports = arr(object.ports).map((port) => num(at(port, 'port')));
    // A ready condition that is unset means ready, per the EndpointSlice API.
    const ready = endpoints.filter((endpoint) => at(endpoint, 'conditions', 'ready') !== false).length;
    const shown = addresses.slice(0, SHOWN_ENDPOINTS).join(',');
    return baseRow(
      object,
      true,
      {
        addressType: str(object.addressType) ?? '',
        ports: ports.length === 0 ? '<unset>' : ports.map((port) => (port === undefined ? '<unset>' : String(port))).join(','),
        endpoints: addresses.length === 0 ? '<unset>' : addresses.length > SHOWN_ENDPOINTS ? `${shown} + ${addresses.length - SHOWN_ENDPOINTS} more...` : shown,
        ready,
      },
      ready > 0 ? 'ok' : 'warning',
    );
  },
});
