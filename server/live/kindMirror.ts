import type { Row } from '../../lib/kinds/types';
import type { Delta, KindHealth, RowKey } from '../../lib/live/protocol';

/** `at`: when the informer received the change (ms since the epoch). */
export type MirrorListener = (delta: Delta, at: number) => void;

/** A rough size in bytes of a row (its strings, keys and scalars): enough to bound memory, cheap to compute. */
export function approximateBytes(value: unknown): number {
  if (typeof value === 'string') return value.length + 8;
  if (value === null || typeof value !== 'object') return 8;
  let total = 16;
  if (Array.isArray(value)) {
    for (const item of value) total += approximateBytes(item);
    return total;
  }
  for (const key in value) total += key.length + 8 + approximateBytes((value as Record<string, unknown>)[key]);
  return total;
}

/**
 * The rows of one (cluster, kind) as this replica serves them, with the recent
 * deltas kept in a ring for resume — at most `capacity` of them and about
 * `maxRingBytes` (a person who may edit one namespace can make rows large:
 * thousands of labels). Fed by the delta bus; every update is O(1) amortised.
 */
export class KindMirror {
  private rows = new Map<string, Row>();
  /** Rows per namespace ('' for cluster-scoped), kept with every update, so a count is O(namespaces). */
  private perNamespace = new Map<string, number>();
  private readonly ring: Array<Delta | undefined>;
  private readonly weights: Float64Array;
  private ringBytes = 0;
  /** The oldest sequence number still held in the ring. */
  private oldestHeld = 1;
  private seq = 0;
  private readonly listeners = new Set<MirrorListener>();
  private readonly resetListeners = new Set<() => void>();
  /** Resolves the first time the mirror holds a full list. */
  synced = false;
  /** The owner's connection to the cluster for this kind (none reported yet: undefined). */
  health: KindHealth | undefined;
  private readonly healthListeners = new Set<(health: KindHealth) => void>();
  private syncWaiters: Array<() => void> = [];

  constructor(
    readonly kind: string,
    public epoch: string,
    private readonly capacity: number,
    private readonly maxRingBytes = 64 * 1024 * 1024,
  ) {
    this.ring = new Array(capacity);
    this.weights = new Float64Array(capacity);
  }

  /** Bytes (roughly) the resume ring holds. */
  get heldBytes(): number {
    return this.ringBytes;
  }

  get position(): { epoch: string; seq: number } {
    return { epoch: this.epoch, seq: this.seq };
  }

  get size(): number {
    return this.rows.size;
  }

  /**
   * The whole state anew: a new history (the owner started afresh), or this
   * replica reloaded the topic. `recent`: deltas that led to `seq`, kept for
   * resume. Listeners of resets learn of it after a first sync (their streams
   * need a fresh snapshot).
   */
  reset(epoch: string, seq: number, rows: Row[], recent: Delta[] = []): void {
    this.epoch = epoch;
    this.seq = seq;
    this.ring.fill(undefined);
    this.weights.fill(0);
    this.ringBytes = 0;
    this.oldestHeld = seq + 1;
    // Only an unbroken run of deltas ending at `seq` can serve a resume.
    let first = recent.length;
    while (first > 0 && recent[first - 1].seq === seq - (recent.length - first)) first--;
    for (let i = first; i < recent.length; i++) {
      if (i === first) this.oldestHeld = recent[i].seq;
      this.hold(recent[i]);
    }
    this.rows = new Map(rows.map((row) => [row.uid, row]));
    this.perNamespace = new Map();
    for (const row of rows) this.tally(row.namespace, 1);
    const wasSynced = this.synced;
    this.markSynced();
    if (wasSynced) for (const listener of this.resetListeners) listener();
  }

  /** Called after every reset of a synced mirror. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** When the last delta arrived here, and how long after its owner's informer received it (ms). */
  lastDelta: { at: number; lagMs: number } | null = null;

  apply(delta: Delta, at = Date.now()): void {
    if (delta.seq !== this.seq + 1) throw new Error(`${this.kind}: delta ${delta.seq} after ${this.seq}: history has a gap`);
    this.seq = delta.seq;
    const now = Date.now();
    this.lastDelta = { at: now, lagMs: Math.max(0, now - at) };
    this.hold(delta);
    if (delta.type === 'deleted') {
      if (this.rows.delete(delta.key.uid)) this.tally(delta.key.namespace, -1);
    } else {
      if (!this.rows.has(delta.row.uid)) this.tally(delta.row.namespace, 1);
      this.rows.set(delta.row.uid, delta.row);
    }
    for (const listener of this.listeners) listener(delta, at);
  }

  /** Keeps a delta for resume, letting the oldest go past the ring's count or its bytes. */
  private hold(delta: Delta): void {
    const slot = delta.seq % this.capacity;
    if (this.ring[slot]) this.forgetOldest();
    const weight = delta.type === 'deleted' ? 64 : approximateBytes(delta.row);
    this.ring[slot] = delta;
    this.weights[slot] = weight;
    this.ringBytes += weight;
    while (this.ringBytes > this.maxRingBytes && this.oldestHeld < delta.seq) this.forgetOldest();
  }

  private forgetOldest(): void {
    const slot = this.oldestHeld % this.capacity;
    this.ringBytes -= this.weights[slot];
    this.weights[slot] = 0;
    this.ring[slot] = undefined;
    this.oldestHeld++;
  }

  /** How many rows there are in `namespaces` (null: everywhere). */
  count(namespaces: ReadonlySet<string> | null): number {
    if (namespaces === null) return this.rows.size;
    let total = 0;
    for (const ns of namespaces) total += this.perNamespace.get(ns) ?? 0;
    return total;
  }

  private tally(namespace: string | undefined, by: number): void {
    const key = namespace ?? '';
    const n = (this.perNamespace.get(key) ?? 0) + by;
    if (n <= 0) this.perNamespace.delete(key);
    else this.perNamespace.set(key, n);
  }

  /** Every row (the caller filters). */
  all(): IterableIterator<Row> {
    return this.rows.values();
  }

  get(uid: string): Row | undefined {
    return this.rows.get(uid);
  }

  /** The deltas after `seq` in this epoch, or null when they are no longer held (the caller sends a snapshot). */
  since(epoch: string, seq: number): Delta[] | null {
    if (epoch !== this.epoch || seq > this.seq || this.seq - seq > this.capacity) return null;
    const out: Delta[] = [];
    for (let s = seq + 1; s <= this.seq; s++) {
      const delta = this.ring[s % this.capacity];
      if (!delta || delta.seq !== s) return null;
      out.push(delta);
    }
    return out;
  }

  subscribe(listener: MirrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The owner's informer reported a connection state. */
  setHealth(health: KindHealth): void {
    const old = this.health;
    if (old && old.state === health.state && old.since === health.since && old.reason === health.reason) return;
    this.health = health;
    for (const listener of this.healthListeners) listener(health);
  }

  onHealth(listener: (health: KindHealth) => void): () => void {
    this.healthListeners.add(listener);
    return () => this.healthListeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const resolve of this.syncWaiters) resolve();
    this.syncWaiters = [];
  }
}

export function keyOf(row: Row): RowKey {
  return row.namespace === undefined ? { name: row.name, uid: row.uid } : { namespace: row.namespace, name: row.name, uid: row.uid };
}
