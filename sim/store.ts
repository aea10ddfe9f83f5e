/**
 * The object store: every object by resource, namespace and name; one global
 * resourceVersion counter bumped on every write; a history of events for watch
 * resume, bounded like the apiserver's watch cache by age (a few minutes of simulated
 * time) and by count; and synchronous listeners for open watches.
 *
 * Stored objects are treated as immutable: every write stores a new object, and
 * callers that want to change one copy it first. That lets lists and watches hand
 * out stored references without cloning 10 000 pods.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from './types';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  /** When it happened, on the store's clock (ms). */
  at: number;
  type: EventType;
  /** Storage key of the resource, `group/plural`. */
  key: string;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED event. */
  previous?: KubeObject;
}

export type Listener = (event: StoreEvent) => void;

interface Bucket {
  /** namespace ('' for cluster-scoped) → name → object */
  byNamespace: Map<string, Map<string, KubeObject>>;
  size: number;
  /** `namespace/name` keys in etcd order; rebuilt lazily after adds and removes. */
  sorted: string[] | null;
}

function sortKey(ns: string, name: string): string {
  return `${ns}/${name}`;
}

/** The index of the first key after `after` in a sorted array. */
function upperBound(sorted: string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface HistoryOptions {
  /** How long events are kept for resume, in ms of the store's clock. Default 5 minutes. */
  windowMs?: number;
  /** The store's clock (ms); the simulator passes one sped up by clockSpeed. Default Date.now. */
  now?: () => number;
}

export const DEFAULT_HISTORY_WINDOW_MS = 5 * 60_000;

export class Store {
  private buckets = new Map<string, Bucket>();
  private rv = 0;
  private history: StoreEvent[] = [];
  private oldestResumable = 0;
  private listeners = new Set<Listener>();
  private readonly windowMs: number;
  private readonly now: () => number;

  /** `historyWindow` caps how many events are kept, whatever their age. */
  constructor(
    private readonly historyWindow = 5000,
    history: HistoryOptions = {},
  ) {
    this.windowMs = history.windowMs ?? DEFAULT_HISTORY_WINDOW_MS;
    this.now = history.now ?? Date.now;
  }

  /** The latest resourceVersion handed out. */
  currentRv(): number {
    return this.rv;
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { byNamespace: new Map(), size: 0, sorted: null };
      this.buckets.set(key, b);
    }
    return b;
  }

  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.byNamespace.get(namespace ?? '')?.get(name);
  }

  count(key: string): number {
    return this.buckets.get(key)?.size ?? 0;
  }

  /** Every `namespace/name` of `key` in etcd order, sorted again only after a create or delete. */
  private sortedKeys(key: string): string[] {
    const b = this.buckets.get(key);
    if (!b) return [];
    if (!b.sorted) {
      const all: string[] = [];
      for (const [ns, m] of b.byNamespace) for (const n of m.keys()) all.push(sortKey(ns, n));
      all.sort();
      b.sorted = all;
    }
    return b.sorted;
  }

  /**
   * Objects in etcd order (namespace, then name), optionally in one namespace and
   * starting after a `namespace/name` position (for continue tokens).
   */
  *iterate(key: string, namespace?: string, after?: string): Generator<KubeObject> {
    const b = this.buckets.get(key);
    if (!b) return;
    if (namespace !== undefined) {
      const names = [...(b.byNamespace.get(namespace)?.keys() ?? [])].sort();
      for (const n of names) {
        if (after !== undefined && sortKey(namespace, n) <= after) continue;
        const o = b.byNamespace.get(namespace)?.get(n);
        if (o) yield o;
      }
      return;
    }
    const sorted = this.sortedKeys(key);
    let i = after === undefined ? 0 : upperBound(sorted, after);
    for (; i < sorted.length; i++) {
      // The array may be replaced by a write while a caller iterates; stop following it then.
      const k = sorted[i];
      const slash = k.indexOf('/');
      const o = b.byNamespace.get(k.slice(0, slash))?.get(k.slice(slash + 1));
      if (o) yield o;
    }
  }

  /**
   * Objects as they were at resourceVersion `rv`, in etcd order after `after`: what a
   * continued list reads, as etcd serves every page of a list at the first page's
   * revision. Objects written since are seen as they were then (or not at all, if
   * created since); `rv` must still be within the history (see eventsSince).
   */
  *iterateAt(key: string, rv: number, namespace?: string, after?: string): Generator<KubeObject> {
    const then = this.changedSince(key, rv, namespace);
    if (then.size === 0) {
      yield* this.iterate(key, namespace, after);
      return;
    }
    // The current objects in order, each as it was at rv (or skipped, if created since), merged with
    // those deleted since: a page costs its own length, not the collection's.
    const gone = [...then].filter(([k, o]) => o !== undefined && (after === undefined || k > after) && !this.has(key, k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let g = 0;
    for (const o of this.iterate(key, namespace, after)) {
      const k = sortKey(o.metadata.namespace ?? '', o.metadata.name!);
      while (g < gone.length && gone[g][0] < k) yield gone[g++][1]!;
      if (!then.has(k)) yield o;
      else {
        const was = then.get(k);
        if (was) yield was;
      }
    }
    while (g < gone.length) yield gone[g++][1]!;
  }

  /** How many objects iterateAt would yield, without visiting them (a list page's remainingItemCount). */
  countAt(key: string, rv: number, namespace?: string, after?: string): number {
    let n = 0;
    if (namespace === undefined) {
      const sorted = this.sortedKeys(key);
      n = sorted.length - (after === undefined ? 0 : upperBound(sorted, after));
    } else {
      for (const _ of this.iterate(key, namespace, after)) n++;
    }
    for (const [k, was] of this.changedSince(key, rv, namespace)) {
      if (after !== undefined && k <= after) continue;
      const now = this.has(key, k);
      if (was === undefined && now) n--;
      else if (was !== undefined && !now) n++;
    }
    return n;
  }

  /** For each object of `key` changed since `rv` (by `namespace/name`): what it was at rv, undefined if created since. */
  private changedSince(key: string, rv: number, namespace?: string): Map<string, KubeObject | undefined> {
    const since = this.eventsSince(rv);
    const then = new Map<string, KubeObject | undefined>();
    for (const e of since === 'expired' ? [] : since) {
      const ns = e.object.metadata.namespace ?? '';
      if (e.key !== key || (namespace !== undefined && ns !== namespace)) continue;
      const k = sortKey(ns, e.object.metadata.name!);
      // The first change since rv tells what the object was at rv.
      if (!then.has(k)) then.set(k, e.type === 'ADDED' ? undefined : e.previous);
    }
    return then;
  }

  /** Whether the object at a `namespace/name` key exists now. */
  private has(key: string, k: string): boolean {
    const slash = k.indexOf('/');
    return this.buckets.get(key)?.byNamespace.get(k.slice(0, slash))?.has(k.slice(slash + 1)) ?? false;
  }

  list(key: string, namespace?: string): KubeObject[] {
    return [...this.iterate(key, namespace)];
  }

  /** Every namespace that holds objects of any namespaced resource. */
  keys(): string[] {
    return [...this.buckets.keys()];
  }

  /** Stores a new object. Fills uid and creationTimestamp if missing; stamps resourceVersion. */
  create(key: string, obj: KubeObject): KubeObject {
    const rv = ++this.rv;
    const meta = obj.metadata;
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta.resourceVersion = String(rv);
    const b = this.bucket(key);
    const ns = meta.namespace ?? '';
    let m = b.byNamespace.get(ns);
    if (!m) b.byNamespace.set(ns, (m = new Map()));
    m.set(meta.name!, obj);
    b.size++;
    b.sorted = null;
    this.record({ rv, at: this.now(), type: 'ADDED', key, object: obj });
    return obj;
  }

  /**
   * Replaces an existing object with a new one; stamps resourceVersion. An update that
   * leaves an object being deleted with no finalizers and no grace period left removes
   * it instead, as the apiserver does when the last finalizer goes: one DELETED event
   * carrying the object as updated.
   */
  update(key: string, obj: KubeObject): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const m = this.buckets.get(key)?.byNamespace.get(ns);
    const previous = m?.get(obj.metadata.name!);
    if (!m || !previous) throw new Error(`store: update of missing ${key} ${ns}/${obj.metadata.name}`);
    if (readyToGo(obj)) return this.remove(key, ns, obj.metadata.name!, obj, previous);
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    m.set(obj.metadata.name!, obj);
    this.record({ rv, at: this.now(), type: 'MODIFIED', key, object: obj, previous });
    return obj;
  }

  /** Removes an object; the DELETED event carries it with a fresh resourceVersion. */
  delete(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const ns = namespace ?? '';
    const previous = this.buckets.get(key)?.byNamespace.get(ns)?.get(name);
    if (!previous) return undefined;
    return this.remove(key, ns, name, previous, previous);
  }

  private remove(key: string, ns: string, name: string, last: KubeObject, previous: KubeObject): KubeObject {
    const b = this.buckets.get(key)!;
    const m = b.byNamespace.get(ns)!;
    m.delete(name);
    if (m.size === 0) b.byNamespace.delete(ns);
    b.size--;
    b.sorted = null;
    const rv = ++this.rv;
    const gone: KubeObject = { ...last, metadata: { ...last.metadata, resourceVersion: String(rv) } };
    this.record({ rv, at: this.now(), type: 'DELETED', key, object: gone, previous });
    return gone;
  }

  /** Deletes every object of every namespaced resource in a namespace. */
  deleteNamespaceContents(namespace: string): void {
    for (const [key, b] of this.buckets) {
      const m = b.byNamespace.get(namespace);
      if (!m || key === '/namespaces') continue;
      for (const name of [...m.keys()]) this.delete(key, namespace, name);
    }
  }

  /** Drops every object of a resource (a CRD went away). */
  dropResource(key: string): void {
    const b = this.buckets.get(key);
    if (!b) return;
    for (const [ns, m] of [...b.byNamespace]) for (const name of [...m.keys()]) this.delete(key, ns || undefined, name);
    this.buckets.delete(key);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Events after `rv`, or `'expired'` when some of them are no longer held.
   * Resuming from the current resourceVersion always works.
   */
  eventsSince(rv: number): StoreEvent[] | 'expired' {
    if (rv >= this.rv) return [];
    this.forgetOld();
    if (rv < this.oldestResumable) return 'expired';
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** The oldest resourceVersion a watch may resume from. */
  oldestResourceVersion(): number {
    this.forgetOld();
    return this.oldestResumable;
  }

  /** Forgets all history, as etcd compaction does: watches from any older resourceVersion get 410. */
  compact(): void {
    this.history = [];
    this.oldestResumable = this.rv;
  }

  /** Drops events older than the time window; a watch from before them gets 410. */
  private forgetOld(): void {
    const cutoff = this.now() - this.windowMs;
    if (this.history.length === 0 || this.history[0].at >= cutoff) return;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].at < cutoff) lo = mid + 1;
      else hi = mid;
    }
    this.oldestResumable = this.history[lo - 1].rv;
    this.history.splice(0, lo);
  }

  private record(event: StoreEvent): void {
    this.forgetOld();
    this.history.push(event);
    if (this.history.length > this.historyWindow + Math.max(1, this.historyWindow >> 2)) {
      this.history.splice(0, this.history.length - this.historyWindow);
      this.oldestResumable = this.history[0].rv - 1;
    }
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A broken watcher must never fail the write that fed it.
      }
    }
  }
}

/** Being deleted, no finalizer holding it and no grace period left: the object goes. */
function readyToGo(o: KubeObject): boolean {
  const m = o.metadata;
  return Boolean(m.deletionTimestamp) && m.deletionGracePeriodSeconds === 0 && !m.finalizers?.length;
}
