/**
 * Related objects of one object, found among the live rows of other kinds:
 * what it owns (Deployment → ReplicaSets → Pods), what it selects or names
 * (Service → EndpointSlices and Pods, Ingress → Services, PVC ↔ PV, Node → Pods,
 * ConfigMap/Secret → the pods that use them) and its owner chain upward. Pure:
 * the rows come in, groups of links go out, so the page stays live by feeding
 * it rows from the streams.
 */
import type { KubeObject, Row } from '../kinds/types';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Json => (isRecord(v) ? v : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface RelatedLink {
  token: string;
  name: string;
  namespace?: string;
  /** The live row, when the object is in view; absent when only its name is known. */
  row?: Row;
}

export interface RelatedGroup {
  /** Stable id, used as the group's test id. */
  id: string;
  title: string;
  links: RelatedLink[];
}

/** Rows of a kind in view, or undefined while they are not known yet. */
export type RowsOf = (token: string) => readonly Row[] | undefined;

/** The kinds whose rows an object of `kind` needs to find its related objects. */
export function relatedKinds(kind: string): string[] {
  switch (kind) {
    case 'deployments':
      return ['replicasets', 'pods'];
    case 'replicasets':
    case 'statefulsets':
    case 'daemonsets':
    case 'jobs':
      return ['pods'];
    case 'cronjobs':
      return ['jobs', 'pods'];
    case 'services':
      return ['endpointslices', 'pods', 'ingresses'];
    case 'endpointslices':
      return ['pods', 'services'];
    case 'ingresses':
      return ['services'];
    case 'pvcs':
      return ['pvs', 'pods'];
    case 'pvs':
      return ['pvcs', 'pods'];
    case 'nodes':
    case 'configmaps':
    case 'secrets':
      return ['pods'];
    case 'pods':
      return ['nodes', 'services', 'pvcs'];
    default:
      return [];
  }
}

/** `k=v,k2=v2` (a list's selector cell) → a map; `<none>` or empty → undefined. */
export function parseSelectorCell(cell: unknown): Record<string, string> | undefined {
  if (typeof cell !== 'string' || cell === '' || cell === '<none>') return undefined;
  const out: Record<string, string> = {};
  for (const term of cell.split(',')) {
    const at = term.indexOf('=');
    if (at <= 0) return undefined; // a set-based selector: not an equality map
    out[term.slice(0, at)] = term.slice(at + 1);
  }
  return out;
}

/** Whether labels satisfy an equality selector (an empty selector matches nothing, as a Service's does). */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}

const byName = (a: RelatedLink, b: RelatedLink) => a.name.localeCompare(b.name);
const link = (token: string, row: Row): RelatedLink => ({ token, name: row.name, namespace: row.namespace, row });

function ownedBy(rows: readonly Row[] | undefined, token: string, uids: ReadonlySet<string>): RelatedLink[] {
  return (rows ?? []).filter((r) => r.owners?.some((o) => uids.has(o.uid))).map((r) => link(token, r)).sort(byName);
}

function inNamespace(rows: readonly Row[] | undefined, namespace: string | undefined): Row[] {
  return (rows ?? []).filter((r) => r.namespace === namespace);
}

function named(token: string, rows: readonly Row[] | undefined, names: Iterable<string>, namespace: string | undefined): RelatedLink[] {
  const wanted = [...new Set(names)].sort();
  return wanted.map((name) => {
    const row = (rows ?? []).find((r) => r.name === name && r.namespace === namespace);
    return row ? link(token, row) : { token, name, namespace };
  });
}

function podsReferring(rows: readonly Row[] | undefined, namespace: string | undefined, ref: string): RelatedLink[] {
  return inNamespace(rows, namespace)
    .filter((r) => Array.isArray(r.cells.refs) && r.cells.refs.includes(ref))
    .map((r) => link('pods', r))
    .sort(byName);
}

/** The Services an Ingress sends traffic to (rules and the default backend). */
export function ingressServices(ingress: KubeObject): string[] {
  const spec = rec(ingress.spec);
  const names: string[] = [];
  const add = (backend: unknown) => {
    const name = text(rec(rec(backend).service).name);
    if (name) names.push(name);
  };
  add(spec.defaultBackend);
  for (const rule of list(spec.rules)) for (const path of list(rec(rule.http).paths)) add(path.backend);
  return [...new Set(names)];
}

/** The groups of related objects for one object, from the rows in view. */
export function relatedGroups(kind: string, object: KubeObject, rowsOf: RowsOf): RelatedGroup[] {
  const meta = object.metadata ?? {};
  const uid = meta.uid ?? '';
  const ns = meta.namespace;
  const name = meta.name ?? '';
  const spec = rec(object.spec);
  const groups: RelatedGroup[] = [];
  const group = (id: string, title: string, links: RelatedLink[]) => groups.push({ id, title, links });

  switch (kind) {
    case 'deployments': {
      const sets = ownedBy(rowsOf('replicasets'), 'replicasets', new Set([uid]));
      group('replicasets', 'ReplicaSets', sets);
      group('pods', 'Pods', ownedBy(rowsOf('pods'), 'pods', new Set(sets.map((s) => s.row!.uid))));
      break;
    }
    case 'cronjobs': {
      const jobs = ownedBy(rowsOf('jobs'), 'jobs', new Set([uid]));
      group('jobs', 'Jobs', jobs);
      group('pods', 'Pods', ownedBy(rowsOf('pods'), 'pods', new Set(jobs.map((j) => j.row!.uid))));
      break;
    }
    case 'replicasets':
    case 'statefulsets':
    case 'daemonsets':
    case 'jobs':
      group('pods', 'Pods', ownedBy(rowsOf('pods'), 'pods', new Set([uid])));
      break;
    case 'services': {
      const slices = inNamespace(rowsOf('endpointslices'), ns).filter((r) => r.labels?.['kubernetes.io/service-name'] === name);
      group('endpointslices', 'EndpointSlices', slices.map((r) => link('endpointslices', r)).sort(byName));
      const selector = Object.fromEntries(Object.entries(rec(spec.selector)).filter((e): e is [string, string] => typeof e[1] === 'string'));
      group('pods', 'Pods (by selector)', inNamespace(rowsOf('pods'), ns).filter((r) => selects(selector, r.labels)).map((r) => link('pods', r)).sort(byName));
      group('ingresses', 'Ingresses', inNamespace(rowsOf('ingresses'), ns).filter((r) => Array.isArray(r.cells.rules) && r.cells.rules.some((rule) => rule.split(' → ')[2]?.startsWith(`${name}:`))).map((r) => link('ingresses', r)).sort(byName));
      break;
    }
    case 'endpointslices': {
      const pods = list(object.endpoints).map((e) => rec(e.targetRef)).filter((t) => t.kind === 'Pod' && text(t.name)).map((t) => String(t.name));
      group('pods', 'Pods (endpoints)', named('pods', rowsOf('pods'), pods, ns));
      const service = meta.labels?.['kubernetes.io/service-name'];
      group('services', 'Service', service ? named('services', rowsOf('services'), [service], ns) : []);
      break;
    }
    case 'ingresses':
      group('services', 'Services', named('services', rowsOf('services'), ingressServices(object), ns));
      break;
    case 'pvcs': {
      const volume = text(spec.volumeName);
      group('pvs', 'PersistentVolume', volume ? named('pvs', rowsOf('pvs'), [volume], undefined) : []);
      group('pods', 'Pods using it', podsReferring(rowsOf('pods'), ns, `pvc:${name}`));
      break;
    }
    case 'pvs': {
      const claim = rec(spec.claimRef);
      const claimName = text(claim.name);
      const claimNs = text(claim.namespace);
      group('pvcs', 'Claim', claimName ? named('pvcs', rowsOf('pvcs'), [claimName], claimNs) : []);
      group('pods', 'Pods using it', claimName ? podsReferring(rowsOf('pods'), claimNs, `pvc:${claimName}`) : []);
      break;
    }
    case 'nodes':
      group('pods', 'Pods on this node', (rowsOf('pods') ?? []).filter((r) => r.cells.node === name).map((r) => link('pods', r)).sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || byName(a, b)));
      break;
    case 'configmaps':
      group('pods', 'Pods using it', podsReferring(rowsOf('pods'), ns, `configmap:${name}`));
      break;
    case 'secrets':
      group('pods', 'Pods using it', podsReferring(rowsOf('pods'), ns, `secret:${name}`));
      break;
    case 'pods': {
      const node = text(spec.nodeName);
      group('nodes', 'Node', node ? named('nodes', rowsOf('nodes'), [node], undefined) : []);
      const labels = meta.labels;
      group('services', 'Services selecting it', inNamespace(rowsOf('services'), ns).filter((r) => selects(parseSelectorCell(r.cells.selector), labels)).map((r) => link('services', r)).sort(byName));
      const claims = list(spec.volumes).map((v) => text(rec(v.persistentVolumeClaim).claimName)).filter((c): c is string => c !== undefined);
      group('pvcs', 'Claims', named('pvcs', rowsOf('pvcs'), claims, ns));
      break;
    }
  }
  return groups;
}

/** Kind name (`ReplicaSet`) → token (`replicasets`), from the registry the page knows. */
export type TokenOf = (apiVersion: string | undefined, kind: string | undefined) => string | undefined;

/**
 * The owner chain upward from an object: its controller (or first owner), then
 * that owner's, as far as the rows in view go. Stops at a cycle or after ten steps.
 */
export function ownerChain(object: KubeObject, rowsOf: RowsOf, tokenOf: TokenOf): RelatedLink[] {
  const chain: RelatedLink[] = [];
  const seen = new Set<string>([object.metadata?.uid ?? '']);
  const namespace = object.metadata?.namespace;
  const first = (refs: Array<{ apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }> | undefined) => refs?.find((r) => r.controller) ?? refs?.[0];
  let ref: { apiVersion?: string; kind?: string; name?: string; uid?: string } | undefined = first(object.metadata?.ownerReferences);
  while (ref && ref.name && chain.length < 10 && !seen.has(ref.uid ?? '')) {
    seen.add(ref.uid ?? '');
    const token = tokenOf(ref.apiVersion, ref.kind);
    if (!token) {
      chain.push({ token: '', name: ref.name, namespace });
      break;
    }
    const row = (rowsOf(token) ?? []).find((r) => r.uid === ref!.uid);
    chain.push({ token, name: ref.name, namespace: row?.namespace ?? namespace, row });
    if (!row) break;
    const next: { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean } | undefined = row.owners?.find((o) => o.controller) ?? row.owners?.[0];
    ref = next ? { kind: next.kind, name: next.name, uid: next.uid } : undefined;
  }
  return chain;
}
