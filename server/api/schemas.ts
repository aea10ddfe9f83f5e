import type { Actor } from '../../lib/actor';
import type { KindSchema, SchemaNode } from '../../lib/schema';
import { HttpError } from '../http/errors';
import { kubeConfigActingAs } from '../kube/actingAs';
import { KubeError, kubeJson } from '../kube/kubeRequest';
import type { LiveData } from '../live/liveData';

interface OpenApiIndex {
  paths?: Record<string, { serverRelativeURL?: string }>;
}

interface OpenApiDocument {
  components?: { schemas?: Record<string, SchemaNode> };
}

/** Group-version documents are large and change only with their hash: keep the last few per cluster. */
const MAX_DOCUMENTS = 64;
const documents = new Map<string, Promise<OpenApiDocument>>();

function refName(ref: unknown): string | undefined {
  return typeof ref === 'string' && ref.startsWith('#/components/schemas/') ? ref.slice('#/components/schemas/'.length) : undefined;
}

/** Every schema name the root refers to, directly or through others. */
function closure(schemas: Record<string, SchemaNode>, root: string): Record<string, SchemaNode> {
  const out: Record<string, SchemaNode> = {};
  const pending = [root];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (Object.hasOwn(out, name) || !Object.hasOwn(schemas, name)) continue;
    out[name] = schemas[name];
    const nodes: unknown[] = [schemas[name]];
    while (nodes.length > 0) {
      const node = nodes.pop();
      if (node === null || typeof node !== 'object') continue;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref') {
          const ref = refName(value);
          if (ref) pending.push(ref);
        } else if (typeof value === 'object') nodes.push(value);
      }
    }
  }
  return out;
}

function fromKube(err: unknown): never {
  if (err instanceof KubeError) throw new HttpError(err.status >= 400 && err.status < 600 ? err.status : 502, err.message);
  throw err;
}

/**
 * The OpenAPI v3 schema of one kind as the cluster serves it, read as the
 * person: the index (`/openapi/v3`) each time, so the person's access and
 * the current hash decide, and the group-version document from a cache
 * keyed by cluster, group-version and hash (the cluster's CRDs change the
 * hash). Only the kind's own schema and those it refers to are answered.
 */
export async function kindSchema(live: LiveData, cluster: string, token: string, actor: Actor): Promise<KindSchema> {
  const clusterLive = live.cluster(cluster);
  const k = clusterLive.kind(token);
  if (!k) throw new HttpError(404, `unknown kind "${token}" in cluster "${cluster}"`);
  const kc = kubeConfigActingAs(clusterLive.cluster.kubeConfig, actor);
  const index = await kubeJson<OpenApiIndex>(kc, { path: '/openapi/v3', timeoutMs: 15_000 }).catch((err: unknown) => {
    if (err instanceof KubeError && err.status === 404) throw new HttpError(404, `cluster "${cluster}" serves no OpenAPI v3 schemas`);
    return fromKube(err);
  });
  const gv = k.group ? `apis/${k.group}/${k.version}` : `api/${k.version}`;
  const url = index.paths?.[gv]?.serverRelativeURL ?? `/openapi/v3/${gv}`;
  const key = `${cluster}\n${url}`;
  let doc = documents.get(key);
  if (!doc) {
    doc = kubeJson<OpenApiDocument>(kc, { path: url.split('?')[0], query: Object.fromEntries(new URL(url, 'http://cluster.invalid').searchParams), timeoutMs: 30_000 });
    if (documents.size >= MAX_DOCUMENTS) documents.delete(documents.keys().next().value!);
    documents.set(key, doc);
    doc.catch(() => documents.get(key) === doc && documents.delete(key));
  }
  const schemas = (await doc.catch(fromKube)).components?.schemas ?? {};
  const root = Object.keys(schemas).find((name) => {
    const gvks = schemas[name]['x-kubernetes-group-version-kind'];
    return Array.isArray(gvks) && gvks.some((g: { group?: string; version?: string; kind?: string }) => (g.group ?? '') === k.group && g.version === k.version && g.kind === k.kind);
  });
  if (!root) throw new HttpError(404, `cluster "${cluster}" publishes no schema for ${k.kind} (${gv})`);
  return { group: k.group, version: k.version, kind: k.kind, root, schemas: closure(schemas, root) };
}
