/**
 * OpenAPI v3 (an index of group-versions with content hashes, and one document per
 * group-version) and v2 (one JSON document), carrying the real schemas of the built-in
 * kinds (sim/openapi/definitions.ts) and of custom resources (their CRD's
 * openAPIV3Schema), so `kubectl explain` works and editors can complete and validate.
 * Operations carry `x-kubernetes-group-version-kind`, and PATCH operations list the
 * `fieldValidation` parameter, so `kubectl apply`/`create -f` validate server-side.
 * Kinds without a known schema (metrics) are described as any object.
 */
import { createHash } from 'node:crypto';
import { CRD_KEY } from './crd';
import { sortedGroups } from './discovery';
import { builtinDefinitions, closure, definitionFor, type Schema } from './openapi/definitions';
import type { Registry, ResourceType } from './resources';
import type { Store } from './store';

const QUERY = (name: string, description: string) => ({ name, in: 'query', description, schema: { type: 'string' }, style: 'form' });

const PATCH_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
  QUERY('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  QUERY('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.'),
  { name: 'force', in: 'query', description: 'Force is going to "force" Apply requests.', schema: { type: 'boolean' }, style: 'form' },
];
const WRITE_PARAMS = PATCH_PARAMS.slice(0, 3);

const ANY_OBJECT = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function bodyOf(schema: object): object {
  return { content: { '*/*': { schema } }, required: true };
}

function responsesOf(code: string, schema: object): object {
  return { [code]: { description: 'OK', content: { 'application/json': { schema } } }, '401': { description: 'Unauthorized' } };
}

function gvk(t: ResourceType, version: string): object {
  return { group: t.group, version, kind: t.kind };
}

function operations(t: ResourceType, version: string, schemaName: string | undefined): Record<string, object> {
  const schema = schemaName ? { $ref: `#/components/schemas/${schemaName}` } : ANY_OBJECT;
  const listSchema = ANY_OBJECT;
  const body = () => bodyOf(schema);
  const responses = (code: string, s: object = schema) => responsesOf(code, s);
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
    get: op('list', 'list', { responses: responses('200', listSchema) }),
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

/** The reverse-domain name the apiserver gives a custom resource's schema (`com.example.stable.v1.CronTab`). */
function crdSchemaName(t: ResourceType, version: string): string {
  return `${t.group.split('.').reverse().join('.')}.${version}.${t.kind}`;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A CRD version's structural schema as a component: typed metadata, apiVersion and kind described, the GVK attached. */
function crdSchema(store: Store, t: ResourceType, version: string): Schema | undefined {
  const crd = store.get(CRD_KEY, undefined, t.crd!);
  const versions = ((crd?.spec as { versions?: { name: string; schema?: { openAPIV3Schema?: Schema } }[] })?.versions ?? []);
  const raw = versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
  const base: Schema = raw ? structuredClone(raw) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  const properties = { ...((base.properties as Record<string, Schema>) ?? {}) };
  properties.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
  properties.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
  properties.metadata = { allOf: [{ $ref: `#/definitions/${OBJECT_META}` }], description: "Standard object's metadata." };
  return { ...base, type: 'object', properties, 'x-kubernetes-group-version-kind': [{ group: t.group, version, kind: t.kind }] };
}

/**
 * A schema in v3 form: refs point at `#/components/schemas/…`, and a ref that carries
 * its own description is wrapped in `allOf`, as the apiserver publishes it (a sibling
 * of `$ref` is ignored in OpenAPI 3.0).
 */
function toV3(schema: unknown): Schema {
  if (Array.isArray(schema)) return schema.map(toV3) as unknown as Schema;
  if (!schema || typeof schema !== 'object') return schema as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === '$ref' ? String(v).replace('#/definitions/', '#/components/schemas/') : toV3(v);
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    return { allOf: [{ $ref }], ...rest };
  }
  return out;
}

/** The schemas a group-version's kinds need, by name, with refs in v2 style. */
function schemasFor(registry: Registry, store: Store, group: string, version: string): { schemas: Map<string, Schema>; byType: Map<ResourceType, string> } {
  const { definitions, gvks } = builtinDefinitions();
  const schemas = new Map<string, Schema>();
  const byType = new Map<ResourceType, string>();
  const roots: string[] = [];
  for (const t of registry.inGroupVersion(group, version)) {
    if (t.crd) {
      const name = crdSchemaName(t, version);
      const schema = crdSchema(store, t, version);
      if (schema) {
        schemas.set(name, schema);
        byType.set(t, name);
        roots.push(OBJECT_META);
      }
      continue;
    }
    const name = definitionFor(t.group, version, t.kind);
    if (!name) continue;
    byType.set(t, name);
    roots.push(name);
  }
  for (const name of closure(definitions, roots)) {
    const def = definitions.get(name)!;
    const gvk = gvks.get(name);
    schemas.set(name, gvk ? { ...def, 'x-kubernetes-group-version-kind': gvk } : def);
  }
  return { schemas, byType };
}

export function groupVersionDocument(registry: Registry, store: Store, group: string, version: string): object | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const { schemas, byType } = schemasFor(registry, store, group, version);
  const paths: Record<string, object> = {};
  for (const t of types) Object.assign(paths, operations(t, version, byType.get(t)));
  const components: Record<string, Schema> = {};
  for (const name of [...schemas.keys()].sort()) components[name] = toV3(schemas.get(name)!);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-crowsnest-sim' },
    paths,
    components: { schemas: components },
  };
}

/** One Swagger 2.0 document: every group-version's paths and every schema they use. */
function v2Document(registry: Registry, store: Store): object {
  const paths: Record<string, object> = {};
  const definitions: Record<string, Schema> = {};
  for (const [group, versions] of sortedGroups(registry)) {
    for (const v of versions) {
      const { schemas, byType } = schemasFor(registry, store, group, v);
      for (const [name, schema] of schemas) definitions[name] = schema;
      for (const t of registry.inGroupVersion(group, v)) {
        for (const [path, item] of Object.entries(operations(t, v, byType.get(t)))) paths[path] = v2PathItem(item as Record<string, unknown>);
      }
    }
  }
  const sorted: Record<string, Schema> = {};
  for (const name of Object.keys(definitions).sort()) sorted[name] = definitions[name];
  return { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0-crowsnest-sim' }, paths, definitions: sorted };
}

/** A v3 path item in v2 form: bodies become `in: body` parameters, responses carry `schema`. */
function v2PathItem(item: Record<string, unknown>): object {
  const out: Record<string, unknown> = {};
  const v2Schema = (s: unknown) => JSON.parse(JSON.stringify(s ?? ANY_OBJECT).replaceAll('"#/components/schemas/', '"#/definitions/'));
  const param = (p: Record<string, unknown>) => {
    const { schema, style: _style, ...rest } = p;
    return { ...rest, ...((schema as object) ?? {}) };
  };
  for (const [method, op] of Object.entries(item)) {
    if (method === 'parameters') {
      out.parameters = (op as Record<string, unknown>[]).map(param);
      continue;
    }
    const { requestBody, responses, parameters, ...rest } = op as Record<string, unknown>;
    const params = ((parameters as Record<string, unknown>[]) ?? []).map(param);
    const bodySchema = (requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.['*/*']?.schema;
    if (requestBody) params.push({ name: 'body', in: 'body', required: true, schema: v2Schema(bodySchema) });
    const res: Record<string, unknown> = {};
    for (const [code, r] of Object.entries((responses as Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>) ?? {})) {
      const schema = r.content?.['application/json']?.schema;
      res[code] = schema ? { description: r.description, schema: v2Schema(schema) } : { description: r.description };
    }
    out[method] = { ...rest, consumes: ['*/*'], produces: ['application/json'], ...(params.length ? { parameters: params } : {}), responses: res };
  }
  return out;
}

/** Per-path documents and hashes, recomputed when the registry changes (CRDs come and go). */
export class OpenApi {
  private generation = -1;
  private docs = new Map<string, { text: string; hash: string }>();
  private v2Text: string | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly store: Store,
  ) {}

  private refresh(): void {
    if (this.generation === this.registry.generation) return;
    this.docs.clear();
    this.v2Text = undefined;
    for (const [group, versions] of sortedGroups(this.registry)) {
      for (const v of versions) {
        const doc = groupVersionDocument(this.registry, this.store, group, v);
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

  /** The whole API as one Swagger 2.0 JSON document. */
  v2(): string {
    this.refresh();
    this.v2Text ??= JSON.stringify(v2Document(this.registry, this.store));
    return this.v2Text;
  }
}
