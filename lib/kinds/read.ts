/**
 * Defensive readers shared by the row projections. Objects come from any
 * cluster, any version, and sometimes half-written: every reader here returns
 * a safe default instead of throwing, so a projection is a plain sequence of
 * reads with no try/catch of its own.
 */
import type { CellValue, KindDefinition, KubeObject, OwnerRef, Row, Tone } from './types';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path` below `value`, or undefined when any step is missing or not an object. */
export function at(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** An object (never an array, never null); `{}` otherwise. */
export function rec(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** The elements of an array; `[]` otherwise. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A non-empty string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number, or undefined. Numeric strings are not numbers here: the API sends numbers. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** An int-or-string field (e.g. `maxUnavailable: 1` or `"25%"`) as text, or undefined. */
export function intOrString(value: unknown): string | undefined {
  const n = num(value);
  if (n !== undefined) return String(n);
  return str(value);
}

/** Only the string entries of a string map; undefined when there are none. */
export function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  let out: Record<string, string> | undefined;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') continue;
    (out ??= {})[key] = entry;
  }
  return out;
}

function owners(value: unknown): OwnerRef[] | undefined {
  const refs: OwnerRef[] = [];
  for (const raw of arr(value)) {
    if (!isRecord(raw)) continue;
    const ref: OwnerRef = { kind: str(raw.kind) ?? '', name: str(raw.name) ?? '', uid: str(raw.uid) ?? '' };
    if (raw.controller === true) ref.controller = true;
    refs.push(ref);
  }
  return refs.length > 0 ? refs : undefined;
}

/**
 * The identity and metadata part of every row. Only what a list needs: no
 * annotations (they can hold whole manifests, secret values included, in
 * `last-applied-configuration`), no managedFields, nothing from spec.
 * An object without a uid (never from a real apiserver) is keyed by its
 * namespace and name so rows stay distinguishable.
 */
export function baseRow(object: KubeObject, namespaced: boolean, cells: Record<string, CellValue>, tone: Tone): Row {
  const meta = rec(isRecord(object) ? object.metadata : undefined);
  const name = str(meta.name) ?? '';
  const namespace = namespaced ? (str(meta.namespace) ?? '') : undefined;
  const row: Row = { uid: str(meta.uid) ?? (namespace ? `${namespace}/${name}` : name), name, cells, tone };
  if (namespace !== undefined) row.namespace = namespace;
  const resourceVersion = str(meta.resourceVersion);
  if (resourceVersion) row.resourceVersion = resourceVersion;
  const createdAt = str(meta.creationTimestamp);
  if (createdAt) row.createdAt = createdAt;
  const labels = stringMap(meta.labels);
  if (labels) row.labels = labels;
  const refs = owners(meta.ownerReferences);
  if (refs) row.owners = refs;
  return row;
}

/** The object's metadata (or `{}`), for projections that read deletionTimestamp or annotations. */
export function meta(object: KubeObject): Json {
  return rec(isRecord(object) ? object.metadata : undefined);
}

/** The annotation `key`, read in the projection only; annotations never enter a row. */
export function annotation(object: KubeObject, key: string): string | undefined {
  return str(at(meta(object), 'annotations', key));
}

/** `k=v,k2=v2`, sorted by key, like kubectl's label formatting; `<none>` when empty. */
export function formatLabels(value: unknown): string {
  const map = stringMap(value);
  if (!map) return '<none>';
  return Object.keys(map)
    .sort()
    .map((key) => `${key}=${map[key]}`)
    .join(',');
}

/**
 * A LabelSelector (`matchLabels` + `matchExpressions`) as kubectl prints it:
 * `app=web,tier in (a,b),!legacy,track`. `<none>` for an empty or missing selector.
 */
export function formatSelector(value: unknown): string {
  const selector = rec(value);
  const parts: string[] = [];
  const labels = stringMap(selector.matchLabels);
  if (labels) for (const key of Object.keys(labels).sort()) parts.push(`${key}=${labels[key]}`);
  for (const raw of arr(selector.matchExpressions)) {
    const key = str(at(raw, 'key'));
    if (!key) continue;
    const values = arr(at(raw, 'values')).filter((v): v is string => typeof v === 'string');
    switch (at(raw, 'operator')) {
      case 'In':
        parts.push(`${key} in (${values.join(',')})`);
        break;
      case 'NotIn':
        parts.push(`${key} notin (${values.join(',')})`);
        break;
      case 'Exists':
        parts.push(key);
        break;
      case 'DoesNotExist':
        parts.push(`!${key}`);
        break;
    }
  }
  return parts.length > 0 ? parts.join(',') : '<none>';
}

/** CONTAINERS and IMAGES of a pod spec, comma-joined as kubectl's wide output shows them. */
export function containersAndImages(podSpec: unknown): { containers: string; images: string } {
  const names: string[] = [];
  const images: string[] = [];
  for (const container of arr(at(podSpec, 'containers'))) {
    names.push(str(at(container, 'name')) ?? '');
    images.push(str(at(container, 'image')) ?? '');
  }
  return { containers: names.join(','), images: images.join(',') };
}

/** A whole-second duration as kubectl prints it: `45s`, `2m30s`, `5h1m`, `3d4h`, `2y70d`. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d >= 365 * 8) return `${y}y`;
  return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
}

/** Milliseconds since the epoch of an ISO timestamp, or undefined. */
export function time(value: unknown): number | undefined {
  const text = str(value);
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Short names of persistent-volume access modes, as kubectl prints them. */
export function accessModes(value: unknown): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  const modes: string[] = [];
  for (const mode of arr(value)) {
    const name = str(mode);
    const shown = name ? (lookup(short, name) ?? name) : undefined;
    if (shown && !modes.includes(shown)) modes.push(shown);
  }
  return modes.join(',');
}

/** The condition of `type` in `status.conditions`, or undefined. */
export function condition(object: unknown, type: string): Json | undefined {
  for (const raw of arr(at(object, 'status', 'conditions'))) {
    if (isRecord(raw) && raw.type === type) return raw;
  }
  return undefined;
}

/**
 * Declares a built-in kind. Its projection is handed `{}` in place of anything
 * that is not an object (null, an array, a string), so each projection only has
 * to tolerate missing and mistyped fields, which the readers above do.
 */
export function defineKind(definition: KindDefinition): KindDefinition {
  const project = definition.project;
  return { ...definition, project: (object) => project(isRecord(object) ? object : {}) };
}

/** `table[key]` for an own key only: a phase named `constructor` must not find Object's. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
