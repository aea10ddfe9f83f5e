import { randomUUID } from 'node:crypto';
import type { Actor } from '../../lib/actor';
import type { Row } from '../../lib/kinds/types';
import { formatPosition, formatPositions, type Delta, type Position, type StreamError } from '../../lib/live/protocol';
import { HttpError } from '../http/errors';
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
}

export interface StreamRequest extends ViewRequest {
  actor: Actor;
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
  rejectedOverCap: number;
  droppedSlow: number;
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
  private readonly streams = new Map<string, { info: StreamInfo; close: (reason: string) => void }>();
  private readonly perUser = new Map<string, number>();
  readonly counters: HubCounters = { resumes: 0, snapshots: 0, rejectedOverCap: 0, droppedSlow: 0 };

  constructor(
    private readonly options: HubOptions,
    signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => {
      for (const stream of this.streams.values()) stream.close('shutdown');
    });
  }

  /** Ends every stream of a cluster that is gone (`done` with reason cluster-removed). */
  closeCluster(name: string): void {
    for (const stream of this.streams.values()) if (stream.info.cluster === name) stream.close('cluster-removed');
  }

  list(): StreamInfo[] {
    return [...this.streams.values()].map((s) => s.info);
  }

  countFor(user: string): number {
    return this.perUser.get(user) ?? 0;
  }

  /** Opens a stream; throws HttpError (before any byte is sent) for caps and refusals. */
  async open(req: StreamRequest): Promise<ReadableStream<Uint8Array>> {
    const { actor, live } = req;
    const limit = this.options.perUserLimit;
    if (limit > 0 && this.countFor(actor.name) >= limit) {
      this.counters.rejectedOverCap++;
      throw new HttpError(429, `you already have ${limit} live streams open; close some tabs or wait`, { 'Retry-After': '10' });
    }
    // Count the stream from now, so concurrent opens cannot pass the cap together.
    this.perUser.set(actor.name, this.countFor(actor.name) + 1);
    let counted = true;
    const uncount = () => {
      if (!counted) return;
      counted = false;
      const n = this.countFor(actor.name) - 1;
      if (n <= 0) this.perUser.delete(actor.name);
      else this.perUser.set(actor.name, n);
    };

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
    } catch (err) {
      for (const feed of feeds) feed.release();
      uncount();
      throw err;
    }
    return this.start(req, feeds, errors, uncount);
  }

  private start(req: StreamRequest, feeds: KindFeed[], errors: StreamError[], uncount: () => void): ReadableStream<Uint8Array> {
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
      uncount();
      try {
        if (reason === 'max-lifetime' || reason === 'shutdown' || reason === 'cluster-removed') controller.enqueue(encoder.encode(sseEvent('done', { reason })));
        controller.close();
      } catch {
        /* the client is already gone */
      }
      log.debug({ stream: id, actor: req.actor.name, reason }, 'stream closed');
    };
    const send = (text: string) => {
      if (closed) return;
      controller.enqueue(encoder.encode(text));
      if ((controller.desiredSize ?? 0) < -maxBufferedBytes) {
        this.counters.droppedSlow++;
        log.warn({ stream: id, actor: req.actor.name }, 'slow consumer dropped');
        controller.enqueue(encoder.encode(sseEvent('error', { code: 503, message: 'this stream fell too far behind and was closed; reconnect to resume' })));
        close('slow-consumer');
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
      send(sseEvent('snapshot', { kind: feed.token, items }, idFor(feed.token, feed.mirror.position)));
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
          });
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
          cleanups.push(req.live.cluster.access.onInvalidate(() => void this.recheck(req, feeds, send, close)));
        },
        cancel: () => close('client-gone'),
      },
      { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
    );
  }

  /** RBAC changed: narrow each feed to what the person may still see; refused namespaces get an error, nothing left → 403 and close. */
  private async recheck(req: StreamRequest, feeds: KindFeed[], send: (text: string) => void, close: (reason: string) => void): Promise<void> {
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
      }
      if (!anyLeft) close('forbidden');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not re-check stream access');
    }
  }
}
