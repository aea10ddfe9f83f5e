import type { Row } from '../kinds/types';
import type { RowKey, StreamError } from '../live/protocol';

/**
 * The rows of one list selection (cluster, kind, namespaces) as the browser holds
 * them: a Map keyed by uid, so a delta costs O(1) whatever the list's size.
 *
 * A RowSet is a thin immutable wrapper around a Map that successive versions
 * share: applying a delta mutates the Map and returns a new wrapper with the
 * next `version`. Consumers (SWR, React) compare wrappers by reference, never
 * the rows themselves; an older wrapper must not be read after a newer one exists.
 */
export class RowSet {
  private constructor(
    readonly rows: Map<string, Row>,
    /** The history the rows belong to (`<epoch>` of the positions). */
    readonly epoch: string,
    /** The last delta applied, or the snapshot's sequence. */
    readonly seq: number,
    /** Errors per namespace (or for the whole kind when `namespace` is absent). */
    readonly errors: readonly StreamError[],
    /** Grows by one per change: what React memoises on. */
    readonly version: number,
  ) {}

  static fromSnapshot(snapshot: { epoch?: string; seq?: number; items: Row[]; errors?: StreamError[] }, errors: readonly StreamError[] = snapshot.errors ?? []): RowSet {
    const rows = new Map<string, Row>();
    for (const row of snapshot.items) rows.set(row.uid, row);
    return new RowSet(rows, snapshot.epoch ?? '', snapshot.seq ?? 0, errors, 0);
  }

  static empty(): RowSet {
    return new RowSet(new Map(), '', 0, [], 0);
  }

  get size(): number {
    return this.rows.size;
  }

  /** True when this set already reflects the position `epoch/seq` or later in the same history. */
  covers(epoch: string, seq: number): boolean {
    return epoch !== '' && this.epoch === epoch && this.seq >= seq;
  }

  /** An added/modified row. Deltas already covered (same epoch, older sequence) are ignored. */
  upsert(row: Row, epoch = this.epoch, seq = this.seq): RowSet {
    if (epoch === this.epoch && seq < this.seq) return this;
    this.rows.set(row.uid, row);
    return new RowSet(this.rows, epoch, seq, this.errors, this.version + 1);
  }

  remove(key: RowKey, epoch = this.epoch, seq = this.seq): RowSet {
    if (epoch === this.epoch && seq < this.seq) return this;
    this.rows.delete(key.uid);
    return new RowSet(this.rows, epoch, seq, this.errors, this.version + 1);
  }

  /** Records an error for a namespace (replacing an earlier one for the same namespace). */
  withError(error: StreamError): RowSet {
    const others = this.errors.filter((e) => (e.namespace ?? '') !== (error.namespace ?? ''));
    if (error.namespace) {
      // That namespace stopped: its rows are no longer current.
      for (const [uid, row] of this.rows) if (row.namespace === error.namespace) this.rows.delete(uid);
    }
    return new RowSet(this.rows, this.epoch, this.seq, [...others, error], this.version + 1);
  }
}
