import type { Row } from '../kinds/types';
import type { RowSet } from './rowSet';

/**
 * The rows of a RowSet that pass a filter, in a fixed order, kept up to date
 * change by change: a changed row leaves its place and goes to its new one by
 * binary search, so following a delta costs O(log n) comparisons whatever the
 * list's size. Only a new lineage (a fresh snapshot) or a reader that fell too
 * far behind the set's journal sorts everything again.
 */
export class SortedRows {
  /** The rows in order. The same array throughout, changed in place: read it, don't keep it. */
  readonly rows: Row[] = [];
  /** Where each listed row was placed, as it was then (a changed row is found by its old value). */
  private readonly listed = new Map<string, Row>();
  private at: RowSet | null = null;

  constructor(
    private readonly compare: (a: Row, b: Row) => number,
    private readonly accept: (row: Row) => boolean,
  ) {}

  /** Brings the rows up to `set`. Returns whether the list may have changed. */
  follow(set: RowSet): boolean {
    const previous = this.at;
    if (previous === set || (previous && previous.follows(set))) return false;
    const changed = previous ? set.changedSince(previous) : null;
    this.at = set;
    if (!changed) {
      this.rebuild(set);
      return true;
    }
    for (const uid of changed) this.place(uid, set.rows.get(uid));
    return changed.length > 0;
  }

  private rebuild(set: RowSet): void {
    this.rows.length = 0;
    this.listed.clear();
    for (const row of set.rows.values()) {
      if (!this.accept(row)) continue;
      this.rows.push(row);
      this.listed.set(row.uid, row);
    }
    this.rows.sort(this.compare);
  }

  /** The row of `uid` is now `row` (undefined: gone). */
  private place(uid: string, row: Row | undefined): void {
    const before = this.listed.get(uid);
    if (before === row) return;
    if (before) {
      let i = this.lowerBound(before);
      if (this.rows[i] !== before) i = this.rows.indexOf(before);
      if (row && i !== -1 && this.accept(row) && this.fitsAt(i, row)) {
        // Most changes leave a row where it was (a status, not the sorted column): no shifting.
        this.rows[i] = row;
        this.listed.set(uid, row);
        return;
      }
      if (i !== -1) this.rows.splice(i, 1);
      this.listed.delete(uid);
    }
    if (row && this.accept(row)) {
      this.rows.splice(this.lowerBound(row), 0, row);
      this.listed.set(uid, row);
    }
  }

  /** Whether `row` sorts between the neighbours of place `i`. */
  private fitsAt(i: number, row: Row): boolean {
    return (i === 0 || this.compare(this.rows[i - 1], row) < 0) && (i === this.rows.length - 1 || this.compare(row, this.rows[i + 1]) < 0);
  }

  /** The first index whose row does not sort before `row`. */
  private lowerBound(row: Row): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(this.rows[mid], row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
