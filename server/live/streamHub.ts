import { randomUUID } from 'node:crypto';
import type { Actor } from '../../lib/actor';
import type { Row } from '../../lib/kinds/types';
import { formatPosition, formatPositions, type Delta, type Position, type StreamError } from '../../lib/live/protocol';
import type { SessionEnd, SessionWatch } from '../auth/sessionWatch';
import { HttpError } from '../http/errors';
import { StreamConnections } from '../http/streamConnections';
import { log } from '../log';
import { deliveryLag } from '../metrics';
import type { ClusterLive } from './clusterLive';
import type { KindMirror } from './kindMirror';
import { sseEvent } from './sse';
import { isVisible, resolveView, type View, type ViewRequest } from './view';

export interface HubOptions {
  perUserLimit: number;
  heartbeatMs: number;
  maxLifetimeMs: number;
  /** Bytes queued for one slow client before it is dropped. */
  maxBufferedBytes: number;
  /** Bytes queued for all clients together; over it the biggest laggards are dropped first. */
  maxTotalBufferedBytes: number;
  /** How often the total is measured. */
  budgetCheckMs?: number;
}

export interface StreamRequest extends ViewRequest {
  actor: Actor;
  /** The request id the HTTP server registered the connection under. */
  requestId: string;
  /** Aborted when the client goes away; the stream never outlives it. */
  signal: AbortSignal;
  live: ClusterLive;
  kinds: string[];
  /** One kind's stream (`/{kind}/watch`): ids are bare positions. */
  single: boolean;
  /** Where the client left off (Last-Event-ID or `since`). */
  since: Map<string, Position> | null;
}

export interface StreamInfo {
  id: string;
  actor: string;
  cluster: string;
  kinds: string[];
  namespaces: string[] | 'all';
  since: string;
}

export interface HubCounters {
  resumes: number;
  snapshots: number;
  readonly rejectedOverCap: number;
  droppedSlow: number;
  /** Dropped because the replica's total stream buffer went over its budget. */
  droppedOverBudget: number;
}

/** Bytes a stream queues before it counts as behind (the ReadableStream's high-water mark). */
const HIGH_WATER_MARK = 64 * 1024;

/** Why a stream ends, as sent in its `done` event where the client should reconnect and resume. */
const DONE_REASONS = new Set(['max-lifetime', 'shutdown', 'draining', 'cluster-removed', 'signed-out', 'overloaded']);

interface OpenStream {
  info: StreamInfo;
  close: (reason: string) => void;
  /** Bytes queued for the client: in the stream and in the connection. */
  backlog: () => number;
  /** How far behind the client is: its backlog less the snapshots still on their way (those are not lag). */
  lag: () => number;
  /** Cuts the client off at once (slow consumer). */
  drop: (why: string) => void;
}

interface KindFeed {
  token: string;
  view: View;
  mirror: KindMirror;
  release: () => void;
  /** Rows sent and still visible, tracked only under a label selector (to send `deleted` when a row stops matching). */
  visible?: Set<string>;
}

/**
 * Every SSE stream this replica serves: caps per person, the per-kind feeds
 * filtered by what the person may see, resume from a position or a fresh
 * snapshot, heartbeats, maximum lifetime, slow-consumer drop, and re-checks of
 * access whenever RBAC changes.
 */
export class StreamHub {
  private readonly streams = new Map<string, OpenStream>();
  /** The HTTP server registers (and caps) watch connections here before the route runs. */
  readonly connections: StreamConnections;
  readonly counters: HubCounters;
  private budgetTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: HubOptions,
    private readonly sessions: SessionWatch,
    signal: AbortSignal,
  ) {
    this.connections = new StreamConnections(options.perUserLimit);
    const connections = this.connections;
    this.counters = {
      resumes: 0,
      snapshots: 0,
      droppedSlow: 0,
      droppedOverBudget: 0,
      get rejectedOverCap() {
        return connections.refused;
      },
    };
    signal.addEventListener('abort', () => {
      clearInterval(this.budgetTimer);
      for (const stream of this.streams.values()) stream.close('shutdown');
    });
  }

  /** Bytes queued for all streams of this replica. */
  bufferedBytes(): number {
    let total = 0;
    for (const stream of this.streams.values()) total += stream.backlog();
    return total;
  }

  /**
   * Keeps the replica's stream buffers within their budget: when the total is
   * over it, the streams furthest behind are cut first until it is not.
   */
  private enforceBudget(): void {
    if (this.streams.size === 0) {
      clearInterval(this.budgetTimer);
      this.budgetTimer = undefined;
      return;
    }
    const backlogs = [...this.streams.values()].map((stream) => ({ stream, bytes: stream.backlog(), lag: stream.lag() }));
    let total = backlogs.reduce((sum, b) => sum + b.bytes, 0);
    if (total <= this.options.maxTotalBufferedBytes) return;
    backlogs.sort((a, b) => b.lag - a.lag);
    for (const { stream, bytes, lag } of backlogs) {
      if (total <= this.options.maxTotalBufferedBytes || lag === 0) break;
      this.counters.droppedOverBudget++;
      stream.drop(`the replica's stream buffers are over their budget and this stream was furthest behind (${lag} bytes)`);
      total -= bytes;
    }
  }

  /** Ends every stream of a cluster that is gone (`done` with reason cluster-removed). */
  closeCluster(name: string): void {
    for (const stream of this.streams.values()) if (stream.info.cluster === name) stream.close('cluster-removed');
  }

  list(): StreamInfo[] {
    return [...this.streams.values()].map((s) => s.info);
  }

  /** Opens a stream; throws HttpError (before any byte is sent) for refusals. The per-person cap is the HTTP server's. */
  async open(req: StreamRequest): Promise<ReadableStream<Uint8Array>> {
    const { actor, live } = req;
    const feeds: KindFeed[] = [];
    const errors: StreamError[] = [];
    try {
      for (const token of req.kinds) {
        const kind = live.kind(token);
        if (!kind) throw new HttpError(404, `unknown kind "${token}" in cluster "${live.cluster.name}"`);
        if (!live.streamEnabled(token)) {
          if (req.single) throw new HttpError(404, `the watch stream for ${token} is switched off on this server; poll the snapshot instead`);
          errors.push({ kind: token, code: 404, message: `the watch stream for ${token} is switched off on this server; poll the snapshot instead` });
          continue;
        }
        const view = await resolveView(live, actor, kind, req);
        errors.push(...view.errors);
        if (view.empty) continue;
        const { mirror, release } = await live.acquire(token);
        feeds.push({ token, view, mirror, release, visible: view.selector.length > 0 ? new Set() : undefined });
      }
      if (feeds.length === 0) {
        const refusal = errors.find((e) => e.code === 403);
        throw new HttpError(refusal ? 403 : 404, refusal?.message ?? errors[0]?.message ?? 'nothing to stream');
      }
      // The client may have left while access was being checked: then there is nobody to stream to.
      if (req.signal.aborted) throw new HttpError(499, 'the client went away before the stream started');
    } catch (err) {
      for (const feed of feeds) feed.release();
      throw err;
    }
    return this.start(req, feeds, errors);
  }

  private start(req: StreamRequest, feeds: KindFeed[], errors: StreamError[]): ReadableStream<Uint8Array> {
    const id = randomUUID();
    const encoder = new TextEncoder();
    const positions = new Map<string, Position>();
    const cleanups: Array<() => void> = [];
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    const { heartbeatMs, maxLifetimeMs, maxBufferedBytes } = this.options;

    const idFor = (token: string, position: Position) => {
      positions.set(token, position);
      return req.single ? formatPosition(position) : formatPositions(positions);
    };
    const close = (reason: string) => {
      if (closed) return;
      closed = true;
      for (const cleanup of cleanups) cleanup();
      for (const feed of feeds) feed.release();
      this.streams.delete(id);
      try {
        if (DONE_REASONS.has(reason)) controller.enqueue(encoder.encode(sseEvent('done', { reason })));
        controller.close();
      } catch {
        /* the client is already gone */
      }
      log.debug({ stream: id, actor: req.actor.name, reason }, 'stream closed');
    };
    // What is queued in the stream itself (beyond its high-water mark) plus what the connection holds.
    const backlog = () => (closed ? 0 : Math.max(0, HIGH_WATER_MARK - (controller.desiredSize ?? 0)) + this.connections.buffered(req.requestId));
    // Snapshot bytes still on their way are not lag: a big cluster's first snapshot may exceed the bound by itself.
    // The allowance shrinks with the backlog, so once the client has caught up it is gone.
    let allowance = 0;
    const lag = () => {
      const queued = backlog();
      allowance = Math.min(allowance, queued);
      return queued - allowance;
    };
    // A client too far behind is cut off at once: its queue is dropped with its connection, and it resumes on reconnect.
    const drop = (why: string) => {
      if (closed) return;
      log.warn({ stream: id, actor: req.actor.name, why }, 'slow consumer dropped');
      close('slow-consumer');
      this.connections.destroy(req.requestId);
    };
    const send = (text: string, { snapshot = false } = {}) => {
      if (closed) return;
      const bytes = encoder.encode(text);
      if (snapshot) allowance += bytes.byteLength;
      controller.enqueue(bytes);
      if (lag() > maxBufferedBytes) {
        this.counters.droppedSlow++;
        drop(`more than ${maxBufferedBytes} bytes behind`);
      }
    };

    const sendDelta = (feed: KindFeed, delta: Delta, epoch: string) => {
      const position = { epoch, seq: delta.seq };
      if (delta.type === 'deleted') {
        const wasVisible = feed.visible ? feed.visible.delete(delta.key.uid) : isVisible(feed.view, { namespace: delta.key.namespace });
        if (wasVisible) send(sseEvent('deleted', { kind: feed.token, key: delta.key }, idFor(feed.token, position)));
        else positions.set(feed.token, position);
        return;
      }
      const row = delta.row;
      if (isVisible(feed.view, row)) {
        const type = feed.visible && !feed.visible.has(row.uid) ? 'added' : delta.type;
        feed.visible?.add(row.uid);
        send(sseEvent(type, { kind: feed.token, row }, idFor(feed.token, position)));
      } else if (feed.visible?.delete(row.uid)) {
        // It stopped matching the selector: for this client it is gone.
        send(sseEvent('deleted', { kind: feed.token, key: { namespace: row.namespace, name: row.name, uid: row.uid } }, idFor(feed.token, position)));
      } else {
        positions.set(feed.token, position);
      }
    };

    const sendSnapshot = (feed: KindFeed) => {
      const items: Row[] = [];
      for (const row of feed.mirror.all()) {
        if (!isVisible(feed.view, row)) continue;
        items.push(row);
        feed.visible?.add(row.uid);
      }
      this.counters.snapshots++;
      send(sseEvent('snapshot', { kind: feed.token, items }, idFor(feed.token, feed.mirror.position)), { snapshot: true });
    };

    return new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
          this.streams.set(id, {
            info: {
              id,
              actor: req.actor.name,
              cluster: req.live.cluster.name,
              kinds: feeds.map((f) => f.token),
              namespaces: req.namespaces ?? 'all',
              since: new Date().toISOString(),
            },
            close,
            backlog,
            lag,
            drop,
          });
          if (!this.budgetTimer) {
            this.budgetTimer = setInterval(() => this.enforceBudget(), this.options.budgetCheckMs ?? 500);
            this.budgetTimer.unref();
          }
          // The stream lives exactly as long as the client's connection, and the person's session.
          const gone = () => close('client-gone');
          req.signal.addEventListener('abort', gone, { once: true });
          cleanups.push(() => req.signal.removeEventListener('abort', gone));
          cleanups.push(
            this.sessions.watch(req.actor.sessionId, (why: SessionEnd) => {
              // Signed out: `done` says so. A session that cannot be checked just now: the client reconnects and is checked again.
              if (why === 'unverifiable') send(sseEvent('error', { code: 503, message: 'your session could not be checked just now; reconnect to continue' }));
              close(why);
            }),
          );
          send('retry: 3000\n\n');
          for (const error of errors) send(sseEvent('error', error));
          for (const feed of feeds) {
            // Snapshot (or replay) and subscribe in the same tick: no delta can fall in between.
            const from = req.since?.get(feed.token);
            const missed = from ? feed.mirror.since(from.epoch, from.seq) : null;
            if (missed && from) {
              this.counters.resumes++;
              positions.set(feed.token, from);
              // Under a selector the client's visible set is unknown after a reconnect: a snapshot is exact.
              if (feed.visible) sendSnapshot(feed);
              else for (const delta of missed) sendDelta(feed, delta, feed.mirror.epoch);
            } else {
              sendSnapshot(feed);
            }
            cleanups.push(
              feed.mirror.subscribe((delta, at) => {
                try {
                  sendDelta(feed, delta, feed.mirror.epoch);
                  deliveryLag.observe((Date.now() - at) / 1000);
                } catch (err) {
                  log.warn({ stream: id, err: (err as Error).message }, 'could not deliver a delta');
                  close('error');
                }
              }),
            );
          }
          const heartbeat = setInterval(() => send(': ping\n\n'), heartbeatMs);
          const lifetime = setTimeout(() => close('max-lifetime'), maxLifetimeMs);
          cleanups.push(() => clearInterval(heartbeat), () => clearTimeout(lifetime));
          const resnapshot = (feed: KindFeed) => {
            if (feed.visible) feed.visible = new Set();
            sendSnapshot(feed);
          };
          cleanups.push(req.live.cluster.access.onInvalidate(() => void this.recheck(req, feeds, { send, close, resnapshot })));
        },
        cancel: () => close('client-gone'),
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
  }

  /** RBAC changed: narrow each feed to what the person may still see; refused namespaces get an error, nothing left → 403 and close. */
  private async recheck(
    req: StreamRequest,
    feeds: KindFeed[],
    { send, close, resnapshot }: { send: (text: string) => void; close: (reason: string) => void; resnapshot: (feed: KindFeed) => void },
  ): Promise<void> {
    try {
      let anyLeft = false;
      for (const feed of feeds) {
        if (feed.view.empty) continue;
        const now = await resolveView(req.live, req.actor, feed.view.kind, req);
        const old = feed.view.namespaces;
        // Access only narrows here: rows of newly allowed namespaces would arrive without their snapshot.
        const next = old === null ? now.namespaces : now.namespaces === null ? old : new Set([...old].filter((ns) => now.namespaces!.has(ns)));
        const lost: StreamError[] = feed.view.kind.namespaced
          ? old === null
            ? next === null
              ? []
              : now.errors
            : [...old].filter((ns) => !next!.has(ns)).map((ns) => now.errors.find((e) => e.namespace === ns) ?? { kind: feed.token, namespace: ns, code: 403, message: 'access revoked' })
          : now.empty
            ? now.errors
            : [];
        for (const error of lost) send(sseEvent('error', error));
        feed.view = { ...feed.view, namespaces: next, empty: feed.view.kind.namespaced ? next !== null && next.size === 0 : now.empty };
        if (!feed.view.empty) anyLeft = true;
        // Cluster-wide access narrowed to some namespaces: the others' names are not the person's to learn, so a fresh snapshot replaces the rows.
        if (old === null && next !== null && !feed.view.empty) resnapshot(feed);
      }
      if (!anyLeft) close('forbidden');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not re-check stream access');
    }
  }
}
