/**
 * The four PATCH flavours. All functions return a new value and never change their inputs.
 *
 * Strategic merge is an approximation of the apiserver's: without Go struct tags we
 * pick merge keys by field name (containers, env, volumes… by `name`; volumeMounts by
 * `mountPath`; ports by `containerPort` or `port`; conditions by `type`), and merge any
 * other list whose items all carry a `name`. Other lists are replaced. `$patch:
 * delete|replace|merge`, `$deleteFromPrimitiveList/…` and `$setElementOrder/…` are
 * honoured; `$retainKeys` is dropped.
 */
import { StatusError, status } from './status';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function patchError(message: string): StatusError {
  return new StatusError(status(422, 'Invalid', message));
}

// ---------------------------------------------------------------- JSON merge patch (RFC 7386)

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v) as Json;
  }
  return out;
}

// ---------------------------------------------------------------- JSON patch (RFC 6902)

interface Op {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw patchError(`the server rejected our request due to an error in our request: invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], path: string): Json {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else cur = undefined as unknown as Json;
    if (cur === undefined || cur === null) throw patchError(`jsonpatch: path "${path}" does not exist: missing value`);
  }
  return cur;
}

function getAt(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const p of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur)) cur = cur[p];
    else cur = undefined as unknown as Json;
    if (cur === undefined) throw patchError(`jsonpatch: path "${path}" does not exist: missing value`);
  }
  return cur;
}

function arrayIndex(arr: Json[], key: string, path: string, forInsert: boolean): number {
  if (key === '-' && forInsert) return arr.length;
  if (!/^\d+$/.test(key)) throw patchError(`jsonpatch: invalid array index "${key}" in "${path}"`);
  const i = Number(key);
  if (i > arr.length || (!forInsert && i === arr.length)) throw patchError(`jsonpatch: index ${i} out of bounds in "${path}"`);
  return i;
}

function addAt(doc: Json, path: string, value: Json): Json {
  const parts = pointer(path);
  if (parts.length === 0) return value;
  const parent = parentOf(doc, parts, path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, value);
  else if (isObject(parent)) parent[last] = value;
  else throw patchError(`jsonpatch add operation does not apply: doc is missing path: "${path}"`);
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const parts = pointer(path);
  const parent = parentOf(doc, parts, path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else throw patchError(`jsonpatch remove operation does not apply: doc is missing path: "${path}"`);
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw patchError('the server rejected our request due to an error in our request: json patch must be an array of operations');
  let doc = clone(target) as Json;
  for (const raw of ops as Op[]) {
    if (!isObject(raw as unknown) || typeof raw.path !== 'string') throw patchError('the server rejected our request due to an error in our request: malformed json patch operation');
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, clone(raw.value ?? null));
        break;
      case 'remove':
        doc = removeAt(doc, raw.path);
        break;
      case 'replace':
        getAt(doc, raw.path);
        if (raw.path === '') doc = clone(raw.value ?? null);
        else doc = addAt(removeAt(doc, raw.path), raw.path, clone(raw.value ?? null));
        break;
      case 'move': {
        const v = getAt(doc, raw.from ?? '');
        doc = addAt(removeAt(doc, raw.from ?? ''), raw.path, v);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, clone(getAt(doc, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) throw patchError(`the server rejected our request due to an error in our request: testing value ${raw.path} failed`);
        break;
      default:
        throw patchError(`the server rejected our request due to an error in our request: unexpected operation "${raw.op}"`);
    }
  }
  return doc;
}

// ---------------------------------------------------------------- strategic merge patch

const MERGE_KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  imagePullSecrets: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  ports: ['containerPort', 'port'],
  conditions: ['type'],
  hostAliases: ['ip'],
  ownerReferences: ['uid'],
  topologySpreadConstraints: ['topologyKey'],
  resourceClaims: ['name'],
};

/** Lists of scalars merged as sets rather than replaced. */
const MERGED_SCALAR_LISTS = new Set(['finalizers']);

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  const objects = items.filter(isObject);
  if (objects.length === 0 || objects.length !== items.length) return undefined;
  for (const k of MERGE_KEYS[field] ?? []) if (objects.every((o) => k in o)) return k;
  if (objects.every((o) => typeof o.name === 'string')) return 'name';
  return undefined;
}

function mergeList(field: string, original: Json[] | undefined, patch: Json[]): Json[] {
  const base = Array.isArray(original) ? original : [];
  const key = mergeKeyFor(field, patch) ?? mergeKeyFor(field, base);
  if (key && patch.every(isObject)) {
    if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
      return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map((p) => strategicMerge(undefined, p) as Json);
    }
    const out = base.map((x) => clone(x));
    for (const p of patch as JsonObject[]) {
      const at = out.findIndex((o) => isObject(o) && o[key] === p[key]);
      if (p.$patch === 'delete') {
        if (at >= 0) out.splice(at, 1);
      } else if (at >= 0) out[at] = strategicMerge(out[at], p) as Json;
      else out.push(strategicMerge(undefined, p) as Json);
    }
    return out;
  }
  if (MERGED_SCALAR_LISTS.has(field)) {
    const out = base.slice();
    for (const v of patch) if (!out.includes(v)) out.push(v);
    return out;
  }
  return patch.map((p) => (isObject(p) ? (strategicMerge(undefined, p) as Json) : p));
}

function orderBy(list: Json[], order: Json[], key: string | undefined): Json[] {
  const position = (item: Json): number => {
    const id = key && isObject(item) ? item[key] : item;
    const i = order.findIndex((o) => (key && isObject(o) ? o[key] : o) === id);
    return i < 0 ? order.length : i;
  };
  return list
    .map((item, i) => ({ item, i }))
    .sort((a, b) => position(a.item) - position(b.item) || a.i - b.i)
    .map((x) => x.item);
}

export function strategicMerge(original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'delete') return undefined;
  const replace = patch.$patch === 'replace';
  const out: JsonObject = isObject(original) && !replace ? clone(original) : {};
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(v)) orders.push([k.slice('$setElementOrder/'.length), v]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      out[k] = mergeList(k, out[k] as Json[] | undefined, v);
    } else if (isObject(v)) {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged as Json;
    } else {
      out[k] = v;
    }
  }
  for (const [field, order] of orders) {
    const cur = out[field];
    if (Array.isArray(cur)) out[field] = orderBy(cur, order, mergeKeyFor(field, order));
  }
  return out;
}

// ---------------------------------------------------------------- server-side apply

/**
 * An apply patch sent to the status subresource, approximated as a strategic merge of
 * the applied configuration into the live object. Server-side apply of whole objects,
 * with field ownership, is in managedFields.ts.
 */
export function applyPatch(live: unknown, applied: unknown): unknown {
  return strategicMerge(live, applied);
}
