/**
 * OpenAPI v3, just enough for kubectl: an index of group-versions with content hashes,
 * and per group-version documents whose operations carry
 * `x-kubernetes-group-version-kind` and whose PATCH operations list the
 * `fieldValidation` parameter, so `kubectl apply`/`create -f` validate server-side.
 * Schemas are permissive (any object); component schemas deliberately carry no GVK,
 * so client-side apply falls back to kubectl's compiled-in patch metadata.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, type Registry, type ResourceType } from './resources';
import { sortedGroups } from './discovery';

const QUERY = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string' }, style: 'form' });

const PATCH_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
  QUERY('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  QUERY('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.'),
  { name: 'force', in: 'query', description: 'Force is going to "force" Apply requests.', schema: { type: 'boolean' }, style: 'form' },
];
const WRITE_PARAMS = PATCH_PARAMS.slice(0, 3);

const ANY_OBJECT = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function body(): object {
  return { content: { '*/*': { schema: ANY_OBJECT } }, required: true };
}

function responses(code: string): object {
  return { [code]: { description: 'OK', content: { 'application/json': { schema: ANY_OBJECT } } }, '401': { description: 'Unauthorized' } };
}

function gvk(t: ResourceType, version: string): object {
  return { group: t.group, version, kind: t.kind };
}

function operations(t: ResourceType, version: string): Record<string, object> {
  const base = t.group ? `/apis/${t.group}/${version}` : `/api/${version}`;
  const coll = t.namespaced ? `${base}/namespaces/{namespace}/${t.resource}` : `${base}/${t.resource}`;
  const pathParams = [
    ...(t.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
  ];
  const ext = { 'x-kubernetes-group-version-kind': gvk(t, version) };
  const op = (id: string, action: string, extra: object = {}) => ({ operationId: `${id}${t.kind}`, 'x-kubernetes-action': action, ...ext, ...extra });
  const out: Record<string, object> = {};
  if (t.verbs.includes('create') && !t.verbs.includes('get')) {
    out[coll] = { parameters: pathParams, post: op('create', 'post', { parameters: WRITE_PARAMS, requestBody: body(), responses: responses('201') }) };
    return out;
  }
  out[coll] = {
    parameters: pathParams,
    get: op('list', 'list', { responses: responses('200') }),
    post: op('create', 'post', { parameters: WRITE_PARAMS, requestBody: body(), responses: responses('201') }),
  };
  const itemParams = [{ name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }, ...pathParams];
  out[`${coll}/{name}`] = {
    parameters: itemParams,
    get: op('read', 'get', { responses: responses('200') }),
    put: op('replace', 'put', { parameters: WRITE_PARAMS, requestBody: body(), responses: responses('200') }),
    patch: op('patch', 'patch', { parameters: PATCH_PARAMS, requestBody: body(), responses: responses('200') }),
    delete: op('delete', 'delete', { responses: responses('200') }),
  };
  if (t.status) {
    out[`${coll}/{name}/status`] = {
      parameters: itemParams,
      get: op('read', 'get', { responses: responses('200') }),
      patch: op('patch', 'patch', { parameters: PATCH_PARAMS, requestBody: body(), responses: responses('200') }),
    };
  }
  return out;
}

export function groupVersionDocument(registry: Registry, group: string, version: string): object | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const t of types) Object.assign(paths, operations(t, version));
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-crowsnest-sim' },
    paths,
    components: { schemas: { [`${apiVersionOf(group, version).replace('/', '.')}.Object`]: ANY_OBJECT } },
  };
}

/** Per-path documents and hashes, recomputed when the registry changes (CRDs come and go). */
export class OpenApi {
  private generation = -1;
  private docs = new Map<string, { text: string; hash: string }>();

  constructor(private readonly registry: Registry) {}

  private refresh(): void {
    if (this.generation === this.registry.generation) return;
    this.docs.clear();
    for (const [group, versions] of sortedGroups(this.registry)) {
      for (const v of versions) {
        const doc = groupVersionDocument(this.registry, group, v);
        if (!doc) continue;
        const text = JSON.stringify(doc);
        const hash = createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();
        this.docs.set(group ? `apis/${group}/${v}` : `api/${v}`, { text, hash });
      }
    }
    this.generation = this.registry.generation;
  }

  index(): object {
    this.refresh();
    const paths: Record<string, object> = {};
    for (const [path, d] of this.docs) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${d.hash}` };
    return { paths };
  }

  document(path: string): string | undefined {
    this.refresh();
    return this.docs.get(path)?.text;
  }
}
