import type { Row } from '@/lib/kinds/types';

/**
 * Whether a row passes a list krate's filter: a label selector of `key=value`,
 * `key!=value` and bare `key` terms (comma-separated, all must hold), or else
 * part of the row's name.
 */
export function rowMatches(row: Pick<Row, 'name' | 'labels'>, filter: string | undefined): boolean {
  const text = (filter ?? '').trim();
  if (!text) return true;
  const terms = text.split(',').map((t) => t.trim()).filter(Boolean);
  const isSelector = terms.every((t) => /^[A-Za-z0-9./_-]+(\s*!?=\s*[A-Za-z0-9._-]*)?$/.test(t)) && /[=]/.test(text);
  if (!isSelector) return row.name.toLowerCase().includes(text.toLowerCase());
  const labels = row.labels ?? {};
  return terms.every((term) => {
    const m = /^([^!=\s]+)\s*(!?=)\s*(.*)$/.exec(term);
    if (!m) return term in labels;
    const [, key, op, value] = m;
    return op === '=' ? labels[key] === value : labels[key] !== value;
  });
}
