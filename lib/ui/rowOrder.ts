import type { Column, Row } from '../kinds/types';
import { matchesLabels, type LabelSelector } from '../labelSelector';
import { compareText } from './textOrder';

export type SortKey = { column: string; descending: boolean };

/** The columns every list has besides its kind's own. */
export const NAME_COLUMN = '__name';
export const NAMESPACE_COLUMN = '__namespace';
export const AGE_COLUMN = '__age';

type SortValue = number | string;

function valueOf(row: Row, column: string, ageLike: boolean): SortValue {
  let v: unknown;
  if (column === NAME_COLUMN) v = row.name;
  else if (column === NAMESPACE_COLUMN) v = row.namespace ?? '';
  else if (column === AGE_COLUMN) v = row.createdAt;
  else v = row.cells[column];
  if (ageLike) {
    // Youngest first; rows without a time last.
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : -t;
  }
  if (typeof v === 'number') return v;
  return Array.isArray(v) ? v.join(',') : String(v ?? '');
}

/**
 * The order of a list sorted by one column (ages: youngest first; numbers by
 * value; text as people read it, digits as numbers), ties broken by namespace,
 * then name, then uid: a total order, so a row's place can be found by binary search.
 */
export function rowComparator(sort: SortKey, columns: readonly Column[]): (a: Row, b: Row) => number {
  const column = sort.column === AGE_COLUMN ? { type: 'age' } : columns.find((c) => c.id === sort.column);
  const ageLike = column?.type === 'age';
  const dir = sort.descending ? -1 : 1;
  // Times are parsed once per row (rows are replaced, never changed, on a delta); other values are read as they are.
  const ages = new WeakMap<Row, SortValue>();
  const valueFor = (row: Row): SortValue => {
    if (!ageLike) return valueOf(row, sort.column, false);
    let v = ages.get(row);
    if (v === undefined) {
      v = valueOf(row, sort.column, true);
      ages.set(row, v);
    }
    return v;
  };
  return (a, b) => {
    if (a === b) return 0;
    const va = valueFor(a);
    const vb = valueFor(b);
    let c: number;
    if (typeof va === 'number' && typeof vb === 'number') c = va === vb ? 0 : va < vb ? -1 : 1;
    else c = compareText(String(va), String(vb));
    if (c === 0) c = compareText(a.namespace ?? '', b.namespace ?? '') || compareText(a.name, b.name);
    if (c === 0) c = a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0;
    return c * dir;
  };
}

/** Rows whose name or namespace contains `text` (any case) and whose labels match `selector`. */
export function rowFilter(text: string, selector: LabelSelector): (row: Row) => boolean {
  const needle = text.trim().toLowerCase();
  return (row) => {
    if (needle && !row.name.toLowerCase().includes(needle) && !(row.namespace ?? '').toLowerCase().includes(needle)) return false;
    return selector.length === 0 || matchesLabels(selector, row.labels);
  };
}
