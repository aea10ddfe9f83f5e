import { MemoryLimits, type Limits } from '../limits';
import { flattenHead, flatUuid } from '../http/flatText';
import type { ServerResponse } from 'node:http';
import type { Actor } from '../../lib/actor';
import { formatPosition, formatPositions, type KindHealth, type Position, type StreamError } from '../../lib/live/protocol';
import type { SessionEnd, SessionWatch } from '../auth/sessionWatch';
import { HttpError } from '../http/errors';
import { StreamConnections } from '../http/streamConnections';
import { log } from '../log';
import { deliveryLag } from '../metrics';
import { Channel } from './channel';
import type { ClusterLive } from './clusterLive';
import { deltaFrame } from './deltaFrame';
import { FanoutGroup, viewKey } from './fanoutGroup';
import { LoopMonitor } from './loopMonitor';
import { sseBody, sseEvent, SSE_HEADERS } from './sse';
import { SseStream, type StreamFeed, type StreamHooks } from './sseStream';
import { resolveView, type ViewRequest } from './view';

export interface HubOptions {
  perUserLimit: number;
  /** Where the per-person stream cap is counted (this replica, or the fleet). */
  limits?: Limits;
  heartbeatMs: number;
  maxLifetimeMs: number;
  /** Bytes one client may fall behind (beyond snapshots on their way) before it is cut. */
  maxBufferedBytes: number;
  /** Bytes queued for all clients together; over it the clients furthest behind are cut first. */
  maxTotalBufferedBytes: number;
  /** Frames produced within this window go out to a client as one write. */
  coalesceMs?: number;
  /** The event loop may be held this long by one flush pass before the rest waits for the next turn. */
  flushSliceMs?: number;
  /** Event-loop lag over this, sustained, sheds the streams furthest behind (`done`: overloaded). */
  maxLoopLagMs?: number;
  /** A stream whose oldest change not yet written waited longer than this is told to reconnect (`done`: overloaded). */
  maxDelayMs?: number;
  /** `counts` events go out at most this often per stream. */
  countsIntervalMs?: number;
}

export interface StreamRequest extends ViewRequest {
  actor: Actor;
  live: ClusterLive;
  kinds: string[];
  /** Kinds to send only counts of (throttled `counts` events), for navigation. */
  counts: string[];
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
  /** Bytes the client is behind (queued beyond snapshots on their way), when listed. */
  behindBytes?: number;
}

export interface HubCounters {
  resumes: number;
  snapshots: number;
  readonly rejectedOverCap: number;
  droppedSlow: number;
  /** Cut because the replica's total stream buffer went over its budget. */
  droppedOverBudget: number;
  /** Ended with `done: overloaded` because the event loop fell behind. */
  shedOverloaded: number;
  /** Ended with `done: overloaded` because the changes for the client waited longer than `maxDelayMs`. */
  shedLate: number;
}

const RETRY = Buffer.from('retry: 3000\n\n');

function statusEvent(kind: string, health: KindHealth): string {
  return sseEvent('status', { kind, ...health });
}
/** How long a stream waits for a kind's first sync before it opens with `syncing` for it. */
const STREAM_SYNC_WAIT_MS = 250;
/** The widest a coalescing window gets under load. */
const MAX_COALESCE_MS = 40;

/**
 * Less than this queued for a client is keeping up: while the event loop is held (a large list from the API
 * server, a burst of changes) even a client that reads at once has its heartbeats and latest frames waiting.
 */
export const SHED_MIN_LAG_BYTES = 64 * 1024;

/**
 * Which streams an overloaded replica tells to reconnect: the tenth (at least one) furthest behind, of those
 * really behind. `behind` is sorted, furthest first. A stream that keeps up is never shed: ending it frees
 * nothing, and a stream still waiting for its first snapshot would never get one.
 */
export function shedVictims<T extends { stream: { state: string }; lag: number }>(behind: T[], streams: number): T[] {
  const count = Math.max(1, Math.ceil(streams / 10));
  return behind.filter((b) => b.stream.state === 'open' && b.lag >= SHED_MIN_LAG_BYTES).slice(0, count);
}

/**
 * Every SSE stream this replica serves. A stream is opened once the person's
 * views are resolved (access reviews, per kind), then fed by fan-out groups:
 * streams that see the same rows of a kind share one serialisation of each
 * delta, appended once to the log of each channel (the streams with the same
 * feeds), where each stream has only a cursor: the work per delta does not
 * grow with the streams. Each stream is written once per coalescing window,
 * in slices that never hold the event loop for long. Housekeeping on one timer: heartbeats, maximum lifetime, the
 * replica's buffer budget and load shedding. Access is re-checked whenever
 * RBAC changes; sign-out and a lost connection end a stream at once.
 */
export class StreamHub {
  private readonly streams = new Map<string, { stream: SseStream; info: StreamInfo }>();
  private readonly groups = new Map<string, FanoutGroup>();
  private readonly channels = new Map<string, Channel>();
  /** The HTTP server registers (and caps) watch connections here before the stream opens. */
  readonly connections: StreamConnections;
  readonly counters: HubCounters;
  readonly loop: LoopMonitor;
  /** Streams with something of their own to write, and channels with new deltas for their streams. */
  private readonly dirty = new Set<SseStream>();
  private readonly dirtyChannels = new Set<Channel>();
  private flushScheduled = false;
  /** Open streams per kind. */
  private readonly openKinds = new Map<string, number>();
  private housekeeping: NodeJS.Timeout | undefined;
  private overloadedSince = 0;
  /** When streams were last shed for being too far behind in time. */
  private lastLateShedAt = 0;
  private lastCountsAt = 0;
  /** How long the last complete flush pass took (its slices included). */
  private lastPassMs = 0;
  private lastPassEndedAt = 0;
  /** What every stream tells the hub: one object for all of them. */
  private readonly hooks: StreamHooks = {
    dirty: (s) => this.markDirty(s),
    overflow: (s) => {
      this.counters.droppedSlow++;
      this.cut(s, `more than ${this.options.maxBufferedBytes} bytes behind`);
    },
    closed: (s, reason) => {
      const entry = this.streams.get(s.id);
      if (entry) {
        this.streams.delete(s.id);
        for (const kind of entry.info.kinds) {
          const left = (this.openKinds.get(kind) ?? 1) - 1;
          if (left > 0) this.openKinds.set(kind, left);
          else this.openKinds.delete(kind);
        }
      }
      this.dirty.delete(s);
      log.debug({ stream: s.id, actor: s.actor.name, reason }, 'stream closed');
    },
  };

  constructor(
    private readonly options: HubOptions,
    private readonly sessions: SessionWatch,
    signal: AbortSignal,
  ) {
    this.connections = new StreamConnections(options.perUserLimit, options.limits ?? new MemoryLimits());
    const connections = this.connections;
    this.counters = {
      resumes: 0,
      snapshots: 0,
      droppedSlow: 0,
      droppedOverBudget: 0,
      shedOverloaded: 0,
      shedLate: 0,
      get rejectedOverCap() {
        return connections.refused;
      },
    };
    this.loop = new LoopMonitor(signal);
    signal.addEventListener('abort', () => {
      clearInterval(this.housekeeping);
      for (const { stream } of [...this.streams.values()]) stream.close('draining', 'draining');
    });
  }

  /** Ends every stream of a cluster that is gone (`done` with reason cluster-removed). */
  closeCluster(name: string): void {
    for (const { stream } of [...this.streams.values()]) if (stream.cluster === name) stream.close('cluster-removed', 'cluster-removed');
  }

  list(): StreamInfo[] {
    return [...this.streams.values()].map((s) => ({ ...s.info, behindBytes: s.stream.lag() }));
  }

  /** Open streams per kind they carry, kept as streams open and close (a scrape walks no stream). */
  openByKind(): ReadonlyMap<string, number> {
    return this.openKinds;
  }

  /** Bytes queued for all streams of this replica: each stream's own, and the channels' logs (shared by their streams). */
  bufferedBytes(): number {
    let total = 0;
    for (const { stream } of this.streams.values()) total += stream.ownBytes();
    for (const channel of this.channels.values()) total += channel.heldBytes;
    return total;
  }

  /** Streams sharing a fan-out group, per group: how well serialisation is shared. */
  groupSizes(): number[] {
    return [...this.groups.values()].map((g) => g.size);
  }

  /**
   * Opens a stream on `res`: resolves what the person may see of each kind
   * (throws HttpError, before any byte is written, for refusals), then answers
   * with the SSE head and serves until the client, the person's access or
   * the stream's lifetime ends. The per-person cap is the HTTP server's.
   */
  async open(req: StreamRequest, res: ServerResponse): Promise<void> {
    const { actor, live } = req;
    const feeds: StreamFeed[] = [];
    const countFeeds: StreamFeed[] = [];
    const errors: StreamError[] = [];
    try {
      for (const token of req.kinds) {
        const kind = await live.kindFor(actor, token);
        if (!live.streamEnabled(token)) {
          if (req.single) throw new HttpError(404, `the watch stream for ${token} is switched off on this server; poll the snapshot instead`);
          errors.push({ kind: token, code: 404, message: `the watch stream for ${token} is switched off on this server; poll the snapshot instead` });
          continue;
        }
        const view = await resolveView(live, actor, kind, req);
        errors.push(...view.errors);
        if (view.empty) continue;
        // A kind still loading does not hold the stream up: it says `syncing`, and its snapshot follows when it is ready.
        const { mirror, release } = await live.acquire(token, { allowUnsynced: true, syncWaitMs: STREAM_SYNC_WAIT_MS });
        feeds.push({ token, view, mirror, release });
      }
      const counted = await this.countFeeds(req);
      countFeeds.push(...counted.feeds);
      // Kinds the person may not list at all are said so (with Kubernetes' reason), so navigation shows "not permitted", not 0.
      errors.push(...counted.refusals);
      if (feeds.length === 0 && (req.kinds.length > 0 || countFeeds.length === 0)) {
        const refusal = errors.find((e) => e.code === 403);
        throw new HttpError(refusal ? 403 : 404, refusal?.message ?? errors[0]?.message ?? 'nothing to stream');
      }
      // The client may have left while access was being checked: then there is nobody to stream to.
      if (res.closed || res.destroyed) throw new HttpError(499, 'the client went away before the stream started');
    } catch (err) {
      for (const feed of [...feeds, ...countFeeds]) feed.release();
      throw err;
    }
    this.start(req, res, feeds, countFeeds, errors);
  }

  /**
   * The kinds to count: those the person may list, started without waiting
   * for their first sync (a kind still syncing has no count yet); and the
   * refusals of those they may not list anywhere asked for.
   */
  private async countFeeds(req: StreamRequest): Promise<{ feeds: StreamFeed[]; refusals: StreamError[] }> {
    const tokens = req.counts.filter((token) => !req.kinds.includes(token) && req.live.streamEnabled(token));
    const refusals: StreamError[] = [];
    const feeds = await Promise.all(
      tokens.map(async (token): Promise<StreamFeed | null> => {
        const kind = await req.live.kindFor(req.actor, token).catch(() => null);
        if (!kind) return null;
        const view = await resolveView(req.live, req.actor, kind, { namespaces: req.namespaces, selector: [] });
        if (view.empty) {
          const reason = view.errors[0]?.message;
          if (reason) refusals.push({ kind: token, code: 403, message: reason });
          return null;
        }
        const acquired = await req.live.acquire(token, { allowUnsynced: true }).catch(() => null);
        return acquired && { token, view, mirror: acquired.mirror, release: acquired.release };
      }),
    );
    return { feeds: feeds.filter((feed): feed is StreamFeed => feed !== null), refusals };
  }

  private start(req: StreamRequest, res: ServerResponse, feeds: StreamFeed[], countFeeds: StreamFeed[], errors: StreamError[]): void {
    const id = flatUuid();
    res.writeHead(200, SSE_HEADERS);
    flattenHead(res);
    res.socket?.setNoDelay(true);
    const stream = new SseStream(id, req.actor, req.live.cluster.name, feeds, req.single, res, this.options.maxBufferedBytes, this.hooks);
    const info: StreamInfo = { id, actor: req.actor.name, cluster: req.live.cluster.name, kinds: feeds.map((f) => f.token), namespaces: req.namespaces ?? 'all', since: new Date().toISOString() };
    this.streams.set(id, { stream, info });
    for (const kind of info.kinds) this.openKinds.set(kind, (this.openKinds.get(kind) ?? 0) + 1);
    this.ensureHousekeeping();

    // The stream lives exactly as long as the client's connection (it was open a moment ago: checked after the last await), and the person's session.
    res.once('close', () => stream.gone());
    stream.onEnd(
      this.sessions.watch(req.actor.sessionId, (why: SessionEnd) => {
        // Signed out: `done` says so. A session that cannot be checked just now: the client reconnects and is checked again.
        // Past its lifetime: over just as much; the client signs in again.
        if (why === 'signed-out' || why === 'expired') return stream.close(why, 'signed-out');
        stream.pushText(sseEvent('error', { code: 503, message: 'your session could not be checked just now; reconnect to continue' }));
        stream.close(why);
      }, req.actor.sessionEndsAt),
    );
    stream.countFeeds = countFeeds;
    // Every change of the cluster connection of a kind goes out as it happens.
    for (const feed of feeds) stream.onEnd(feed.mirror.onHealth((health) => stream.pushText(statusEvent(feed.token, health))));
    stream.onEnd(() => {
      for (const feed of feeds) feed.release();
      for (const feed of stream.countFeeds) feed.release();
    });

    this.sendOpening(stream, errors, req.since);
    stream.onEnd(req.live.cluster.access.onInvalidate(() => void this.recheck(req, stream)));
  }

  /**
   * What a stream opens with: `retry`, refusals, then per kind its replay or
   * snapshot, and counts. Kept out of `start` so its working state (the ids
   * so far) is not held for the stream's whole life by the closures there.
   */
  private sendOpening(stream: SseStream, errors: StreamError[], since: Map<string, Position> | null): void {
    stream.push(RETRY);
    for (const error of errors) stream.pushText(sseEvent('error', error));
    // While the feeds are attached one by one, each id names only what has been queued so far.
    const delivered = new Map<string, Position>();
    for (const feed of stream.feeds) {
      const from = since?.get(feed.token);
      if (from) delivered.set(feed.token, from);
    }
    const idFor = (token: string, position: Position) => {
      delivered.set(token, position);
      return stream.single ? formatPosition(position) : formatPositions(delivered);
    };
    for (const feed of stream.feeds) this.attach(stream, feed, since?.get(feed.token), idFor);
    this.sendCounts(stream);
  }

  /**
   * Joins a feed to its fan-out group and sends what the client needs first:
   * the deltas it missed when they are still held (and its view needs no
   * memory of what was sent), else a snapshot. Both happen in the same tick as
   * the join, so no delta can fall in between.
   */
  private attach(stream: SseStream, feed: StreamFeed, from: Position | undefined, idFor: (token: string, position: Position) => string): void {
    if (!feed.mirror.synced) {
      stream.pushText(sseEvent('status', { kind: feed.token, state: 'syncing', since: new Date().toISOString() }));
      // Not loaded because the cluster does not answer: say so too.
      if (feed.mirror.health && feed.mirror.health.state !== 'synced') stream.pushText(statusEvent(feed.token, feed.mirror.health));
      void feed.mirror.whenSynced().then(() => {
        if (stream.state !== 'open') return;
        this.attach(stream, feed, undefined, () => stream.currentId());
      });
      return;
    }
    const group = this.groupFor(stream.cluster, feed);
    const missed = from && !group.stateful ? feed.mirror.since(from.epoch, from.seq) : null;
    if (missed) {
      this.counters.resumes++;
      const { epoch } = feed.mirror;
      for (const delta of missed) {
        const frame = deltaFrame(feed.token, feed.view, delta);
        if (frame) stream.pushText(`id: ${idFor(feed.token, { epoch, seq: delta.seq })}\n${sseBody(frame.event, frame.data)}`);
      }
      idFor(feed.token, feed.mirror.position);
    } else {
      this.sendSnapshot(stream, feed, group, idFor(feed.token, feed.mirror.position));
    }
    stream.pushText(statusEvent(feed.token, feed.mirror.health ?? { state: 'synced', since: new Date().toISOString() }));
    // Cut while its opening was queued (a client already too far behind): nothing to join.
    if (stream.state !== 'open') return group.disposeIfUnused();
    feed.group = group;
    this.rechannel(stream);
  }

  /**
   * Puts the stream in the channel of its feeds as they are attached now
   * (same kinds, each through the same group), made on first use. Call in the
   * same tick as a feed's snapshot or replay, so no delta falls in between.
   */
  private rechannel(stream: SseStream): void {
    if (stream.state !== 'open') return;
    const attached = stream.feeds.filter((feed) => feed.group !== undefined);
    if (attached.length === 0) return stream.joinChannel(undefined);
    const key = `${stream.kindsKey}|${attached.map((feed) => feed.group!.key).join('|')}`;
    if (stream.channel?.key === key) return;
    let channel = this.channels.get(key);
    if (!channel) {
      channel = new Channel(
        key,
        stream.feeds.map((feed) => ({ token: feed.token, mirror: feed.mirror })),
        stream.single,
        attached.map((feed) => feed.group!),
        (c) => this.markChannelDirty(c),
        (c) => {
          this.dirtyChannels.delete(c);
          if (this.channels.get(c.key) === c) this.channels.delete(c.key);
        },
      );
      this.channels.set(key, channel);
    }
    stream.joinChannel(channel);
  }

  private sendSnapshot(stream: SseStream, feed: StreamFeed, group: FanoutGroup, id = stream.currentId()): void {
    this.counters.snapshots++;
    const { body } = group.snapshot();
    stream.pushText(`id: ${id}\n`);
    stream.push(body, { snapshot: true });
  }

  private groupFor(cluster: string, feed: StreamFeed): FanoutGroup {
    const key = viewKey(cluster, feed.token, feed.view);
    let group = this.groups.get(key);
    if (!group) {
      group = new FanoutGroup(key, feed.token, feed.view, feed.mirror, (g) => this.groups.get(g.key) === g && this.groups.delete(g.key));
      this.groups.set(key, group);
    }
    return group;
  }

  /** A `counts` event when what the person may see of the counted kinds changed since the last one. */
  private sendCounts(stream: SseStream): void {
    if (stream.countFeeds.length === 0) return;
    const counts: Record<string, number> = {};
    for (const feed of stream.countFeeds) if (feed.mirror.synced) counts[feed.token] = feed.mirror.count(feed.view.namespaces);
    const text = JSON.stringify(counts);
    if (text === stream.lastCounts) return;
    stream.lastCounts = text;
    stream.pushText(`event: counts\ndata: ${text}\n\n`, { ordered: false });
  }

  private cut(stream: SseStream, why: string): void {
    log.warn({ stream: stream.id, actor: stream.actor.name, why }, 'slow consumer dropped');
    stream.cut('slow-consumer');
  }

  private markDirty(stream: SseStream): void {
    this.dirty.add(stream);
    this.scheduleFlush();
  }

  private markChannelDirty(channel: Channel): void {
    this.dirtyChannels.add(channel);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Under load (passes back to back) the window widens so writing takes at most about a quarter of the time:
    // each client then gets fewer, bigger writes. When changes are sparse the pass runs at the end of this
    // turn of the event loop (everything one read from the apiserver produced still goes out as one write).
    const sinceLastPass = performance.now() - this.lastPassEndedAt;
    const coalesceMs = Math.min(MAX_COALESCE_MS, Math.max(this.options.coalesceMs ?? 0, this.lastPassMs * 4 - sinceLastPass));
    if (coalesceMs > 0) setTimeout(() => this.flushPass(), coalesceMs);
    else setImmediate(() => this.flushPass());
  }

  /**
   * Writes out every stream with something to write (its own, or its
   * channel's), one batch each, yielding to the event loop between slices.
   * What comes in meanwhile goes out in the next pass.
   */
  private flushPass(pass?: { streams: SseStream[]; next: number; started: number; oldestLagMs: number }): void {
    if (!pass) {
      const streams = [...this.dirty];
      this.dirty.clear();
      for (const channel of this.dirtyChannels) for (const stream of channel.members) streams.push(stream);
      this.dirtyChannels.clear();
      pass = { streams, next: 0, started: performance.now(), oldestLagMs: -1 };
    }
    const sliceMs = this.options.flushSliceMs ?? 10;
    const sliceStarted = performance.now();
    const now = Date.now();
    const { streams } = pass;
    while (pass.next < streams.length) {
      pass.oldestLagMs = Math.max(pass.oldestLagMs, streams[pass.next++].flush(now));
      if (pass.next < streams.length && performance.now() - sliceStarted > sliceMs) {
        const rest = pass;
        setImmediate(() => this.flushPass(rest));
        return;
      }
    }
    // One observation per pass (its oldest change), not per client: the metric must not cost what it measures.
    if (pass.oldestLagMs >= 0) deliveryLag.observe(pass.oldestLagMs / 1000);
    this.lastPassEndedAt = performance.now();
    this.lastPassMs = this.lastPassEndedAt - pass.started;
    this.flushScheduled = false;
    if (this.dirty.size > 0 || this.dirtyChannels.size > 0) this.scheduleFlush();
  }

  private ensureHousekeeping(): void {
    if (this.housekeeping) return;
    const every = Math.max(50, Math.min(1000, Math.floor(this.options.heartbeatMs / 4)));
    this.housekeeping = setInterval(() => this.tidy(), every);
    this.housekeeping.unref();
  }

  /** Heartbeats, maximum lifetimes, the replica's buffer budget and load shedding, on one timer. */
  private tidy(): void {
    if (this.streams.size === 0) {
      clearInterval(this.housekeeping);
      this.housekeeping = undefined;
      return;
    }
    const now = Date.now();
    const { heartbeatMs, maxLifetimeMs, maxTotalBufferedBytes } = this.options;
    const countsDue = now - this.lastCountsAt >= (this.options.countsIntervalMs ?? 1000);
    if (countsDue) this.lastCountsAt = now;
    // The channels' logs are shared: counted once each, and trimmed to what their streams have not taken.
    let total = 0;
    for (const channel of this.channels.values()) {
      channel.trim();
      total += channel.heldBytes;
    }
    const behind: Array<{ stream: SseStream; bytes: number; lag: number; delayMs: number }> = [];
    // Streams to end, ended a slice at a time after this pass: hundreds at once would hold the event loop.
    const endings: Array<() => void> = [];
    for (const { stream } of this.streams.values()) {
      if (now - stream.openedAt >= maxLifetimeMs) {
        endings.push(() => stream.close('max-lifetime', 'max-lifetime'));
        continue;
      }
      if (now - stream.lastPingAt >= heartbeatMs) stream.ping(now);
      if (countsDue) this.sendCounts(stream);
      const bytes = stream.ownBytes();
      total += bytes;
      const lag = stream.lag();
      const since = stream.waitingSince();
      if (lag > 0) behind.push({ stream, bytes, lag, delayMs: since > 0 ? now - since : 0 });
    }
    behind.sort((a, b) => b.lag - a.lag);

    // Over the budget: cut the clients furthest behind until it holds again. A cut frees the stream's own bytes
    // and the part of its channel's log that no other stream still needs.
    const cutIn = new Map<Channel, Set<SseStream>>();
    for (const entry of behind) {
      if (total <= maxTotalBufferedBytes || entry.lag < SHED_MIN_LAG_BYTES) break;
      const { stream, lag } = entry;
      let freed = entry.bytes;
      const channel = stream.channel;
      if (channel) {
        const cut = cutIn.get(channel) ?? new Set<SseStream>();
        const lowest = channel.lowestCursor(cut);
        cut.add(stream);
        cutIn.set(channel, cut);
        freed += channel.pendingBytes(lowest) - channel.pendingBytes(channel.lowestCursor(cut));
      }
      endings.push(() => {
        if (stream.state !== 'open') return;
        this.counters.droppedOverBudget++;
        this.cut(stream, `the replica's stream buffers are over their budget and this stream was furthest behind (${lag} bytes)`);
      });
      total -= freed;
      entry.lag = 0;
    }

    // The event loop falling behind for a while: shed the streams furthest behind, telling them to reconnect (possibly elsewhere).
    const maxLoopLagMs = this.options.maxLoopLagMs ?? 100;
    if (this.loop.recentLagMs() > maxLoopLagMs) {
      if (this.overloadedSince === 0) this.overloadedSince = now;
      if (now - this.overloadedSince >= 1000) {
        const victims = shedVictims(behind, this.streams.size);
        for (const victim of victims) victim.lag = 0;
        for (const { stream } of victims) {
          endings.push(() => {
            if (stream.state !== 'open') return;
            this.counters.shedOverloaded++;
            stream.shed('overloaded');
          });
        }
        if (victims.length > 0) log.warn({ shed: victims.length, loopLagMs: this.loop.recentLagMs() }, 'event loop overloaded: streams furthest behind told to reconnect');
        this.overloadedSince = now;
      }
    } else {
      this.overloadedSince = 0;
    }

    // Clients that fell behind in time (their socket full, the changes for them waiting here): the tenth furthest
    // behind are told to reconnect (possibly elsewhere), so the replica's output serves the rest; the next round
    // waits as long again, for the others to show whether they catch up with the capacity freed.
    const maxDelayMs = this.options.maxDelayMs ?? 5000;
    const late = behind.filter((b) => b.delayMs > maxDelayMs).sort((a, b) => b.delayMs - a.delayMs);
    if (late.length > 0 && now - this.lastLateShedAt >= maxDelayMs) {
      this.lastLateShedAt = now;
      const victims = shedVictims(late, this.streams.size);
      for (const { stream } of victims) {
        endings.push(() => {
          if (stream.state !== 'open') return;
          this.counters.shedLate++;
          stream.shed('overloaded');
        });
      }
      if (victims.length > 0) log.warn({ shed: victims.length, late: late.length, delayMs: late[0].delayMs }, 'streams too far behind in time told to reconnect');
    }
    this.endInSlices(endings);
  }

  /** Runs `endings` a slice at a time, yielding to the event loop between slices (each ending releases a stream's feeds and its place). */
  private endInSlices(endings: Array<() => void>): void {
    const sliceMs = this.options.flushSliceMs ?? 10;
    let next = 0;
    const run = () => {
      const started = performance.now();
      while (next < endings.length) {
        endings[next++]();
        if (next < endings.length && performance.now() - started > sliceMs) {
          setImmediate(run);
          return;
        }
      }
    };
    run();
  }

  /** RBAC changed: narrow each feed to what the person may still see; refused namespaces get an error, nothing left → 403 and close. */
  private async recheck(req: StreamRequest, stream: SseStream): Promise<void> {
    try {
      let anyLeft = false;
      for (const feed of stream.feeds) {
        if (feed.view.empty) continue;
        const now = await resolveView(req.live, req.actor, feed.view.kind, req);
        if (stream.state !== 'open') return;
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
        for (const error of lost) stream.pushText(sseEvent('error', error));
        const view = { ...feed.view, namespaces: next, empty: feed.view.kind.namespaced ? next !== null && next.size === 0 : now.empty };
        // Not attached yet (still syncing): the attach to come uses the narrowed view.
        if (!feed.mirror.synced) {
          feed.view = view;
          if (!view.empty) anyLeft = true;
          continue;
        }
        if (viewKey(stream.cluster, feed.token, view) === viewKey(stream.cluster, feed.token, feed.view)) {
          if (!feed.view.empty) anyLeft = true;
          continue;
        }
        // The view changed: the feed moves to the group of its new view.
        feed.view = view;
        if (view.empty) {
          feed.group = undefined;
          this.rechannel(stream);
          continue;
        }
        anyLeft = true;
        const group = this.groupFor(stream.cluster, feed);
        // Cluster-wide access narrowed to some namespaces: the others' names are not the person's to learn, so a fresh snapshot replaces the rows.
        if (old === null && next !== null) this.sendSnapshot(stream, feed, group);
        if (stream.state !== 'open') return group.disposeIfUnused();
        feed.group = group;
        this.rechannel(stream);
      }
      for (const feed of [...stream.countFeeds]) {
        const now = await resolveView(req.live, req.actor, feed.view.kind, { namespaces: req.namespaces, selector: [] });
        if (stream.state !== 'open') return;
        if (now.empty) {
          stream.countFeeds = stream.countFeeds.filter((f) => f !== feed);
          feed.release();
        } else {
          feed.view = now;
        }
      }
      if (!anyLeft && (stream.feeds.length > 0 || stream.countFeeds.length === 0)) stream.close('forbidden');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not re-check stream access');
    }
  }
}

