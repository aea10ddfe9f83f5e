/**
 * DeleteOptions as the apiserver takes them: from the request body (JSON, YAML or
 * protobuf — helm and kubectl's typed clients send `application/vnd.kubernetes.protobuf`)
 * or, with no body, from the query (`gracePeriodSeconds`, `propagationPolicy`,
 * `orphanDependents`, `dryRun`, `preconditions.uid`), then validated with the
 * apiserver's wording. Also reads the options inside a protobuf Eviction.
 */
import { readFields, type Fields } from '../auth/protobuf';
import { mediaType, parseText, readBody } from '../body';
import { badRequest, status, StatusError } from '../status';
import type { DeleteOptions } from '../deletion';
import type { ResourceRequest } from './context';
import { queryFlag } from './query';

const MAGIC = 0x6b387300; // "k8s\0"
const POLICIES = ['Foreground', 'Background', 'Orphan'];
const utf8 = new TextDecoder('utf-8');

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fields(bytes: Uint8Array): Fields {
  try {
    return readFields(bytes);
  } catch (err) {
    throw badRequest(`cannot read protobuf body: ${(err as Error).message}`);
  }
}

const text = (v: bigint | Uint8Array | undefined) => (v instanceof Uint8Array ? utf8.decode(v) : undefined);

/** A protobuf body's envelope: runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
export function unwrapProtobuf(body: Buffer): { apiVersion: string; kind: string; raw: Uint8Array } {
  if (body.length < 4 || body.readUInt32BE(0) !== MAGIC) throw badRequest('protobuf body does not start with the Kubernetes magic number "k8s\\x00"');
  const unknown = fields(body.subarray(4));
  const typeMeta = unknown.get(1)?.[0];
  const tm = typeMeta instanceof Uint8Array ? fields(typeMeta) : new Map();
  const raw = unknown.get(2)?.[0];
  return { apiVersion: text(tm.get(1)?.[0]) ?? '', kind: text(tm.get(2)?.[0]) ?? '', raw: raw instanceof Uint8Array ? raw : new Uint8Array() };
}

/**
 * meta/v1 DeleteOptions in protobuf: 1 gracePeriodSeconds (int64), 2 preconditions
 * {1 uid, 2 resourceVersion}, 3 orphanDependents, 4 propagationPolicy, 5 dryRun (repeated).
 */
export function deleteOptionsFromProtobuf(bytes: Uint8Array): DeleteOptions {
  const f = fields(bytes);
  const out: DeleteOptions = {};
  const last = (n: number) => f.get(n)?.at(-1);
  const grace = last(1);
  if (typeof grace === 'bigint') out.gracePeriodSeconds = Number(BigInt.asIntN(64, grace));
  const pre = last(2);
  if (pre instanceof Uint8Array) {
    const p = fields(pre);
    out.preconditions = {};
    const uid = text(p.get(1)?.at(-1));
    const rv = text(p.get(2)?.at(-1));
    if (uid !== undefined) out.preconditions.uid = uid;
    if (rv !== undefined) out.preconditions.resourceVersion = rv;
  }
  const orphan = last(3);
  if (typeof orphan === 'bigint') out.orphanDependents = orphan !== 0n;
  const policy = text(last(4));
  if (policy) out.propagationPolicy = policy;
  const dry = (f.get(5) ?? []).map(text).filter((v): v is string => v !== undefined);
  if (dry.length) out.dryRun = dry;
  return out;
}

/** policy/v1 (and v1beta1) Eviction in protobuf: 1 metadata {1 name, 3 namespace}, 2 deleteOptions. */
export function evictionFromProtobuf(bytes: Uint8Array): { name?: string; namespace?: string; deleteOptions?: DeleteOptions } {
  const f = fields(bytes);
  const out: { name?: string; namespace?: string; deleteOptions?: DeleteOptions } = {};
  const meta = f.get(1)?.at(-1);
  if (meta instanceof Uint8Array) {
    const m = fields(meta);
    out.name = text(m.get(1)?.at(-1));
    out.namespace = text(m.get(3)?.at(-1));
  }
  const opts = f.get(2)?.at(-1);
  if (opts instanceof Uint8Array) out.deleteOptions = deleteOptionsFromProtobuf(opts);
  return out;
}

/** DeleteOptions from a decoded JSON/YAML value, keeping only fields of the right type. */
export function deleteOptionsFromJson(v: unknown): DeleteOptions {
  if (!isObject(v)) throw badRequest(`the object provided is unrecognized: expected DeleteOptions, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
  const out: DeleteOptions = {};
  if (v.gracePeriodSeconds !== undefined && v.gracePeriodSeconds !== null) {
    if (typeof v.gracePeriodSeconds !== 'number' || !Number.isInteger(v.gracePeriodSeconds)) throw badRequest('json: cannot unmarshal into Go struct field DeleteOptions.gracePeriodSeconds of type int64');
    out.gracePeriodSeconds = v.gracePeriodSeconds;
  }
  if (isObject(v.preconditions)) {
    out.preconditions = {};
    if (typeof v.preconditions.uid === 'string') out.preconditions.uid = v.preconditions.uid;
    if (typeof v.preconditions.resourceVersion === 'string') out.preconditions.resourceVersion = v.preconditions.resourceVersion;
  }
  if (typeof v.orphanDependents === 'boolean') out.orphanDependents = v.orphanDependents;
  if (typeof v.propagationPolicy === 'string') out.propagationPolicy = v.propagationPolicy;
  if (Array.isArray(v.dryRun)) out.dryRun = v.dryRun.map(String);
  return out;
}

function fromQuery(q: URLSearchParams): DeleteOptions {
  const out: DeleteOptions = {};
  const grace = q.get('gracePeriodSeconds');
  if (grace !== null && grace !== '') {
    if (!/^-?\d+$/.test(grace)) throw badRequest(`gracePeriodSeconds: invalid value "${grace}": strconv.ParseInt: parsing "${grace}": invalid syntax`);
    out.gracePeriodSeconds = Number(grace);
  }
  const policy = q.get('propagationPolicy');
  if (policy) out.propagationPolicy = policy;
  if (q.get('orphanDependents') !== null) out.orphanDependents = queryFlag(q, 'orphanDependents');
  const uid = q.get('preconditions.uid');
  const rv = q.get('preconditions.resourceVersion');
  if (uid || rv) out.preconditions = { ...(uid ? { uid } : {}), ...(rv ? { resourceVersion: rv } : {}) };
  return out;
}

function invalidOptions(field: string, message: string, reason = 'FieldValueNotSupported'): StatusError {
  return new StatusError(
    status(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: ${field}: ${message}`, { group: 'meta.k8s.io', kind: 'DeleteOptions', causes: [{ reason, message, field }] }),
  );
}

/** The apiserver's checks of DeleteOptions, with its words. */
export function validateDeleteOptions(o: DeleteOptions): void {
  if (o.propagationPolicy !== undefined && !POLICIES.includes(o.propagationPolicy)) {
    throw invalidOptions('propagationPolicy', `Unsupported value: "${o.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  if (o.propagationPolicy !== undefined && o.orphanDependents !== undefined) {
    throw invalidOptions('propagationPolicy', `Invalid value: "${o.propagationPolicy}": orphanDependents and deletionPropagation cannot be both set`, 'FieldValueInvalid');
  }
  const badDry = o.dryRun?.find((d) => d !== 'All');
  if (badDry !== undefined) throw invalidOptions('dryRun', `Unsupported value: "${badDry}": supported values: "All"`);
  if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds < 0) {
    // The apiserver turns a negative grace period into the shortest one.
    o.gracePeriodSeconds = 1;
  }
}

/** Reads a DELETE request's options: the body if there is one, else the query; `dryRun=All` in the query counts too. */
export async function readDeleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const buf = await readBody(r.req);
  const type = mediaType(r.req);
  let opts: DeleteOptions;
  if (buf.length === 0) opts = fromQuery(r.query);
  else if (type === 'application/vnd.kubernetes.protobuf') {
    const { kind, raw } = unwrapProtobuf(buf);
    if (kind && kind !== 'DeleteOptions') throw badRequest(`the body of a DELETE must be DeleteOptions, not ${kind}`);
    opts = deleteOptionsFromProtobuf(raw);
  } else opts = deleteOptionsFromJson(parseText(buf.toString('utf8'), type.includes('yaml')));
  const queryDry = r.query.getAll('dryRun');
  if (queryDry.length) opts.dryRun = [...(opts.dryRun ?? []), ...queryDry];
  validateDeleteOptions(opts);
  return opts;
}
