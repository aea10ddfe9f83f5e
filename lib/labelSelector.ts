/**
 * Kubernetes label selectors (`app=web,tier!=db,env in (prod,stage),!legacy,team`),
 * parsed once at the edge and matched against rows' labels.
 */

export type Requirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'eq' | 'neq'; value: string };

export type LabelSelector = Requirement[];

export class LabelSelectorError extends Error {}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function key(raw: string, whole: string): string {
  const k = raw.trim();
  if (!KEY.test(k) || k.length > 317) throw new LabelSelectorError(`invalid label key "${k}" in selector "${whole}"`);
  return k;
}

function value(raw: string, whole: string): string {
  const v = raw.trim();
  if (!VALUE.test(v) || v.length > 63) throw new LabelSelectorError(`invalid label value "${v}" in selector "${whole}"`);
  return v;
}

/** Splits on commas that are not inside parentheses. */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(selector.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) throw new LabelSelectorError(`unbalanced parentheses in selector "${selector}"`);
  }
  if (depth !== 0) throw new LabelSelectorError(`unbalanced parentheses in selector "${selector}"`);
  out.push(selector.slice(start));
  return out;
}

export function parseLabelSelector(selector: string): LabelSelector {
  if (selector.length > 4096) throw new LabelSelectorError('label selector is longer than 4096 characters');
  if (selector.trim() === '') return [];
  return terms(selector).map((term): Requirement => {
    const t = term.trim();
    if (t === '') throw new LabelSelectorError(`empty requirement in selector "${selector}"`);
    const set = /^(.+?)\s+(in|notin)\s*\((.*)\)$/.exec(t);
    if (set) {
      const values = set[3].split(',').map((v) => value(v, selector));
      if (values.length === 0 || values.some((v) => v === '' && set[3].trim() === '')) throw new LabelSelectorError(`"${t}" needs at least one value`);
      return { key: key(set[1], selector), op: set[2] as 'in' | 'notin', values };
    }
    const neq = /^(.+?)!=(.*)$/.exec(t);
    if (neq) return { key: key(neq[1], selector), op: 'neq', value: value(neq[2], selector) };
    const eq = /^(.+?)==?(.*)$/.exec(t);
    if (eq) return { key: key(eq[1], selector), op: 'eq', value: value(eq[2], selector) };
    if (t.startsWith('!')) return { key: key(t.slice(1), selector), op: 'notexists' };
    return { key: key(t, selector), op: 'exists' };
  });
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of selector) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? labels![r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
      case 'eq':
        if (v !== r.value) return false;
        break;
      case 'neq':
        if (v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
    }
  }
  return true;
}
