import type { Column, Row } from '@/lib/kinds/types';

export type SortKey = { column: string; descending: boolean };

function cellOf(row: Row, column: string): unknown {
  if (column === '__name') return row.name;
  if (column === '__namespace') return row.namespace ?? '';
  if (column === '__age') return row.createdAt ? -Date.parse(row.createdAt) : 0;
  return row.cells[column];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Sorts in place by one column (ages: youngest first), names break ties. */
export function sortRows(rows: Row[], sort: SortKey, columns: Column[]): Row[] {
  const column = columns.find((c) => c.id === sort.column);
  const ageLike = column?.type === 'age';
  const dir = sort.descending ? -1 : 1;
  return rows.sort((a, b) => {
    let va = cellOf(a, sort.column);
    let vb = cellOf(b, sort.column);
    if (ageLike) {
      va = typeof va === 'string' ? -Date.parse(va) : Number.POSITIVE_INFINITY;
      vb = typeof vb === 'string' ? -Date.parse(vb) : Number.POSITIVE_INFINITY;
    }
    let c: number;
    if (typeof va === 'number' && typeof vb === 'number') c = va - vb;
    else c = collator.compare(Array.isArray(va) ? va.join(',') : String(va ?? ''), Array.isArray(vb) ? vb.join(',') : String(vb ?? ''));
    if (c === 0) c = collator.compare(a.namespace ?? '', b.namespace ?? '') || collator.compare(a.name, b.name);
    return c * dir;
  });
}
