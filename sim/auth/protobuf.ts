import { badRequest, StatusError, status } from '../status';
import type { KubeObject } from '../types';

/**
 * Reads the protobuf request bodies kubectl's typed clients send
 * (`Content-Type: application/vnd.kubernetes.protobuf`): the magic `k8s\0`, then a
 * runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} whose
 * `raw` is the object itself. Only the kinds in SCHEMAS are understood, and of those only
 * the fields a client sets on create; the result is the object as kubectl would have
 * sent it in JSON (empty strings, zero numbers and the status are left out).
 *
 * Field numbers follow k8s.io/api's generated.proto files.
 */
export function decodeProtobufBody(body: Buffer): KubeObject {
  if (body.length < 4 || body.readUInt32BE(0) !== MAGIC) throw badRequest('protobuf body does not start with the Kubernetes magic number "k8s\\x00"');
  let unknown: Fields;
  try {
    unknown = readFields(body.subarray(4));
  } catch (err) {
    throw badRequest(`cannot read protobuf body: ${(err as Error).message}`);
  }
  const typeMeta = unknown.get(1)?.[0];
  const tm = typeMeta instanceof Uint8Array ? safeFields(typeMeta) : new Map();
  const apiVersion = str(tm.get(1)?.[0]);
  const kind = str(tm.get(2)?.[0]);
  const encoding = str(unknown.get(3)?.[0]);
  if (encoding) throw unsupported(`protobuf contentEncoding "${encoding}" is not supported`);
  const schema = SCHEMAS[`${apiVersion}/${kind}`];
  if (!schema) {
    throw unsupported(
      `the simulator cannot decode a protobuf ${kind || 'object'} (${apiVersion || 'no apiVersion'}); send it as application/json instead (kubectl: use "create -f" or "apply")`,
    );
  }
  const raw = unknown.get(2)?.[0];
  const object = raw instanceof Uint8Array ? decodeMessage(raw, schema) : {};
  return { apiVersion, kind, metadata: {}, ...object } as KubeObject;
}

const MAGIC = 0x6b387300; // "k8s\0"

function unsupported(message: string): StatusError {
  return new StatusError(status(415, 'UnsupportedMediaType', message));
}

// ---- wire format -------------------------------------------------------------------

/** Field number → the raw values seen, in order: varints as bigint, length-delimited as bytes. */
export type Fields = Map<number, (bigint | Uint8Array)[]>;

function readVarint(buf: Uint8Array, pos: { at: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.at >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos.at++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

export function readFields(buf: Uint8Array): Fields {
  const fields: Fields = new Map();
  const pos = { at: 0 };
  while (pos.at < buf.length) {
    const key = Number(readVarint(buf, pos));
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 0) throw new Error('field number 0');
    let value: bigint | Uint8Array;
    switch (wire) {
      case 0:
        value = readVarint(buf, pos);
        break;
      case 2: {
        const len = Number(readVarint(buf, pos));
        if (pos.at + len > buf.length) throw new Error(`field ${field} runs past the end`);
        value = buf.subarray(pos.at, pos.at + len);
        pos.at += len;
        break;
      }
      case 1:
        pos.at += 8;
        continue;
      case 5:
        pos.at += 4;
        continue;
      default:
        throw new Error(`unsupported wire type ${wire} for field ${field}`);
    }
    if (pos.at > buf.length) throw new Error('truncated');
    const list = fields.get(field);
    if (list) list.push(value);
    else fields.set(field, [value]);
  }
  return fields;
}

function safeFields(bytes: Uint8Array): Fields {
  try {
    return readFields(bytes);
  } catch (err) {
    throw badRequest(`cannot read protobuf body: ${(err as Error).message}`);
  }
}

const utf8 = new TextDecoder('utf-8');
const str = (v: bigint | Uint8Array | undefined) => (v instanceof Uint8Array ? utf8.decode(v) : '');

// ---- schemas -----------------------------------------------------------------------

type FieldType =
  | 'string'
  | 'bytes'
  | 'int'
  | 'bool'
  | { repeated: 'string' }
  | { map: 'string' | 'bytes' }
  | { mapOfStrings: true }
  | { message: Schema; repeated?: boolean };

/** Field number → [JSON name, type]. */
type Schema = Record<number, [string, FieldType]>;

const ownerReference: Schema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
  13: ['ownerReferences', { message: ownerReference, repeated: true }],
  14: ['finalizers', { repeated: 'string' }],
};

const resourceAttributes: Schema = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};

const nonResourceAttributes: Schema = { 1: ['path', 'string'], 2: ['verb', 'string'] };

const selfAccessSpec: Schema = {
  1: ['resourceAttributes', { message: resourceAttributes }],
  2: ['nonResourceAttributes', { message: nonResourceAttributes }],
};

const accessSpec: Schema = {
  ...selfAccessSpec,
  3: ['user', 'string'],
  4: ['groups', { repeated: 'string' }],
  5: ['extra', { mapOfStrings: true }],
  6: ['uid', 'string'],
};

const meta = { 1: ['metadata', { message: objectMeta }] } satisfies Schema;

const policyRule: Schema = {
  1: ['verbs', { repeated: 'string' }],
  2: ['apiGroups', { repeated: 'string' }],
  3: ['resources', { repeated: 'string' }],
  4: ['resourceNames', { repeated: 'string' }],
  5: ['nonResourceURLs', { repeated: 'string' }],
};
const subject: Schema = { 1: ['kind', 'string'], 2: ['apiGroup', 'string'], 3: ['name', 'string'], 4: ['namespace', 'string'] };
const roleRef: Schema = { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] };
const role: Schema = { ...meta, 2: ['rules', { message: policyRule, repeated: true }] };
const binding: Schema = { ...meta, 2: ['subjects', { message: subject, repeated: true }], 3: ['roleRef', { message: roleRef }] };

const SCHEMAS: Record<string, Schema> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': { ...meta, 2: ['spec', { message: selfAccessSpec }] },
  'authorization.k8s.io/v1/SubjectAccessReview': { ...meta, 2: ['spec', { message: accessSpec }] },
  'authorization.k8s.io/v1/LocalSubjectAccessReview': { ...meta, 2: ['spec', { message: accessSpec }] },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { ...meta, 2: ['spec', { message: { 1: ['namespace', 'string'] } }] },
  'authentication.k8s.io/v1/SelfSubjectReview': { ...meta },
  'v1/Namespace': { ...meta, 2: ['spec', { message: { 1: ['finalizers', { repeated: 'string' }] } }] },
  'v1/ConfigMap': { ...meta, 2: ['data', { map: 'string' }], 3: ['binaryData', { map: 'bytes' }], 4: ['immutable', 'bool'] },
  'v1/Secret': { ...meta, 2: ['data', { map: 'bytes' }], 3: ['type', 'string'], 4: ['stringData', { map: 'string' }], 5: ['immutable', 'bool'] },
  'v1/ServiceAccount': { ...meta, 4: ['automountServiceAccountToken', 'bool'] },
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/ClusterRole': role,
  'rbac.authorization.k8s.io/v1/RoleBinding': binding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding,
};

/** Decodes one message by its schema; fields not in the schema are skipped. */
function decodeMessage(bytes: Uint8Array, schema: Schema): Record<string, unknown> {
  const fields = safeFields(bytes);
  const out: Record<string, unknown> = {};
  for (const [number, values] of fields) {
    const entry = schema[number];
    if (!entry) continue;
    const [name, type] = entry;
    const last = values[values.length - 1];
    if (type === 'string') {
      const s = str(last);
      if (s) out[name] = s;
    } else if (type === 'bytes') {
      if (last instanceof Uint8Array && last.length) out[name] = Buffer.from(last).toString('base64');
    } else if (type === 'int') {
      if (typeof last === 'bigint' && last !== 0n) out[name] = Number(BigInt.asIntN(64, last));
    } else if (type === 'bool') {
      // Presence matters for optional bools (immutable: false is still said).
      if (typeof last === 'bigint') out[name] = last !== 0n;
    } else if ('repeated' in type && type.repeated === 'string') {
      const list = values.map(str);
      if (list.length) out[name] = list;
    } else if ('map' in type) {
      const map: Record<string, string> = {};
      for (const entryBytes of values) {
        if (!(entryBytes instanceof Uint8Array)) continue;
        const kv = safeFields(entryBytes);
        const value = kv.get(2)?.[0];
        map[str(kv.get(1)?.[0])] = type.map === 'string' ? str(value) : Buffer.from(value instanceof Uint8Array ? value : []).toString('base64');
      }
      out[name] = map;
    } else if ('mapOfStrings' in type) {
      const map: Record<string, string[]> = {};
      for (const entryBytes of values) {
        if (!(entryBytes instanceof Uint8Array)) continue;
        const kv = safeFields(entryBytes);
        const value = kv.get(2)?.[0];
        map[str(kv.get(1)?.[0])] = value instanceof Uint8Array ? (safeFields(value).get(1) ?? []).map(str) : [];
      }
      out[name] = map;
    } else if ('message' in type) {
      const decoded = values.filter((v): v is Uint8Array => v instanceof Uint8Array).map((v) => decodeMessage(v, type.message));
      if (type.repeated) out[name] = decoded;
      else if (decoded.length) out[name] = decoded[decoded.length - 1];
    }
  }
  return out;
}
