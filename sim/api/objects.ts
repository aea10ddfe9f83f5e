/**
 * Object checks and metadata bookkeeping for writes: what the apiserver's decoding,
 * validation and registry strategies do before an object reaches storage.
 */
import { randomBytes } from 'node:crypto';
import { apiVersionOf, type ResourceType } from '../resources';
import { badRequest, conflict, invalid } from '../status';
import type { KubeObject } from '../types';
import type { ResourceRequest } from './context';
import { applyDefaults } from './defaults';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Kinds whose names must be DNS labels rather than subdomains. */
const LABEL_NAMED = new Set(['Namespace', 'Service']);
/** RBAC objects allow path-segment names like `system:basic-user`. */
const PATH_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function qualifiedResource(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

/**
 * Checks a decoded body against the request: an object, of the right kind and
 * group-version, in the right namespace. Missing apiVersion/kind are filled in.
 * Returns a fresh copy the caller may change.
 */
export function checkBody(r: ResourceRequest, body: unknown, kind = r.type.kind, apiVersion = apiVersionOf(r.type.group, r.version)): KubeObject {
  if (!isObject(body)) throw badRequest(`the object provided is unrecognized: expected a JSON or YAML object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`);
  const obj = structuredClone(body) as KubeObject;
  if (obj.apiVersion === undefined) obj.apiVersion = apiVersion;
  if (obj.kind === undefined) obj.kind = kind;
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') throw badRequest('apiVersion and kind must be strings');
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const expectedGroup = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group !== expectedGroup) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`);
  if (obj.kind !== kind) throw badRequest(`${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${obj.kind}: the kind in the data (${obj.kind}) does not match the expected kind (${kind})`);
  obj.apiVersion = apiVersion;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isObject(obj.metadata)) throw badRequest('metadata must be an object');
  const meta = obj.metadata;
  if (r.type.namespaced) {
    if (meta.namespace && r.namespace && meta.namespace !== r.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (r.namespace) meta.namespace = r.namespace;
  } else {
    delete meta.namespace;
  }
  if (r.name !== undefined && meta.name !== undefined && meta.name !== r.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${r.name})`);
  }
  if (r.name !== undefined) meta.name = r.name;
  for (const field of ['labels', 'annotations'] as const) {
    const v = meta[field];
    if (v !== undefined && v !== null && (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string'))) {
      throw invalid(kind, r.type.group, String(meta.name ?? ''), [{ field: `metadata.${field}`, message: `Invalid value: ${field} must be a map of strings`, reason: 'FieldValueInvalid' }]);
    }
  }
  return obj;
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function generatedSuffix(): string {
  return [...randomBytes(5)].map((b) => GENERATE_ALPHABET[b % GENERATE_ALPHABET.length]).join('');
}

/** Validation shared by create and update: the name. */
export function validateName(t: ResourceType, obj: KubeObject): void {
  const name = obj.metadata.name;
  if (!name) {
    throw invalid(t.kind, t.group, '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
  }
  if (PATH_NAMED.has(t.kind)) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) {
      throw invalid(t.kind, t.group, name, [{ field: 'metadata.name', message: `Invalid value: "${name}": may not contain '/' or '%'` }]);
    }
    return;
  }
  const label = LABEL_NAMED.has(t.kind);
  const ok = label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) {
    const what = label
      ? `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
      : `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
    throw invalid(t.kind, t.group, name, [{ field: 'metadata.name', message: `Invalid value: "${name}": ${what}` }]);
  }
}

function specOf(obj: KubeObject, type: ResourceType): string {
  const { metadata: _m, status: s, ...rest } = obj;
  return JSON.stringify(type.status ? rest : { ...rest, status: s });
}

/** Whether this kind tracks metadata.generation (kinds with a spec, and custom resources). */
function tracksGeneration(type: ResourceType, obj: KubeObject): boolean {
  return Boolean(type.crd) || 'spec' in obj;
}

/** Metadata for a new object: name from generateName, server-owned fields cleared, defaults applied. */
export function prepareCreate(type: ResourceType, obj: KubeObject): KubeObject {
  const meta = obj.metadata;
  if (!meta.name && typeof meta.generateName === 'string' && meta.generateName) meta.name = meta.generateName + generatedSuffix();
  delete meta.uid;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.creationTimestamp;
  meta.generation = tracksGeneration(type, obj) ? 1 : undefined;
  if (meta.generation === undefined) delete meta.generation;
  validateName(type, obj);
  applyDefaults(type, obj);
  return obj;
}

/**
 * A PUT (or the result of a PATCH) over an existing object: optimistic concurrency on
 * resourceVersion, server-owned metadata kept, status kept when it is a subresource,
 * generation bumped when the spec changed.
 */
export function prepareUpdate(type: ResourceType, old: KubeObject, obj: KubeObject, opts: { subresource?: string } = {}): KubeObject {
  const rv = obj.metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) {
    throw conflict(type.resource, type.group, old.metadata.name!, 'the object has been modified; please apply your changes to the latest version and try again');
  }
  let next: KubeObject;
  if (opts.subresource === 'status') {
    next = { ...structuredClone(old), status: obj.status };
    if (obj.status === undefined) delete next.status;
  } else {
    next = obj;
    if (type.status) {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    }
  }
  const meta = next.metadata;
  meta.name = old.metadata.name;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  if (old.metadata.namespace) meta.namespace = old.metadata.namespace;
  if (old.metadata.deletionTimestamp) meta.deletionTimestamp = old.metadata.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  if (old.metadata.generateName) meta.generateName = old.metadata.generateName;
  if (old.metadata.generation !== undefined) {
    meta.generation = old.metadata.generation + (specOf(old, type) !== specOf(next, type) ? 1 : 0);
  } else if (tracksGeneration(type, next)) {
    meta.generation = 1;
  }
  applyDefaults(type, next);
  return next;
}
