import { evaluateJsonPath, parseJsonPath } from './jsonPath';
import type { JsonPath } from './jsonPath';
import { arr, at, baseRow, condition, defineKind, isRecord, num, rec, str } from './read';
import type { CellValue, Column, KindDefinition, KubeObject, Tone } from './types';

/** Printer-column cells are cut to this length: a JSONPath can select a whole sub-object. */
const MAX_CELL = 256;

interface PrinterColumn {
  column: Column;
  type: string;
  path: JsonPath;
}

function pickVersion(versions: unknown[]): Record<string, unknown> | undefined {
  const served = versions.filter((version): version is Record<string, unknown> => isRecord(version) && version.served !== false && str(version.name) !== undefined);
  return served.find((version) => version.storage === true) ?? served[0];
}

function columnId(name: string, taken: Set<string>): string {
  const base = `pc:${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'column'}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/**
 * The CRD's additionalPrinterColumns for one version, as columns with a parsed path.
 * A column for `.metadata.creationTimestamp` is dropped (every row has its own age),
 * and so is one whose path this subset cannot parse: one odd column does not hide
 * the whole kind.
 */
function printerColumns(version: Record<string, unknown>): PrinterColumn[] {
  const taken = new Set<string>();
  const out: PrinterColumn[] = [];
  for (const raw of arr(version.additionalPrinterColumns)) {
    const name = str(at(raw, 'name'));
    const jsonPath = str(at(raw, 'jsonPath'));
    if (!name || !jsonPath) continue;
    if (jsonPath.replace(/\s/g, '') === '.metadata.creationTimestamp') continue;
    let path: JsonPath;
    try {
      path = parseJsonPath(jsonPath);
    } catch {
      continue;
    }
    const type = str(at(raw, 'type')) ?? 'string';
    const columnType: Column['type'] = type === 'date' ? 'age' : type === 'integer' || type === 'number' ? 'number' : 'text';
    const column: Column = { id: columnId(name, taken), title: name.toUpperCase(), type: columnType };
    if ((num(at(raw, 'priority')) ?? 0) > 0) column.priority = 1;
    out.push({ column, type, path });
  }
  return out;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** One printer-column cell, typed by the column's declared type. */
function cell(printer: PrinterColumn, object: KubeObject): CellValue {
  const values = evaluateJsonPath(printer.path, object).filter((value) => value !== null && value !== undefined);
  if (values.length === 0) return null;
  switch (printer.type) {
    case 'date': {
      const first = str(values[0]);
      return first && !Number.isNaN(Date.parse(first)) ? first : null;
    }
    case 'integer':
    case 'number': {
      const first = values[0];
      if (typeof first === 'number' && Number.isFinite(first)) return first;
      const parsed = typeof first === 'string' && first.trim() !== '' ? Number(first) : NaN;
      return Number.isFinite(parsed) ? parsed : text(first).slice(0, MAX_CELL);
    }
    case 'boolean':
      return typeof values[0] === 'boolean' ? values[0] : text(values[0]).slice(0, MAX_CELL);
    default: {
      const joined = values.map(text).join(',');
      return joined.length > MAX_CELL ? `${joined.slice(0, MAX_CELL)}…` : joined;
    }
  }
}

/** `Certificate` → `Certificates`, `Policy` → `Policies`, `Ingress` → `Ingresses`: a title like the built-in kinds'. */
export function pluralTitle(kind: string): string {
  if (/[^aeiou]y$/i.test(kind)) return `${kind.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(kind)) return `${kind}es`;
  return `${kind}s`;
}

/** Common `status.phase` / `status.state` words of operators, by how they read. */
const PHASE_TONES = new Map<string, Tone>(Object.entries({
  succeeded: 'done',
  completed: 'done',
  complete: 'done',
  failed: 'error',
  error: 'error',
  running: 'ok',
  active: 'ok',
  ready: 'ok',
  healthy: 'ok',
  bound: 'ok',
  available: 'ok',
  pending: 'progress',
  progressing: 'progress',
  provisioning: 'progress',
  creating: 'progress',
  deleting: 'progress',
  terminating: 'progress',
  degraded: 'warning',
  unknown: 'warning',
} satisfies Record<string, Tone>));

/**
 * The conventions custom resources follow: a Ready condition when there is one,
 * else a phase or state word; neutral when neither says anything.
 */
function customTone(object: KubeObject): Tone {
  const ready = condition(object, 'Ready');
  if (ready?.status === 'True') return 'ok';
  if (ready?.status === 'False') return 'warning';
  if (ready?.status === 'Unknown') return 'progress';
  const phase = str(at(object, 'status', 'phase')) ?? str(at(object, 'status', 'state'));
  return (phase && PHASE_TONES.get(phase.toLowerCase())) || 'neutral';
}

/**
 * The kind for the custom resources of one CRD: token `<plural>.<group>`, alias
 * `custom`, the storage version (or the first served one when the storage version
 * is not served), the CRD's scope, and its printer columns for that version.
 * Null for a CRD missing any of group, plural, kind, a valid scope or a served version.
 */
export function customResourceKind(crd: KubeObject): KindDefinition | null {
  if (!isRecord(crd)) return null;
  const spec = rec(crd.spec);
  const group = str(spec.group);
  const plural = str(at(spec, 'names', 'plural'));
  const kind = str(at(spec, 'names', 'kind'));
  const scope = spec.scope;
  if (!group || !plural || !kind || (scope !== 'Namespaced' && scope !== 'Cluster')) return null;
  const version = pickVersion(arr(spec.versions));
  if (!version) return null;
  const namespaced = scope === 'Namespaced';
  const printers = printerColumns(version);
  const definition = defineKind({
    token: `${plural}.${group}`,
    group,
    version: str(version.name)!,
    kind,
    plural,
    namespaced,
    alias: 'custom',
    title: pluralTitle(kind),
    columns: printers.map((printer) => printer.column),
    project(object) {
      const cells: Record<string, CellValue> = {};
      for (const printer of printers) cells[printer.column.id] = cell(printer, object);
      return baseRow(object, namespaced, cells, customTone(object));
    },
  });
  const crdName = str(at(crd, 'metadata', 'name'));
  if (crdName) definition.crdName = crdName;
  return definition;
}
