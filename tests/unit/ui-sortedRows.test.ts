import { describe, expect, it } from 'vitest';
import type { Column, Row } from '@/lib/kinds/types';
import { parseLabelSelector } from '@/lib/labelSelector';
import { AGE_COLUMN, NAME_COLUMN, rowComparator, rowFilter } from '@/lib/ui/rowOrder';
import { RowSet, type RowChange } from '@/lib/ui/rowSet';
import { SortedRows } from '@/lib/ui/sortedRows';

const aRow = (name: string, namespace = 'team-a', extra: Partial<Row> = {}): Row => ({ uid: `uid-${namespace}-${name}`, name, namespace, cells: {}, ...extra });
const names = (rows: readonly Row[]) => rows.map((r) => `${r.namespace}/${r.name}`);
const STATUS: Column = { id: 'status', title: 'STATUS', type: 'status' };
const RESTARTS: Column = { id: 'restarts', title: 'RESTARTS', type: 'number' };

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('rowComparator', () => {
  it('orders names as people read them: digits by value, case ignored, namespace then uid breaking ties', () => {
    const rows = [aRow('web-10'), aRow('web-9'), aRow('Web-1'), aRow('web-1', 'prod'), aRow('api')];
    expect(names([...rows].sort(rowComparator({ column: NAME_COLUMN, descending: false }, [])))).toEqual(['team-a/api', 'prod/web-1', 'team-a/Web-1', 'team-a/web-9', 'team-a/web-10']);
    expect(names([...rows].sort(rowComparator({ column: NAME_COLUMN, descending: true }, [])))[0]).toBe('team-a/web-10');
  });

  it('sorts by age youngest first, rows without a creation time last', () => {
    const rows = [aRow('old', 'a', { createdAt: '2026-01-01T00:00:00Z' }), aRow('none', 'a'), aRow('new', 'a', { createdAt: '2026-06-01T00:00:00Z' }), aRow('mid', 'a', { createdAt: '2026-03-01T00:00:00Z' })];
    const age: Column = { id: AGE_COLUMN, title: 'AGE', type: 'age' };
    expect([...rows].sort(rowComparator({ column: AGE_COLUMN, descending: false }, [age])).map((r) => r.name)).toEqual(['new', 'mid', 'old', 'none']);
  });

  it('sorts numbers by value and text cells as text', () => {
    const rows = [aRow('a', 'n', { cells: { restarts: 10, status: 'Running' } }), aRow('b', 'n', { cells: { restarts: 2, status: 'CrashLoopBackOff' } }), aRow('c', 'n', { cells: { restarts: 0, status: 'Pending' } })];
    expect([...rows].sort(rowComparator({ column: 'restarts', descending: false }, [RESTARTS])).map((r) => r.name)).toEqual(['c', 'b', 'a']);
    expect([...rows].sort(rowComparator({ column: 'status', descending: false }, [STATUS])).map((r) => r.name)).toEqual(['b', 'c', 'a']);
  });
});

describe('SortedRows', () => {
  it('follows deltas into the same order a full sort gives, filter included', () => {
    const next = random(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
    const statuses = ['Running', 'Pending', 'Failed', 'CrashLoopBackOff'];
    const row = (i: number): Row => aRow(`pod-${i}`, pick(['team-a', 'team-b', 'prod']), { uid: `uid-${i}`, cells: { status: pick(statuses), restarts: Math.floor(next() * 5) }, labels: { tier: pick(['web', 'db']) } });
    let set = RowSet.fromSnapshot({ epoch: 'e1', seq: 0, items: Array.from({ length: 300 }, (_, i) => row(i)) });
    const columns = [STATUS, RESTARTS];
    for (const sort of [{ column: NAME_COLUMN, descending: false }, { column: 'status', descending: true }, { column: 'restarts', descending: false }]) {
      const compare = rowComparator(sort, columns);
      const accept = rowFilter('pod-1', parseLabelSelector('tier=web'));
      const view = new SortedRows(compare, accept);
      view.follow(set);
      let seq = set.seq;
      for (let round = 0; round < 40; round++) {
        const changes: RowChange[] = [];
        for (let j = 0; j < 1 + Math.floor(next() * 20); j++) {
          const i = Math.floor(next() * 400);
          changes.push(next() < 0.25 ? { type: 'remove', key: { namespace: 'x', name: `pod-${i}`, uid: `uid-${i}` }, epoch: 'e1', seq: ++seq } : { type: 'upsert', row: row(i), epoch: 'e1', seq: ++seq });
        }
        set = set.apply(changes);
        view.follow(set);
        const expected = [...set.rows.values()].filter(accept).sort(compare);
        expect(names(view.rows)).toEqual(names(expected));
      }
    }
  });

  it('changes only the rows a delta touches, and leaves the array in place', () => {
    const set = RowSet.fromSnapshot({ epoch: 'e1', seq: 1, items: [aRow('b'), aRow('a'), aRow('c')] });
    const view = new SortedRows(rowComparator({ column: NAME_COLUMN, descending: false }, []), () => true);
    view.follow(set);
    const rows = view.rows;
    const [a, b] = rows;
    const next = set.apply([{ type: 'upsert', row: aRow('d'), epoch: 'e1', seq: 2 }, { type: 'remove', key: { namespace: 'team-a', name: 'c', uid: 'uid-team-a-c' }, epoch: 'e1', seq: 3 }]);
    expect(view.follow(next)).toBe(true);
    expect(view.rows).toBe(rows);
    expect(names(view.rows)).toEqual(['team-a/a', 'team-a/b', 'team-a/d']);
    expect(view.rows[0]).toBe(a);
    expect(view.rows[1]).toBe(b);
    // An older or the same version changes nothing.
    expect(view.follow(set)).toBe(false);
    expect(view.follow(next)).toBe(false);
  });

  it('starts over from a fresh snapshot, and after falling further behind than the journal holds', () => {
    const view = new SortedRows(rowComparator({ column: NAME_COLUMN, descending: false }, []), () => true);
    let set = RowSet.fromSnapshot({ epoch: 'e1', seq: 0, items: [aRow('a')] });
    view.follow(set);
    const later = RowSet.fromSnapshot({ epoch: 'e2', seq: 9, items: [aRow('z'), aRow('y')] });
    view.follow(later);
    expect(names(view.rows)).toEqual(['team-a/y', 'team-a/z']);

    set = later;
    for (let i = 0; i < 30_000; i++) set = set.upsert(aRow(`p${i}`), 'e2', 10 + i);
    expect(set.changedSince(later)).toBeNull();
    view.follow(set);
    expect(view.rows.length).toBe(30_002);
    expect(view.rows[0].name).toBe('p0');
  });

  it('drops the rows of a namespace that failed', () => {
    const set = RowSet.fromSnapshot({ epoch: 'e1', seq: 1, items: [aRow('a', 'team-a'), aRow('b', 'prod')] });
    const view = new SortedRows(rowComparator({ column: NAME_COLUMN, descending: false }, []), () => true);
    view.follow(set);
    view.follow(set.withError({ kind: 'pods', namespace: 'prod', code: 403, message: 'forbidden' }));
    expect(names(view.rows)).toEqual(['team-a/a']);
  });
});
