/**
 * Discovery documents: the legacy ones (/api, /apis, /apis/{group}, /api/v1,
 * /apis/{g}/{v}) and /version as plain application/json, and aggregated discovery
 * (apidiscovery.k8s.io v2 and v2beta1 APIGroupDiscoveryList for /api and /apis) for
 * clients whose Accept header asks for it first, as kubectl does. Both list every
 * subresource a resource serves, with its kind and verbs.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, type Registry, type ResourceType, type Subresource } from './resources';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  emulationMajor: '1',
  emulationMinor: '32',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '31',
  gitVersion: 'v1.32.0-crowsnest-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Group order: core, then the built-in groups roughly as the apiserver lists them, then custom groups. */
const GROUP_ORDER = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
];

function groupRank(g: string): number {
  const i = GROUP_ORDER.indexOf(g);
  return i < 0 ? GROUP_ORDER.length : i;
}

export function sortedGroups(registry: Registry): [string, string[]][] {
  return [...registry.groups()].sort(([a], [b]) => groupRank(a) - groupRank(b) || a.localeCompare(b));
}

export function apiVersions(host: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
}

function apiGroup(name: string, versions: string[]): object {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(registry: Registry): object {
  const groups = sortedGroups(registry)
    .filter(([g]) => g !== '')
    .map(([g, vs]) => apiGroup(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroupDoc(registry: Registry, group: string): object | undefined {
  const vs = registry.groups().get(group);
  if (!vs || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, vs) };
}

function storageVersionHash(t: ResourceType): string {
  return createHash('sha256').update(`${t.group}/${t.versions[0]}/${t.kind}`).digest('base64').slice(0, 11);
}

/**
 * Every subresource of a type, status and scale included. A built-in kind's come in
 * name order (the apiserver installs its paths sorted); a custom resource's as the
 * apiextensions server adds them: status, then scale.
 */
export function subresourcesOf(t: ResourceType): Subresource[] {
  const out: Subresource[] = [...(t.subresources ?? [])];
  if (t.status) out.push({ name: 'status', kind: t.kind, verbs: ['get', 'patch', 'update'] });
  if (t.scale) out.push({ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] });
  return t.crd ? out : out.sort((a, b) => a.name.localeCompare(b.name));
}

function entries(t: ResourceType): object[] {
  const main: Record<string, unknown> = {
    name: t.resource,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  if (t.verbs.includes('list')) main.storageVersionHash = storageVersionHash(t);
  const out: object[] = [main];
  for (const sub of subresourcesOf(t)) {
    const entry: Record<string, unknown> = { name: `${t.resource}/${sub.name}`, singularName: '', namespaced: t.namespaced };
    if (sub.group !== undefined) entry.group = sub.group;
    if (sub.version !== undefined) entry.version = sub.version;
    out.push({ ...entry, kind: sub.kind, verbs: sub.verbs });
  }
  return out;
}

export function apiResourceList(registry: Registry, group: string, version: string): object | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  types.sort((a, b) => a.resource.localeCompare(b.resource));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources: types.flatMap(entries) };
}

/** The aggregated discovery versions served, newest first. */
const AGGREGATED_VERSIONS = ['v2', 'v2beta1'];

/**
 * Which aggregated discovery version the Accept header asks for first, if any
 * (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`). A clause
 * for plain JSON before it wins, as the apiserver's content negotiation does.
 */
export function aggregatedVersionWanted(accept: string): string | undefined {
  for (const clause of accept.split(',')) {
    const [type, ...params] = clause.split(';').map((p) => p.trim());
    const o = Object.fromEntries(params.map((p) => p.split('=').map((x) => x.trim()) as [string, string]));
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    if (!o.g && !o.as) return undefined;
    if (o.g === 'apidiscovery.k8s.io' && o.as === 'APIGroupDiscoveryList' && AGGREGATED_VERSIONS.includes(o.v)) return o.v;
  }
  return undefined;
}

export function aggregatedContentType(version: string): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

function aggregatedResource(t: ResourceType, version: string): object {
  const out: Record<string, unknown> = {
    resource: t.resource,
    responseKind: { group: t.group, version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: t.singular,
    verbs: t.verbs,
  };
  if (t.shortNames.length) out.shortNames = t.shortNames;
  if (t.categories.length) out.categories = t.categories;
  const subs = subresourcesOf(t);
  if (subs.length) {
    out.subresources = subs.map((s) => ({ subresource: s.name, responseKind: { group: s.group ?? t.group, version: s.version ?? version, kind: s.kind }, verbs: s.verbs }));
  }
  return out;
}

function aggregatedGroup(registry: Registry, group: string, versions: string[]): object {
  return {
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: versions.map((v) => ({
      version: v,
      resources: registry
        .inGroupVersion(group, v)
        .sort((a, b) => a.resource.localeCompare(b.resource))
        .map((t) => aggregatedResource(t, v)),
      freshness: 'Current',
    })),
  };
}

/** `/api` (core only) or `/apis` (every other group) as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(registry: Registry, path: '/api' | '/apis', version: string): object {
  const groups = sortedGroups(registry).filter(([g]) => (path === '/api' ? g === '' : g !== ''));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items: groups.map(([g, vs]) => aggregatedGroup(registry, g, vs)) };
}
