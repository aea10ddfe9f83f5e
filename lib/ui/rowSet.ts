import type { Row } from '../kinds/types';
import type { RowKey, StreamError } from '../live/protocol';

/** One delta as the browser applies it; without a position it belongs to the set's own. */
export type RowChange = ({ type: 'upsert'; row: Row } | { type: 'remove'; key: RowKey }) & { epoch?: string; seq?: number };

/** Uids changed per version, newest last, within one lineage of RowSets. */
const JOURNAL_LIMIT = 20_000;

class Journal {
  private uids: string[] = [];
  private versions: number[] = [];
  /** Changes made by versions up to this one are no longer held. */
  private forgotten = 0;

  record(uid: string, version: number): void {
    this.uids.push(uid);
    this.versions.push(version);
    if (this.uids.length > JOURNAL_LIMIT) {
      // Drop the older half at once (not one entry per change): readers that far behind start over.
      const drop = this.uids.length >> 1;
      this.forgotten = this.versions[drop - 1];
      this.uids.splice(0, drop);
      this.versions.splice(0, drop);
    }
  }

  /** Uids changed after `version` up to `upTo` (repeats possible), or null when they are no longer held. */
  since(version: number, upTo: number): string[] | null {
    if (version < this.forgotten) return null;
    let lo = 0;
    let hi = this.versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.versions[mid] <= version) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < this.versions.length && this.versions[end] <= upTo) end++;
    return this.uids.slice(lo, end);
  }
}

/**
 * The rows of one list selection (cluster, kind, namespaces) as the browser holds
 * them: a Map keyed by uid, so a delta costs O(1) whatever the list's size.
 *
 * A RowSet is a thin immutable wrapper around a Map that successive versions
 * share: applying deltas mutates the Map and returns a new wrapper with the
 * next `version`. Consumers (SWR, React) compare wrappers by reference, never
 * the rows themselves; an older wrapper must not be read after a newer one exists.
 * The versions of one lineage (from one snapshot on) also share a journal of
 * which uids changed, so a derived view (a sorted, filtered list) can follow
 * them change by change instead of starting over.
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
    private readonly journal: Journal,
    /** The portal was still loading the kind from the cluster: no rows are known yet (the stream's snapshot brings them). */
    readonly syncing = false,
  ) {}

  static fromSnapshot(snapshot: { epoch?: string; seq?: number; items: Row[]; errors?: StreamError[]; syncing?: boolean }, errors: readonly StreamError[] = snapshot.errors ?? []): RowSet {
    const rows = new Map<string, Row>();
    for (const row of snapshot.items) rows.set(row.uid, row);
    return new RowSet(rows, snapshot.epoch ?? '', snapshot.seq ?? 0, errors, 0, new Journal(), snapshot.syncing === true);
  }

  static empty(): RowSet {
    return new RowSet(new Map(), '', 0, [], 0, new Journal());
  }

  get size(): number {
    return this.rows.size;
  }

  /** True when this set already reflects the position `epoch/seq` or later in the same history. */
  covers(epoch: string, seq: number): boolean {
    return epoch !== '' && this.epoch === epoch && this.seq >= seq;
  }

  /** True when `other` is an earlier or the same version of this set's lineage (same Map, same journal). */
  follows(other: RowSet): boolean {
    return other.journal === this.journal && other.version <= this.version;
  }

  /**
   * The uids changed since `earlier` (a version of the same lineage), or null when
   * that is unknown (another lineage, or too long ago): then read all the rows.
   */
  changedSince(earlier: RowSet): string[] | null {
    if (!this.follows(earlier)) return null;
    return this.journal.since(earlier.version, this.version);
  }

  /** Deltas in arrival order, as one new version. Deltas already covered (same epoch, older sequence) are ignored. */
  apply(changes: readonly RowChange[]): RowSet {
    let epoch = this.epoch;
    let seq = this.seq;
    const version = this.version + 1;
    let changed = false;
    for (const change of changes) {
      const e = change.epoch ?? epoch;
      const s = change.seq ?? seq;
      if (e === epoch && s < seq) continue;
      epoch = e;
      seq = s;
      const uid = change.type === 'upsert' ? change.row.uid : change.key.uid;
      if (change.type === 'upsert') this.rows.set(uid, change.row);
      else this.rows.delete(uid);
      this.journal.record(uid, version);
      changed = true;
    }
    return changed ? new RowSet(this.rows, epoch, seq, this.errors, version, this.journal, this.syncing) : this;
  }

  /** An added/modified row. */
  upsert(row: Row, epoch = this.epoch, seq = this.seq): RowSet {
    return this.apply([{ type: 'upsert', row, epoch, seq }]);
  }

  remove(key: RowKey, epoch = this.epoch, seq = this.seq): RowSet {
    return this.apply([{ type: 'remove', key, epoch, seq }]);
  }

  /** Records an error for a namespace (replacing an earlier one for the same namespace). */
  withError(error: StreamError): RowSet {
    const others = this.errors.filter((e) => (e.namespace ?? '') !== (error.namespace ?? ''));
    const version = this.version + 1;
    if (error.namespace) {
      // That namespace stopped: its rows are no longer current.
      for (const [uid, row] of this.rows) {
        if (row.namespace !== error.namespace) continue;
        this.rows.delete(uid);
        this.journal.record(uid, version);
      }
    }
    return new RowSet(this.rows, this.epoch, this.seq, [...others, error], version, this.journal, this.syncing);
  }
}
