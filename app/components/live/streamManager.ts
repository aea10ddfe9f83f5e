'use client';

import { mutate } from 'swr';
import { formatPosition, formatPositions, parsePositions, type Position, type SseEventMap, type StreamError } from '@/lib/live/protocol';
import { backoffDelay, retryAfterMs } from '@/lib/ui/backoff';
import { DeltaBatches, nextFrame } from '@/lib/ui/deltaBatches';
import { RowSet, type RowChange } from '@/lib/ui/rowSet';
import { SseParser, type SseMessage } from '@/lib/ui/sseParser';
import { ApiError, fetchSnapshot, readError, rowsKey } from './snapshots';

function doneReason(data: string): string | undefined {
  try {
    return (JSON.parse(data) as { reason?: string }).reason;
  } catch {
    return undefined;
  }
}

/** Sends the browser to the sign-in page, to come back here afterwards. */
function toSignIn(): void {
  if (typeof window === 'undefined') return;
  const back = window.location.pathname + window.location.search;
  // A full page load on purpose: nothing of the ended session's client state should survive.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign(`/signin?callbackUrl=${encodeURIComponent(back)}`);
}

/**
 * The one live connection of a browser tab. Every kind on screen (the list, the
 * sidebar's counts, the overview) registers its interest here; the manager opens a
 * single multi-kind SSE stream for the current selection (cluster, namespaces),
 * reopens it when the set of kinds changes (resuming the kinds it already had),
 * and patches each kind's SWR cache entry in place: the deltas that arrive
 * within one frame as one batch. A kind whose snapshot a page is fetching joins
 * the stream once the snapshot is in, resuming from its position, so the rows
 * do not come twice.
 *
 * It reads the stream with fetch rather than EventSource: fetch sees the status
 * (404 switched off, 429 over the cap with Retry-After, 403) and the `: ping`
 * heartbeats, which is what lets the page say honestly how fresh it is.
 * Kinds that cannot stream are polled, producing the same RowSet.
 */

export type Mode = 'idle' | 'connecting' | 'syncing' | 'live' | 'reconnecting' | 'polling' | 'error';

/** The portal cannot see the cluster for a kind: since when (ms), why, and whether it keeps trying. */
export interface ClusterTrouble {
  state: 'reconnecting' | 'failed';
  since: number;
  reason?: string;
}

export interface KindStatus {
  mode: Mode;
  /** The portal's own connection to the cluster for this kind, when it is not synced (from `status` events). */
  cluster?: ClusterTrouble;
  /** Why the kind is polling or failed. */
  reason?: string;
  /** When the next stream attempt happens (reconnecting, polling). */
  nextAttemptAt?: number;
  pollIntervalMs?: number;
}

export interface KindDiagnostics extends KindStatus {
  kind: string;
  position?: string;
  lastEventAt?: number;
  snapshots: number;
  resumes: number;
  snapshotFallbacks: number;
  errors: StreamError[];
}

const DEFAULT_HEARTBEAT_MS = 15_000;
const POLL_FOCUSED_MS = 5_000;
const POLL_BACKGROUND_MS = 30_000;
/** After this many failed attempts in a row the kinds are polled while reconnecting goes on. */
const FAILURES_BEFORE_POLLING = 2;
const STREAM_RETRY_AFTER_404_MS = 60_000;
/** How long a kind waits for its page's snapshot before joining the stream anyway (then the stream sends the rows). */
const SNAPSHOT_WAIT_MS = 10_000;

interface KindRecord {
  status: KindStatus;
  position?: Position;
  lastEventAt?: number;
  snapshots: number;
  resumes: number;
  snapshotFallbacks: number;
  errors: StreamError[];
  pollTimer?: ReturnType<typeof setTimeout>;
  pollAbort?: AbortController;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export class StreamManager {
  private cluster = '';
  private namespaces: string[] = [];
  /** Interest counts per kind token. */
  private interest = new Map<string, number>();
  /** Kinds a list page shows: polled more often. */
  private focused = new Map<string, number>();
  private records = new Map<string, KindRecord>();
  /** Interest in only how many rows of a kind there are (navigation), per kind token. */
  private countInterest = new Map<string, number>();
  /** The latest `counts` event: rows per kind the person may see, for kinds streamed only as counts. */
  private counts = new Map<string, number>();
  /** The kinds of the open (or opening) stream. */
  private streamKinds: string[] = [];
  /** The count-only kinds of the open (or opening) stream. */
  private streamCounts: string[] = [];
  /** Bumped for every selection or connection change: answers of older generations are ignored. */
  private generation = 0;
  private abort: AbortController | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | undefined;
  /** Only the latest scheduled reopen runs. */
  private reopenTicket = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private lastActivityAt = 0;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private lastPingAt = 0;
  private listeners = new Set<() => void>();
  /** Snapshots pages are fetching, per cache key (one selection's kind), and how many fetches of each. */
  private fetching = new Map<string, number>();
  /** Where the snapshots pages fetched stand, per cache key: a stream taking the kind on resumes from there. */
  private fetchedPositions = new Map<string, Position>();
  /** Deltas waiting for the next frame, per cache key. */
  private batches = new DeltaBatches((key, changes) => void mutate(key, (cur: RowSet | undefined) => (cur ? cur.apply(changes) : cur), { revalidate: false }), nextFrame);

  // ---- subscription (useSyncExternalStore) ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** How many rows of a count-only kind the person may see, once the server has said. */
  count(kind: string): number | undefined {
    return this.counts.get(kind);
  }

  status(kind: string): KindStatus {
    return this.records.get(kind)?.status ?? IDLE;
  }

  /** Stale: the stream is open but nothing (not even a heartbeat) came for over twice the heartbeat interval. */
  isStale(now: number): boolean {
    return this.lastActivityAt > 0 && now - this.lastActivityAt > 2 * this.heartbeatMs;
  }

  heartbeatInterval(): number {
    return this.heartbeatMs;
  }

  diagnostics(): { cluster: string; namespaces: string[]; lastActivityAt: number; heartbeatMs: number; failures: number; kinds: KindDiagnostics[] } {
    return {
      cluster: this.cluster,
      namespaces: this.namespaces,
      lastActivityAt: this.lastActivityAt,
      heartbeatMs: this.heartbeatMs,
      failures: this.failures,
      kinds: [...this.records].sort(([a], [b]) => Number(this.focused.has(b)) - Number(this.focused.has(a)) || a.localeCompare(b)).map(([kind, r]) => ({
        kind,
        ...r.status,
        position: r.position ? formatPosition(r.position) : undefined,
        lastEventAt: r.lastEventAt,
        snapshots: r.snapshots,
        resumes: r.resumes,
        snapshotFallbacks: r.snapshotFallbacks,
        errors: r.errors,
      })),
    };
  }

  // ---- what is on screen ----

  /** The selection every kind is streamed for. A change drops all state of the previous one. */
  select(cluster: string, namespaces: readonly string[]): void {
    const ns = [...namespaces].sort();
    if (cluster === this.cluster && sameList(ns, this.namespaces)) return;
    this.cluster = cluster;
    this.namespaces = ns;
    this.closeStream();
    for (const r of this.records.values()) this.stopPolling(r);
    this.records.clear();
    this.counts.clear();
    this.failures = 0;
    this.scheduleReopen();
    this.notify();
  }

  /** Registers kinds as on screen; returns the release function. */
  watch(kinds: readonly string[], { focused = false } = {}): () => void {
    for (const k of kinds) {
      this.interest.set(k, (this.interest.get(k) ?? 0) + 1);
      if (focused) this.focused.set(k, (this.focused.get(k) ?? 0) + 1);
    }
    this.scheduleReopen();
    return () => {
      for (const k of kinds) {
        const n = (this.interest.get(k) ?? 1) - 1;
        if (n <= 0) this.interest.delete(k);
        else this.interest.set(k, n);
        if (focused) {
          const f = (this.focused.get(k) ?? 1) - 1;
          if (f <= 0) this.focused.delete(k);
          else this.focused.set(k, f);
        }
      }
      this.scheduleReopen();
    };
  }

  /** Registers kinds whose count is on screen (not their rows): they ride the stream as `counts` events. */
  watchCounts(kinds: readonly string[]): () => void {
    for (const k of kinds) this.countInterest.set(k, (this.countInterest.get(k) ?? 0) + 1);
    this.scheduleReopen();
    return () => {
      for (const k of kinds) {
        const n = (this.countInterest.get(k) ?? 1) - 1;
        if (n <= 0) this.countInterest.delete(k);
        else this.countInterest.set(k, n);
      }
      this.scheduleReopen();
    };
  }

  /**
   * A page starts fetching the snapshot of a kind: the stream takes that kind on
   * once it is in (or has failed, or SNAPSHOT_WAIT_MS passed), resuming from its
   * position. Returns what to call with the snapshot (null: none came).
   */
  snapshotStarted(cluster: string, kind: string, namespaces: readonly string[]): (rows: RowSet | null) => void {
    const key = rowsKey(cluster, kind, [...namespaces].sort());
    this.fetching.set(key, (this.fetching.get(key) ?? 0) + 1);
    let waiting = true;
    const stopWaiting = () => {
      if (!waiting) return;
      waiting = false;
      clearTimeout(timer);
      const n = (this.fetching.get(key) ?? 1) - 1;
      if (n <= 0) this.fetching.delete(key);
      else this.fetching.set(key, n);
      this.scheduleReopen();
    };
    const timer = setTimeout(stopWaiting, SNAPSHOT_WAIT_MS);
    return (rows) => {
      // Kept by cache key, not by kind: the answer may come before the page has told the manager its selection.
      if (rows?.epoch) this.fetchedPositions.set(key, { epoch: rows.epoch, seq: rows.seq });
      stopWaiting();
    };
  }

  private scheduleReopen(): void {
    clearTimeout(this.reopenTimer);
    const ticket = ++this.reopenTicket;
    // Registrations of one render arrive together: reopen once for all of them. After the next frame too:
    // a page showing rows kept from an earlier visit starts fetching them again in its first frame, and the kind waits for that.
    this.reopenTimer = setTimeout(() => nextFrame(() => ticket === this.reopenTicket && this.reconcile()), 30);
  }

  private wanted(): string[] {
    return [...this.interest.keys()].sort();
  }

  /** Count-only kinds: those whose rows are not streamed anyway (a streamed kind's count is its rows). */
  private wantedCounts(): string[] {
    return [...this.countInterest.keys()].filter((k) => !this.interest.has(k)).sort();
  }

  private record(kind: string): KindRecord {
    let r = this.records.get(kind);
    if (!r) {
      r = { status: { mode: 'connecting' }, snapshots: 0, resumes: 0, snapshotFallbacks: 0, errors: [] };
      this.records.set(kind, r);
    }
    return r;
  }

  private setStatus(kind: string, status: KindStatus): void {
    const r = this.record(kind);
    const prev = r.status;
    if (prev.mode === status.mode && prev.reason === status.reason && prev.nextAttemptAt === status.nextAttemptAt && prev.pollIntervalMs === status.pollIntervalMs) return;
    // The cluster's state is the server's to change (by `status` events), not the browser connection's.
    r.status = prev.cluster ? { ...status, cluster: prev.cluster } : status;
    this.notify();
  }

  private setClusterTrouble(kind: string, trouble: ClusterTrouble | undefined): void {
    const r = this.record(kind);
    const prev = r.status.cluster;
    if (prev === trouble || (prev && trouble && prev.state === trouble.state && prev.since === trouble.since && prev.reason === trouble.reason)) return;
    const { cluster: _old, ...rest } = r.status;
    r.status = trouble ? { ...rest, cluster: trouble } : rest;
    this.notify();
  }

  /** The worst trouble any kind on screen reports about the cluster (the oldest of the worst), or undefined when all are synced. */
  clusterTrouble(): ClusterTrouble | undefined {
    let worst: ClusterTrouble | undefined;
    for (const r of this.records.values()) {
      const t = r.status.cluster;
      if (t && (!worst || (t.state === 'failed' && worst.state !== 'failed') || (t.state === worst.state && t.since < worst.since))) worst = t;
    }
    return worst;
  }

  private reconcile(): void {
    const wanted = this.wanted();
    for (const [kind, r] of this.records) {
      if (!this.interest.has(kind)) {
        this.stopPolling(r);
        this.records.delete(kind);
      }
    }
    const wantedCounts = this.wantedCounts();
    if (!this.cluster || (wanted.length === 0 && wantedCounts.length === 0)) {
      this.closeStream();
      this.notify();
      return;
    }
    // A kind whose snapshot is on its way joins when it is in (snapshotStarted reconciles again); the open stream goes on meanwhile.
    if (wanted.some((k) => !this.streamKinds.includes(k) && this.fetching.has(rowsKey(this.cluster, k, this.namespaces)))) return;
    if (sameList(wanted, this.streamKinds) && sameList(wantedCounts, this.streamCounts) && (this.abort || this.retryTimer)) return;
    this.closeStream();
    this.streamKinds = wanted;
    this.streamCounts = wantedCounts;
    void this.connect();
  }

  private closeStream(): void {
    this.generation++;
    this.abort?.abort();
    this.abort = null;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.streamKinds = [];
    this.streamCounts = [];
    this.lastActivityAt = 0;
  }

  // ---- the stream ----

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    const kinds = this.streamKinds;
    const cluster = this.cluster;
    const namespaces = this.namespaces;
    const abort = new AbortController();
    this.abort = abort;
    this.retryTimer = undefined;
    for (const k of kinds) {
      const r = this.record(k);
      if (r.status.mode !== 'polling') this.setStatus(k, { mode: this.failures > 0 ? 'reconnecting' : 'connecting' });
    }

    const since = new Map<string, Position>();
    for (const k of kinds) {
      // A kind's position: what its stream delivered last, else the snapshot its page fetched (kept in the record, so a reopen before any event resumes from it too).
      const key = rowsKey(cluster, k, namespaces);
      const r = this.record(k);
      r.position ??= this.fetchedPositions.get(key);
      this.fetchedPositions.delete(key);
      if (r.position) since.set(k, r.position);
    }
    const params = new URLSearchParams({ kinds: kinds.join(',') });
    if (this.streamCounts.length > 0) params.set('counts', this.streamCounts.join(','));
    if (namespaces.length > 0) params.set('namespaces', namespaces.join(','));
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (since.size > 0) headers['Last-Event-ID'] = formatPositions(since);

    let res: Response;
    try {
      res = await fetch(`/api/clusters/${encodeURIComponent(cluster)}/watch?${params}`, { headers, signal: abort.signal, cache: 'no-store' });
    } catch {
      if (gen === this.generation) this.failed(gen, 'the stream could not be reached');
      return;
    }
    if (gen !== this.generation) return;
    if (!res.ok || !res.body) {
      const err = await readError(res);
      if (gen !== this.generation) return;
      if (res.status === 401) {
        // Signed out (here or in another tab) or the session expired: sign in again, then come back.
        toSignIn();
        return;
      }
      if (res.status === 404 || res.status === 429) {
        const wait = res.status === 429 ? retryAfterMs(err.retryAfter, 30_000) : STREAM_RETRY_AFTER_404_MS;
        this.retryLater(gen, wait);
        for (const k of kinds) this.startPolling(k, res.status === 429 ? `over the stream limit (429): ${err.message}` : 'the watch stream is switched off on the server (404); polling the snapshot', Date.now() + wait);
        return;
      }
      if (res.status === 403 || res.status === 400) {
        for (const k of kinds) {
          this.setStatus(k, { mode: 'error', reason: err.message });
          this.startPolling(k, err.message, Date.now() + STREAM_RETRY_AFTER_404_MS, 'error');
        }
        this.retryLater(gen, STREAM_RETRY_AFTER_404_MS);
        return;
      }
      this.failed(gen, err.message);
      return;
    }

    // Open.
    this.lastActivityAt = Date.now();
    const seen = new Set<string>();
    const connErrors = new Map<string, StreamError[]>();
    const switchedOff = new Set<string>();
    let done = false;
    const parser = new SseParser({
      message: (m) => {
        if (gen !== this.generation) return;
        this.lastActivityAt = Date.now();
        if (m.event === 'done') {
          done = true;
          if (doneReason(m.data) === 'signed-out') toSignIn();
        }
        else this.onMessage(m, cluster, namespaces, since, seen, connErrors, switchedOff);
      },
      comment: (text) => {
        if (gen !== this.generation) return;
        const now = Date.now();
        if (text === 'ping') {
          // Learn the server's heartbeat from two pings in a row on a quiet stream.
          if (this.lastPingAt > 0 && now - this.lastPingAt > 200) this.heartbeatMs = Math.min(DEFAULT_HEARTBEAT_MS, Math.max(500, now - this.lastPingAt));
          this.lastPingAt = now;
        }
        this.lastActivityAt = now;
      },
    });
    this.failures = 0;
    for (const k of kinds) {
      const r = this.record(k);
      if (!switchedOff.has(k)) {
        this.stopPolling(r);
        this.setStatus(k, { mode: 'live' });
      }
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended || gen !== this.generation) break;
        parser.push(value);
      }
    } catch {
      /* aborted, or the connection broke */
    }
    if (gen !== this.generation) return;
    this.abort = null;
    this.lastPingAt = 0;
    if (done) {
      // The server ended the stream (maximum lifetime, draining, overloaded): resume at once, here or on another replica.
      void this.connect();
      return;
    }
    this.failed(gen, 'the stream was interrupted');
  }

  private onMessage(
    m: SseMessage,
    cluster: string,
    namespaces: string[],
    since: Map<string, Position>,
    seen: Set<string>,
    connErrors: Map<string, StreamError[]>,
    switchedOff: Set<string>,
  ): void {
    if (m.event === 'status') {
      try {
        const status = JSON.parse(m.data) as SseEventMap['status'];
        if (status.state === 'syncing') this.setStatus(status.kind, { mode: 'syncing', reason: 'the portal is loading this kind from the cluster; its rows follow' });
        else if (status.state === 'synced') this.setClusterTrouble(status.kind, undefined);
        else this.setClusterTrouble(status.kind, { state: status.state, since: Date.parse(status.since) || Date.now(), reason: status.reason });
      } catch {
        return;
      }
      return;
    }
    if (m.event === 'counts') {
      try {
        this.counts = new Map(Object.entries(JSON.parse(m.data) as SseEventMap['counts']));
      } catch {
        return;
      }
      this.notify();
      return;
    }
    // Any of the row events' payloads (the shapes are the server's, from the shared protocol).
    let data: Partial<SseEventMap['snapshot'] & SseEventMap['added'] & SseEventMap['deleted'] & StreamError>;
    try {
      data = JSON.parse(m.data) as typeof data;
    } catch {
      return;
    }
    const kind = data.kind;
    if (m.event === 'error') {
      if (!kind) {
        // The whole stream is being closed (e.g. it fell behind): the read loop reconnects.
        return;
      }
      const error: StreamError = { kind, namespace: data.namespace, code: data.code ?? 0, message: data.message ?? '' };
      const r = this.record(kind);
      r.errors = [...r.errors.filter((e) => (e.namespace ?? '') !== (error.namespace ?? '')), error];
      connErrors.set(kind, [...(connErrors.get(kind) ?? []).filter((e) => (e.namespace ?? '') !== (error.namespace ?? '')), error]);
      if (!error.namespace && error.code === 404) {
        switchedOff.add(kind);
        this.startPolling(kind, error.message, Date.now() + STREAM_RETRY_AFTER_404_MS);
      } else if (!error.namespace) {
        this.setStatus(kind, { mode: 'error', reason: error.message });
        this.batches.flushKey(rowsKey(cluster, kind, namespaces));
        void mutate(rowsKey(cluster, kind, namespaces), (cur: RowSet | undefined) => (cur ?? RowSet.empty()).withError(error), { revalidate: false });
      } else {
        this.batches.flushKey(rowsKey(cluster, kind, namespaces));
        void mutate(rowsKey(cluster, kind, namespaces), (cur: RowSet | undefined) => (cur ? cur.withError(error) : cur), { revalidate: false });
      }
      this.notify();
      return;
    }
    if (!kind) return;
    const positions = m.id ? parsePositions(m.id) : null;
    const position = positions?.get(kind);
    const r = this.record(kind);
    r.lastEventAt = Date.now();
    if (position) r.position = position;
    const key = rowsKey(cluster, kind, namespaces);
    const first = !seen.has(kind);
    seen.add(kind);
    if (m.event === 'snapshot') {
      if (r.status.mode === 'syncing') this.setStatus(kind, { mode: 'live' });
      if (since.has(kind)) r.snapshotFallbacks++;
      else r.snapshots++;
      const set = RowSet.fromSnapshot({ epoch: position?.epoch, seq: position?.seq, items: data.items ?? [] }, connErrors.get(kind) ?? []);
      this.batches.drop(key);
      void mutate(key, set, { revalidate: false });
      return;
    }
    if (first && since.has(kind)) r.resumes++;
    const epoch = position?.epoch;
    const seq = position?.seq;
    let change: RowChange | null = null;
    if (m.event === 'deleted' && data.key) change = { type: 'remove', key: data.key, epoch, seq };
    else if ((m.event === 'added' || m.event === 'modified') && data.row) change = { type: 'upsert', row: data.row, epoch, seq };
    if (change) this.batches.add(key, change);
  }

  private failed(gen: number, reason: string): void {
    if (gen !== this.generation) return;
    this.abort = null;
    const delay = backoffDelay(this.failures);
    this.failures++;
    const nextAttemptAt = Date.now() + delay;
    for (const k of this.streamKinds) {
      if (this.failures > FAILURES_BEFORE_POLLING) this.startPolling(k, `stream unavailable: ${reason}`, nextAttemptAt);
      else this.setStatus(k, { mode: 'reconnecting', reason, nextAttemptAt });
    }
    this.retryLater(gen, delay);
  }

  private retryLater(gen: number, delay: number): void {
    if (gen !== this.generation) return;
    this.abort = null;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (gen !== this.generation) return;
      void this.connect();
    }, delay);
  }

  // ---- polling ----

  private startPolling(kind: string, reason: string, nextAttemptAt: number, mode: Mode = 'polling'): void {
    const r = this.record(kind);
    const interval = this.focused.has(kind) ? POLL_FOCUSED_MS : POLL_BACKGROUND_MS;
    this.setStatus(kind, { mode, reason, nextAttemptAt, pollIntervalMs: interval });
    if (r.pollTimer || r.pollAbort) return;
    const cluster = this.cluster;
    const namespaces = this.namespaces;
    const tick = async () => {
      r.pollTimer = undefined;
      if (this.records.get(kind) !== r || cluster !== this.cluster) return;
      const abort = new AbortController();
      r.pollAbort = abort;
      try {
        const set = await fetchSnapshot(cluster, kind, namespaces, abort.signal);
        if (this.records.get(kind) !== r || abort.signal.aborted) return;
        r.lastEventAt = Date.now();
        r.position = set.epoch ? { epoch: set.epoch, seq: set.seq } : r.position;
        r.errors = [...set.errors];
        this.batches.flushKey(rowsKey(cluster, kind, namespaces));
        void mutate(rowsKey(cluster, kind, namespaces), (cur: RowSet | undefined) => (cur && set.epoch && cur.covers(set.epoch, set.seq) ? cur : set), { revalidate: false });
      } catch (err) {
        if (abort.signal.aborted) return;
        if (err instanceof ApiError) r.errors = [{ kind, code: err.status, message: err.message }];
      } finally {
        if (r.pollAbort === abort) r.pollAbort = undefined;
      }
      if (this.records.get(kind) !== r || (r.status.mode !== 'polling' && r.status.mode !== 'error')) return;
      r.pollTimer = setTimeout(() => void tick(), this.focused.has(kind) ? POLL_FOCUSED_MS : POLL_BACKGROUND_MS);
    };
    r.pollTimer = setTimeout(() => void tick(), 0);
  }

  private stopPolling(r: KindRecord): void {
    clearTimeout(r.pollTimer);
    r.pollTimer = undefined;
    r.pollAbort?.abort();
    r.pollAbort = undefined;
  }
}

const IDLE: KindStatus = { mode: 'idle' };

let instance: StreamManager | null = null;

/** The tab's stream manager (created on first use in the browser). */
export function streamManager(): StreamManager {
  if (!instance) instance = new StreamManager();
  return instance;
}
