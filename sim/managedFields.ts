/**
 * Field ownership (`metadata.managedFields`) and server-side apply.
 *
 * A field set is a set of paths to leaves: scalars, atomic lists, empty objects and the
 * items of associative lists (keyed by merge key, `k:{"name":"web"}`) or set lists
 * (`v:"x"`). Paths use the FieldsV1 tokens (`f:spec`, `k:{…}`, `v:…`, `.` for an item
 * itself), so a set converts to and from the stored FieldsV1 tree directly.
 *
 * Which lists are associative is decided by field name, as the strategic merge patch
 * here does (containers, env, volumes… by `name`; ports by port and protocol); other
 * lists are atomic. Only labels, annotations, finalizers and ownerReferences of the
 * metadata are owned; `status` is owned only through the status subresource.
 */
import { StatusError, status } from './status';
import type { KubeObject } from './types';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
export type Path = string[];

const SEP = '\u0000';

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Keys of associative lists, by field name; `set` lists are owned value by value. */
const LIST_KEYS: Record<string, string[] | 'set'> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  imagePullSecrets: ['name'],
  resourceClaims: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  conditions: ['type'],
  ownerReferences: ['uid'],
  hostAliases: ['ip'],
  finalizers: 'set',
};

function keysFor(field: string, items: Json[]): string[] | 'set' | undefined {
  if (field === 'ports') {
    if (items.every((i) => isObject(i) && 'containerPort' in i)) return ['containerPort', 'protocol'];
    if (items.every((i) => isObject(i) && 'port' in i)) return ['port', 'protocol'];
    return undefined;
  }
  const k = LIST_KEYS[field];
  if (k === 'set') return items.every((i) => !isObject(i) && !Array.isArray(i)) ? 'set' : undefined;
  if (k && items.every((i) => isObject(i) && k.every((key) => key === 'protocol' || key in i))) return k;
  return undefined;
}

function keyToken(keys: string[], item: JsonObject): string {
  const k: JsonObject = {};
  for (const key of keys) k[key] = item[key] ?? (key === 'protocol' ? 'TCP' : null);
  return `k:${JSON.stringify(k)}`;
}

function itemToken(keys: string[] | 'set', item: Json): string {
  return keys === 'set' ? `v:${JSON.stringify(item)}` : keyToken(keys, item as JsonObject);
}

// ---------------------------------------------------------------- field sets

export class FieldSet {
  private readonly paths = new Map<string, Path>();

  static of(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.add(p);
    return s;
  }

  add(p: Path): void {
    this.paths.set(p.join(SEP), p);
  }
  has(p: Path): boolean {
    return this.paths.has(p.join(SEP));
  }
  delete(p: Path): void {
    this.paths.delete(p.join(SEP));
  }
  get size(): number {
    return this.paths.size;
  }
  [Symbol.iterator](): Iterator<Path> {
    return this.paths.values();
  }
  minus(other: FieldSet): FieldSet {
    return FieldSet.of([...this].filter((p) => !other.has(p)));
  }

  /** The FieldsV1 tree. */
  toFieldsV1(): JsonObject {
    const root: JsonObject = {};
    for (const p of this.paths.values()) {
      let cur = root;
      for (const token of p) cur = (cur[token] ??= {}) as JsonObject;
    }
    return root;
  }

  static fromFieldsV1(tree: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (node: unknown, prefix: Path) => {
      if (!isObject(node)) return;
      const children = Object.keys(node);
      if (children.length === 0 && prefix.length) s.add(prefix);
      for (const token of children) {
        if (token === '.') s.add([...prefix, '.']);
        else walk(node[token], [...prefix, token]);
      }
    };
    walk(tree, []);
    return s;
  }
}

/** Every owned leaf of an object (see the module comment for what is owned). */
export function fieldSetOf(obj: unknown, opts: { status?: boolean } = {}): FieldSet {
  const s = new FieldSet();
  if (!isObject(obj)) return s;
  const walk = (v: Json, path: Path, field: string) => {
    if (Array.isArray(v)) {
      const keys = keysFor(field, v);
      if (!keys || v.length === 0) return s.add(path);
      for (const item of v) {
        const at = [...path, itemToken(keys, item)];
        if (keys === 'set') s.add(at);
        else {
          s.add([...at, '.']);
          for (const [k, x] of Object.entries(item as JsonObject)) walk(x, [...at, `f:${k}`], k);
        }
      }
      return;
    }
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, `f:${k}`], k);
      return;
    }
    s.add(path);
  };
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    if (meta[k] !== undefined && meta[k] !== null) walk(meta[k], ['f:metadata', `f:${k}`], k);
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    if (k === 'status' && !opts.status) continue;
    if (k !== 'status' && opts.status) continue;
    walk(v, [`f:${k}`], k);
  }
  return s;
}

// ---------------------------------------------------------------- values at paths

function findItem(list: Json[], token: string, field: string): number {
  const keys = keysFor(field, list);
  if (!keys) return -1;
  return list.findIndex((item) => itemToken(keys, item) === token);
}

/** The value at a path, or undefined. `.` paths give the list item. */
export function valueAt(obj: unknown, path: Path): Json | undefined {
  let cur = obj as Json | undefined;
  let field = '';
  for (const token of path) {
    if (token === '.') return cur;
    if (token.startsWith('f:')) {
      if (!isObject(cur)) return undefined;
      field = token.slice(2);
      cur = cur[field];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = findItem(cur, token, field);
      if (i < 0) return undefined;
      cur = cur[i];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the value at a path from `obj` (in place); for `.` paths, the list item. */
export function removeAt(obj: JsonObject, path: Path): void {
  const last = path[path.length - 1] === '.' ? path.length - 2 : path.length - 1;
  let cur: Json | undefined = obj;
  let field = '';
  for (let i = 0; i < last; i++) {
    const token = path[i];
    if (token.startsWith('f:')) {
      if (!isObject(cur)) return;
      field = token.slice(2);
      cur = cur[field];
    } else {
      if (!Array.isArray(cur)) return;
      cur = cur[findItem(cur, token, field)];
    }
    if (cur === undefined) return;
  }
  const token = path[last];
  if (token.startsWith('f:') && isObject(cur)) delete cur[token.slice(2)];
  else if (Array.isArray(cur)) {
    const i = findItem(cur, token, field);
    if (i >= 0) cur.splice(i, 1);
  }
}

// ---------------------------------------------------------------- merging an applied configuration

/** Merges an applied configuration into the live object: maps by key, associative lists by item key, anything else replaced. */
export function mergeApplied(live: unknown, applied: unknown): unknown {
  return merge(live as Json | undefined, applied as Json);
}

function merge(live: Json | undefined, applied: Json, field = ''): Json {
  if (isObject(applied)) {
    const out: JsonObject = isObject(live) ? structuredClone(live) : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = merge(out[k], v, k);
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const keys = keysFor(field, applied);
    if (!keys) return structuredClone(applied);
    const out = live.map((x) => structuredClone(x));
    for (const item of applied) {
      const token = itemToken(keys, item);
      const at = out.findIndex((x) => itemToken(keys, x) === token);
      if (at >= 0) out[at] = keys === 'set' ? item : merge(out[at], item);
      else out.push(structuredClone(item));
    }
    return out;
  }
  return structuredClone(applied);
}

// ---------------------------------------------------------------- managedFields entries

export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function readEntries(obj: KubeObject | undefined): ManagedEntry[] {
  const raw = obj?.metadata.managedFields;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObject).map((e) => ({
    manager: String(e.manager ?? ''),
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(e.apiVersion ?? ''),
    time: typeof e.time === 'string' ? e.time : undefined,
    subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
    fields: FieldSet.fromFieldsV1(e.fieldsV1),
  }));
}

export function writeEntries(entries: ManagedEntry[]): JsonObject[] {
  return entries
    .filter((e) => e.fields.size > 0)
    .map((e) => {
      const out: JsonObject = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
      if (e.time) out.time = e.time;
      out.fieldsType = 'FieldsV1';
      out.fieldsV1 = e.fields.toFieldsV1();
      if (e.subresource) out.subresource = e.subresource;
      return out;
    });
}

function sameEntry(e: ManagedEntry, manager: string, operation: string, subresource: string | undefined): boolean {
  return e.manager === manager && e.operation === operation && e.subresource === subresource;
}

/**
 * Records a non-apply write (create, update, patch) by `manager`: it takes ownership
 * of every field it set or changed; fields it removed leave every owner.
 */
export function recordUpdate(old: KubeObject | undefined, next: KubeObject, manager: string, apiVersion: string, subresource?: string): void {
  const isStatus = subresource === 'status';
  const before = old ? fieldSetOf(old, { status: isStatus }) : new FieldSet();
  const after = fieldSetOf(next, { status: isStatus });
  const changed = FieldSet.of([...after].filter((p) => !before.has(p) || JSON.stringify(valueAt(old, p)) !== JSON.stringify(valueAt(next, p))));
  const removed = before.minus(after);
  const entries = readEntries(old);
  if (changed.size === 0 && removed.size === 0) {
    next.metadata.managedFields = writeEntries(entries);
    return;
  }
  for (const e of entries) for (const p of [...changed, ...removed]) e.fields.delete(p);
  let mine = entries.find((e) => sameEntry(e, manager, 'Update', subresource));
  if (!mine) entries.push((mine = { manager, operation: 'Update', apiVersion, subresource, fields: new FieldSet() }));
  for (const p of changed) mine.fields.add(p);
  mine.time = now();
  mine.apiVersion = apiVersion;
  next.metadata.managedFields = writeEntries(entries);
}

/** `.spec.template.spec.containers[name="web"].image`, as conflicts name a field. */
export function pathString(path: Path): string {
  let out = '';
  for (const token of path) {
    if (token === '.') continue;
    if (token.startsWith('f:')) out += `.${token.slice(2)}`;
    else if (token.startsWith('v:')) out += `[=${token.slice(2)}]`;
    else {
      const key = JSON.parse(token.slice(2)) as JsonObject;
      out += `[${Object.entries(key).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    }
  }
  return out;
}

function managerLabel(e: ManagedEntry): string {
  const name = JSON.stringify(e.manager);
  if (e.operation === 'Update') return `${name} using ${e.apiVersion}${e.time ? ` at ${e.time}` : ''}`;
  return e.subresource ? `${name} with subresource ${JSON.stringify(e.subresource)}` : name;
}

function conflictError(conflicts: { entry: ManagedEntry; path: Path }[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${managerLabel(c.entry)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${managerLabel(conflicts[0].entry)}: ${pathString(conflicts[0].path)}`;
  } else {
    const byManager = new Map<string, { entry: ManagedEntry; paths: Path[] }>();
    for (const c of conflicts) {
      const label = managerLabel(c.entry);
      const group = byManager.get(label) ?? { entry: c.entry, paths: [] };
      group.paths.push(c.path);
      byManager.set(label, group);
    }
    const lines: string[] = [];
    for (const label of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${label}:`);
      for (const p of byManager.get(label)!.paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(status(409, 'Conflict', message, { causes }));
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The fields of kubectl's client-side apply annotation. The apiserver lets kubectl's
 * server-side apply take these over without conflict, so switching from client-side
 * apply to `--server-side` just works.
 */
function lastAppliedFields(live: KubeObject | undefined): FieldSet {
  const text = live?.metadata.annotations?.[LAST_APPLIED];
  if (!text) return new FieldSet();
  try {
    return fieldSetOf(JSON.parse(text));
  } catch {
    return new FieldSet();
  }
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined when the object is
 * new). Returns the merged object with its managedFields; throws 409 on conflicts
 * unless forced.
 */
export function serverSideApply(live: KubeObject | undefined, config: KubeObject, manager: string, apiVersion: string, force: boolean, subresource?: string): KubeObject {
  const forgiven = manager === 'kubectl' ? lastAppliedFields(live) : new FieldSet();
  const isStatus = subresource === 'status';
  const applied = fieldSetOf(config, { status: isStatus });
  const entries = readEntries(live);
  const conflicts: { entry: ManagedEntry; path: Path }[] = [];
  for (const e of entries) {
    if (sameEntry(e, manager, 'Apply', subresource)) continue;
    if ((e.subresource === 'status') !== isStatus) continue;
    for (const p of applied) {
      if (p[p.length - 1] === '.') continue;
      if (e.fields.has(p) && JSON.stringify(valueAt(config, p)) !== JSON.stringify(valueAt(live, p))) conflicts.push({ entry: e, path: p });
    }
  }
  conflicts.sort((a, b) => (pathString(a.path) < pathString(b.path) ? -1 : pathString(a.path) > pathString(b.path) ? 1 : 0));
  const remaining = conflicts.filter((c) => !forgiven.has(c.path));
  if (remaining.length && !force) throw conflictError(remaining);
  for (const c of conflicts) c.entry.fields.delete(c.path);

  let mine = entries.find((e) => sameEntry(e, manager, 'Apply', subresource));
  const dropped = mine ? mine.fields.minus(applied) : new FieldSet();
  const merged = mergeApplied(live ?? {}, config) as KubeObject;
  const ownedByOthers = (p: Path) => entries.some((e) => e !== mine && e.fields.has(p));
  const gone = [...dropped].filter((p) => !ownedByOthers(p)).sort((a, b) => b.length - a.length);
  for (const p of gone) removeAt(merged as unknown as JsonObject, p);

  if (!mine) entries.push((mine = { manager, operation: 'Apply', apiVersion, subresource, fields: applied }));
  const changed = !live || mine.fields.size !== applied.size || [...applied].some((p) => !mine!.fields.has(p)) || conflicts.length > 0;
  mine.fields = applied;
  mine.apiVersion = apiVersion;
  if (changed || !mine.time) mine.time = now();
  merged.metadata = { ...(merged.metadata ?? {}), managedFields: writeEntries(entries) };
  return merged;
}
