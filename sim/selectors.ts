/** Label and field selectors, parsed once per request and matched per object. */
import { badRequest } from './status';
import type { KubeObject } from './types';
import type { ResourceType } from './resources';

type LabelRequirement =
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | '!'; key: string };

export type LabelSelector = LabelRequirement[];

/** Splits on commas that are not inside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function checkKey(key: string, whole: string): string {
  if (!LABEL_KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${whole}"`);
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!LABEL_VALUE.test(value) || value.length > 63) throw badRequest(`unable to parse requirement: invalid label value: "${value}" in selector "${whole}"`);
  return value;
}

export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  if (!text) return [];
  const reqs: LabelSelector = [];
  for (const part of splitTop(text)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^!\s*(\S+)$/))) {
      reqs.push({ op: '!', key: checkKey(m[1], text) });
    } else if ((m = part.match(/^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const values = m[3].split(',').map((v) => checkValue(v.trim(), text));
      reqs.push({ op: m[2] as 'in' | 'notin', key: checkKey(m[1], text), values });
    } else if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      const op = m[2] === '!=' ? 'notin' : 'in';
      reqs.push({ op, key: checkKey(m[1], text), values: [checkValue(m[3], text)] });
    } else if ((m = part.match(/^([^=!\s()]+)$/))) {
      reqs.push({ op: 'exists', key: checkKey(m[1], text) });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: identifier in selector "${text}"`);
    }
  }
  return reqs;
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(l[r.key])) return false;
        break;
      case 'notin':
        if (has && r.values.includes(l[r.key])) return false;
        break;
    }
  }
  return true;
}

/** A matchLabels/matchExpressions selector object (Deployment.spec.selector) as a string selector. */
export function labelSelectorString(sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
  read: (obj: KubeObject) => string;
}
export type FieldSelector = FieldRequirement[];

/** Parses `a=b,c!=d` against the fields a resource supports; anything else is a 400 like the apiserver's. */
export function parseFieldSelector(text: string | null | undefined, type: ResourceType): FieldSelector {
  if (!text) return [];
  const reqs: FieldSelector = [];
  for (const part of splitTop(text)) {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1].trim();
    let read: ((obj: KubeObject) => string) | undefined;
    if (field === 'metadata.name') read = (o) => o.metadata.name ?? '';
    else if (field === 'metadata.namespace') read = (o) => o.metadata.namespace ?? '';
    else if (type.fields?.[field]) {
      const f = type.fields[field];
      read = (o) => f(o as Record<string, unknown>);
    }
    if (!read) throw badRequest(`field label not supported: ${field}`);
    reqs.push({ field, negate: m[2] === '!=', value: m[3].trim(), read });
  }
  return reqs;
}

export function matchesFields(sel: FieldSelector, obj: KubeObject): boolean {
  for (const r of sel) {
    const equal = r.read(obj) === r.value;
    if (equal === r.negate) return false;
  }
  return true;
}

/** Both selectors together, as a watch or list filter. */
export interface Filter {
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
}

export function matches(filter: Filter, obj: KubeObject): boolean {
  if (filter.namespace && obj.metadata.namespace !== filter.namespace) return false;
  return matchesLabels(filter.labels, obj.metadata.labels) && matchesFields(filter.fields, obj);
}
