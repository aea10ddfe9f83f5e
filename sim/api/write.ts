/** CREATE, UPDATE, PATCH, DELETE and DELETECOLLECTION on a resource's main endpoint. */
import { decodeProtobufBody } from '../auth/index';
import { mediaType, parseText, readBody, unsupported } from '../body';
import { applyPatch, jsonPatch, mergePatch, strategicMerge } from '../patch';
import { apiVersionOf, storageKey, type ResourceType } from '../resources';
import { alreadyExists, badRequest, conflict, forbidden, notFound, StatusError, status } from '../status';
import type { KubeObject } from '../types';
import type { ResourceRequest } from './context';
import { filterFor, served, toStorage } from './list';
import { checkBody, prepareCreate, prepareUpdate } from './objects';
import { sendJson } from './respond';
import { matches } from '../selectors';
import { validateSpecial } from './special';
import { readDeleteOptions } from './deleteOptions';
import { deleteStored, inGracePeriod, type DeleteOptions } from '../deletion';
import { hasKubelet } from '../controllers/podRuntime';
import { drainNamespace, NAMESPACES } from '../namespaceDeletion';
import { checkApplyConfiguration, decodeChecked, fieldValidation, typedPatchError, validateObject, type Origin } from '../validation/index';
import { crdVersionSchema, pruneUnknown } from '../validation/crdSchema';
import { CRD_KEY } from '../crd';
import { recordUpdate, serverSideApply } from '../managedFields';

/** Reads and decodes a JSON, YAML or protobuf body. */
export async function decodeBody(r: ResourceRequest): Promise<unknown> {
  const buf = await readBody(r.req);
  const type = mediaType(r.req);
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufBody(buf);
  if (buf.length === 0) throw badRequest('the body of the request was empty');
  if (type === '' || type === 'application/json' || type === '*/*') return parseText(buf.toString('utf8'), false);
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') return parseText(buf.toString('utf8'), true);
  throw unsupported(type);
}

function dryRun(r: ResourceRequest): boolean {
  const d = r.query.getAll('dryRun');
  if (d.some((v) => v !== 'All')) throw badRequest(`dryRun: Unsupported value: "${d.find((v) => v !== 'All')}": supported values: "All"`);
  return d.length > 0;
}

function requireNamespace(r: ResourceRequest, ns: string | undefined, name: string): void {
  if (!r.type.namespaced) return;
  if (!ns) throw badRequest('the server could not find the requested resource: a namespace is required for namespaced resources');
  const nsObj = r.ctx.store.get('/namespaces', undefined, ns);
  if (!nsObj) throw notFound('namespaces', '', ns);
  if (nsObj.metadata.deletionTimestamp) {
    throw forbidden(`${r.type.resource} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
      name: ns,
      kind: r.type.resource,
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}

/** Stores a new object after every check; shared by POST and server-side apply of a missing object. */
export function createObject(r: ResourceRequest, body: KubeObject, isDryRun: boolean, applied = false): KubeObject {
  const obj = prepareCreate(r.type, body);
  validateSpecial(r.ctx, r.type, obj, undefined);
  validateObject(r.type, r.version, obj, undefined, undefined, crdOf(r));
  if (!applied) recordUpdate(undefined, obj, managerOf(r), apiVersionOf(r.type.group, r.version));
  requireNamespace(r, obj.metadata.namespace, obj.metadata.name!);
  if (r.ctx.store.get(storageKey(r.type), obj.metadata.namespace, obj.metadata.name!)) throw alreadyExists(r.type.resource, r.type.group, obj.metadata.name!);
  return isDryRun ? obj : r.ctx.store.create(storageKey(r.type), obj);
}

/** The CRD defining a custom resource's type. */
function crdOf(r: ResourceRequest): KubeObject | undefined {
  return r.type.crd ? r.ctx.store.get(CRD_KEY, undefined, r.type.crd) : undefined;
}

/** Adds `Warning` headers (RFC 7234 form, code 299) to the response. */
export function addWarnings(r: ResourceRequest, texts: string[]): void {
  if (texts.length === 0) return;
  const prior = r.res.getHeader('Warning');
  const list = prior === undefined ? [] : Array.isArray(prior) ? prior : [String(prior)];
  r.res.setHeader('Warning', [...list, ...texts.map((t) => `299 - ${JSON.stringify(t)}`)]);
}

/** Field validation of a decoded body (unknown fields and types, per `fieldValidation`). */
function validated(r: ResourceRequest, value: unknown, origin: Origin): unknown {
  const schema = r.type.crd ? crdVersionSchema(crdOf(r), r.version) : undefined;
  const { object, warnings } = decodeChecked(r.type, r.version, value, fieldValidation(r.query), origin, schema);
  addWarnings(r, warnings);
  return object;
}

export async function handleCreate(r: ResourceRequest): Promise<void> {
  const body = toStorage(r, checkBody(r, validated(r, await decodeBody(r), { kind: 'body' })));
  const created = createObject(r, body, dryRun(r));
  sendJson(r.res, 201, served(r, created));
}

function existing(r: ResourceRequest): KubeObject {
  const o = r.ctx.store.get(storageKey(r.type), r.namespace, r.name!);
  if (!o) throw notFound(r.type.resource, r.type.group, r.name!);
  return o;
}

function sameExceptVersion(a: KubeObject, b: KubeObject): boolean {
  const owners = (o: KubeObject) => (Array.isArray(o.metadata.managedFields) ? o.metadata.managedFields.map((e) => ({ ...(e as object), time: '' })) : undefined);
  const strip = (o: KubeObject) => JSON.stringify({ ...o, apiVersion: '', metadata: { ...o.metadata, resourceVersion: '', managedFields: owners(o) } });
  return strip(a) === strip(b);
}

/** The field manager of a write: the `fieldManager` parameter, else the client's name from its User-Agent. */
export function managerOf(r: ResourceRequest): string {
  const named = r.query.get('fieldManager');
  if (named) return named;
  const agent = String(r.req.headers['user-agent'] ?? '');
  return agent.split('/')[0] || 'unknown';
}

/**
 * Field ownership after an update or patch: a request that sets managedFields to
 * something new replaces them as sent (an empty list clears them, as kubectl's
 * client-side to server-side apply migration relies on); otherwise the write is
 * recorded as an Update by its manager.
 */
function recordWrite(r: ResourceRequest, old: KubeObject, next: KubeObject): void {
  const sent = next.metadata.managedFields;
  const changed = Array.isArray(sent) && JSON.stringify(sent) !== JSON.stringify(old.metadata.managedFields ?? []);
  if (changed && sent.length > 0) return;
  const base = changed ? { ...old, metadata: { ...old.metadata, managedFields: [] } } : old;
  recordUpdate(base, next, managerOf(r), apiVersionOf(r.type.group, r.version), r.subresource);
}

/**
 * Stores an updated object unless nothing changed (no-op writes keep their resourceVersion, as in Kubernetes).
 * `applied` says the managedFields were already set by server-side apply; otherwise the write is recorded as an Update.
 */
export function commitUpdate(r: ResourceRequest, old: KubeObject, next: KubeObject, isDryRun: boolean, applied = false): KubeObject {
  validateSpecial(r.ctx, r.type, next, old);
  validateObject(r.type, r.version, next, old, r.subresource, crdOf(r));
  if (!applied) recordWrite(r, old, next);
  if (sameExceptVersion(old, next)) return old;
  if (isDryRun) return next;
  return r.ctx.store.update(storageKey(r.type), next);
}

/** Values the server allocated (a Service's cluster IPs) survive an update that leaves them out, as in Kubernetes. */
function keepAllocated(type: ResourceType, old: KubeObject, body: KubeObject): void {
  if (type.crd || type.kind !== 'Service' || type.group !== '') return;
  const spec = body.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
  const was = old.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
  if (!spec || !was?.clusterIP || spec.clusterIP) return;
  spec.clusterIP = was.clusterIP;
  spec.clusterIPs ??= was.clusterIPs;
}

export async function handleUpdate(r: ResourceRequest): Promise<void> {
  const body = toStorage(r, checkBody(r, validated(r, await decodeBody(r), { kind: 'body' })));
  const old = existing(r);
  keepAllocated(r.type, old, body);
  const next = prepareUpdate(r.type, old, body, { subresource: r.subresource });
  sendJson(r.res, 200, served(r, commitUpdate(r, old, next, dryRun(r))));
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'application/apply-patch+cbor'];
const APPLY = 'application/apply-patch+yaml';
const STRATEGIC = 'application/strategic-merge-patch+json';

interface PatchDocument {
  type: string;
  doc: unknown;
}

/** Reads the request's patch document and its media type. */
async function readPatch(r: ResourceRequest): Promise<PatchDocument> {
  const type = mediaType(r.req);
  if (!PATCH_TYPES.includes(type) || type === 'application/apply-patch+cbor') {
    throw new StatusError(status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.slice(0, 4).join(', ')}`));
  }
  const buf = await readBody(r.req);
  return { type, doc: parseText(buf.toString('utf8'), type === APPLY) };
}

function applyPatchDocument(r: ResourceRequest, target: unknown, { type, doc }: PatchDocument): unknown {
  switch (type) {
    case 'application/json-patch+json':
      return jsonPatch(target, doc);
    case 'application/merge-patch+json':
      return mergePatch(target, doc);
    case STRATEGIC:
      if (r.type.crd) throw new StatusError(status(415, 'UnsupportedMediaType', 'strategic merge patch is not supported for custom resources; use --type=merge'));
      return strategicMerge(target, doc);
    default:
      return applyPatch(target, doc);
  }
}

/** Applies the request's patch document to `target`; returns the patched value. */
export async function patchValue(r: ResourceRequest, target: unknown): Promise<unknown> {
  return applyPatchDocument(r, target, await readPatch(r));
}

/** `force` follows the apiserver's boolean rule: any value but `0` and `false` is true. */
function forced(r: ResourceRequest): boolean {
  const v = r.query.get('force');
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

/** Server-side apply (`application/apply-patch+yaml`): field ownership, conflicts, removal of fields no longer applied. */
async function handleApply(r: ResourceRequest, doc: unknown, isDryRun: boolean): Promise<void> {
  const manager = r.query.get('fieldManager')!;
  const config = checkBody(r, doc);
  if (r.type.crd) {
    const undeclared = pruneUnknown(crdVersionSchema(crdOf(r), r.version), config);
    if (undeclared.length) throw typedPatchError(r, undeclared.map((p) => `.${p}: field not declared in schema`));
  }
  checkApplyConfiguration(r.type, r.version, config, r.namespace, r.name!);
  if (config.metadata.managedFields !== undefined) {
    throw new StatusError(status(400, 'BadRequest', 'metadata.managedFields must be nil'));
  }
  const apiVersion = apiVersionOf(r.type.group, r.version);
  const old = r.ctx.store.get(storageKey(r.type), r.namespace, r.name!);
  if (!old) {
    const merged = toStorage(r, checkBody(r, serverSideApply(undefined, config, manager, apiVersion, true)));
    return sendJson(r.res, 201, served(r, createObject(r, merged, isDryRun, true)));
  }
  const merged = toStorage(r, checkBody(r, serverSideApply(served(r, old), config, manager, apiVersion, forced(r))));
  const next = prepareUpdate(r.type, old, merged, { subresource: r.subresource });
  sendJson(r.res, 200, served(r, commitUpdate(r, old, next, isDryRun, true)));
}

export async function handlePatch(r: ResourceRequest): Promise<void> {
  const isApply = mediaType(r.req) === APPLY;
  if (isApply && !r.query.get('fieldManager')) {
    throw new StatusError(status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', { causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] }));
  }
  const isDryRun = dryRun(r);
  const patch = await readPatch(r);
  if (isApply && !r.subresource) return handleApply(r, patch.doc, isDryRun);
  const old = r.ctx.store.get(storageKey(r.type), r.namespace, r.name!);
  if (!old) {
    if (!isApply) throw notFound(r.type.resource, r.type.group, r.name!);
    const body = toStorage(r, checkBody(r, applyPatchDocument(r, {}, patch)));
    return sendJson(r.res, 201, served(r, createObject(r, body, isDryRun)));
  }
  const patched = applyPatchDocument(r, served(r, old), patch);
  const origin: Origin = patch.type === STRATEGIC ? { kind: 'strategic-patch', patch: patch.doc } : { kind: 'json-patch' };
  const body = toStorage(r, checkBody(r, validated(r, patched, origin)));
  const next = prepareUpdate(r.type, old, body, { subresource: r.subresource });
  sendJson(r.res, 200, served(r, commitUpdate(r, old, next, isDryRun)));
}

/** Deletes one object, or starts deleting it (graceful pods, finalizers); namespaces go through a short Terminating phase. */
export function deleteObject(r: ResourceRequest, obj: KubeObject, opts: DeleteOptions, isDryRun: boolean): KubeObject {
  const p = opts.preconditions ?? {};
  if (p.uid && p.uid !== obj.metadata.uid) {
    throw conflict(r.type.resource, r.type.group, obj.metadata.name!, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid}`);
  }
  if (p.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict(r.type.resource, r.type.group, obj.metadata.name!, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
  }
  if (r.type.kind === 'Namespace' && r.type.group === '') return isDryRun ? obj : terminateNamespace(r, obj);
  const key = storageKey(r.type);
  const done = deleteStored(r.ctx.store, key, obj, opts, isDryRun);
  if (!done.removed && !isDryRun && inGracePeriod(done.object)) standInKubelet(r, key, done.object);
  return done.object;
}

/**
 * With the controllers off no simulated kubelet stops deleted pods: a stand-in
 * confirms the deletion after a short stop (at most the grace period), as a kubelet
 * whose containers exit at once on SIGTERM would.
 */
function standInKubelet(r: ResourceRequest, key: string, pod: KubeObject): void {
  const { store } = r.ctx;
  if (hasKubelet(store)) return;
  const ms = Math.min((pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000, r.ctx.options.podStopMs);
  r.ctx.later(ms, () => {
    const now = store.get(key, pod.metadata.namespace, pod.metadata.name!);
    if (now && now.metadata.uid === pod.metadata.uid && now.metadata.deletionTimestamp) deleteStored(store, key, now, { gracePeriodSeconds: 0 });
  });
}

function terminateNamespace(r: ResourceRequest, ns: KubeObject): KubeObject {
  const { store } = r.ctx;
  const name = ns.metadata.name!;
  if (ns.metadata.deletionTimestamp) return ns;
  const terminating = store.update(NAMESPACES, {
    ...structuredClone(ns),
    metadata: { ...structuredClone(ns.metadata), deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    status: { phase: 'Terminating' },
  });
  const drain = { store, later: r.ctx.later, retryMs: r.ctx.options.namespaceTerminationMs, deleting: (key: string, o: KubeObject) => inGracePeriod(o) && standInKubelet(r, key, o) };
  r.ctx.later(r.ctx.options.namespaceTerminationMs, () => drainNamespace(drain, name));
  return terminating;
}

export async function handleDelete(r: ResourceRequest): Promise<void> {
  const opts = await readDeleteOptions(r);
  const isDryRun = (opts.dryRun ?? []).includes('All');
  const obj = existing(r);
  sendJson(r.res, 200, served(r, deleteObject(r, obj, opts, isDryRun)));
}

export async function handleDeleteCollection(r: ResourceRequest): Promise<void> {
  const opts = await readDeleteOptions(r);
  const isDryRun = (opts.dryRun ?? []).includes('All');
  const filter = filterFor(r);
  const victims = r.ctx.store.list(storageKey(r.type), r.namespace).filter((o) => matches(filter, o));
  const items = victims.map((o) => served(r, deleteObject(r, o, opts, isDryRun)));
  sendJson(r.res, 200, { kind: `${r.type.kind}List`, apiVersion: apiVersionOf(r.type.group, r.version), metadata: { resourceVersion: String(r.ctx.store.currentRv()) }, items });
}
