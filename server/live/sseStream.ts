import type { ServerResponse } from 'node:http';
import type { Actor } from '../../lib/actor';
import { formatPositions, type DoneReason, type Position } from '../../lib/live/protocol';
import { sseEvent } from './sse';
import type { View } from './view';
import type { KindMirror } from './kindMirror';

export type StreamState = 'open' | 'closed';

/** What a stream tells its hub. */
export interface StreamHooks {
  /** The stream has something to write: schedule a flush. */
  dirty: (stream: SseStream) => void;
  /** More than `maxLagBytes` is queued beyond the snapshots on their way: the client is too far behind. */
  overflow: (stream: SseStream) => void;
  /** The stream ended, however it ended (after its own cleanups ran). */
  closed: (stream: SseStream, reason: string) => void;
}

/** One kind a stream carries: what the person may see of it, and where its rows come from. */
export interface StreamFeed {
  token: string;
  view: View;
  mirror: KindMirror;
  release: () => void;
  /** The fan-out group this feed receives deltas through (set by the hub). */
  leave?: () => void;
}

const PING = Buffer.from(': ping\n\n');

/**
 * One client's SSE connection: a queue of ready byte chunks (shared between
 * the streams of a fan-out group, never copied per client), written out in
 * one batch per flush, with backpressure from the socket. It knows how far
 * behind its client is, and ends either gently (`done`, then the end of the
 * response) or at once (the connection is cut, dropping what is queued).
 */
export class SseStream {
  state: StreamState = 'open';
  readonly openedAt = Date.now();
  lastPingAt = Date.now();
  /** When the oldest frame now queued was published by its informer (for delivery lag). */
  oldestQueuedAt = 0;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private waitingForDrain = false;
  /** Bytes of snapshots still on their way: not lag. Shrinks as the client catches up. */
  private allowance = 0;
  /** Streams with the same key have the same `id:` line at any moment: the same kinds, and the same id format. */
  readonly kindsKey: string;
  private readonly cleanups: Array<() => void> = [];
  /** Kinds whose rows this stream does not carry, only how many the person may see (`counts` events). */
  countFeeds: StreamFeed[] = [];
  /** The last `counts` sent, to send only changes. */
  lastCounts = '';

  constructor(
    readonly id: string,
    readonly actor: Actor,
    readonly cluster: string,
    readonly feeds: StreamFeed[],
    /** One kind's stream (`/{kind}/watch`): ids are bare positions. */
    readonly single: boolean,
    private readonly res: ServerResponse,
    private readonly maxLagBytes: number,
    private readonly hooks: StreamHooks,
  ) {
    this.kindsKey = single ? `=${feeds[0].token}` : feeds.map((f) => f.token).join(',');
    res.on('drain', () => {
      this.waitingForDrain = false;
      if (this.queue.length > 0) this.hooks.dirty(this);
    });
  }

  /** Runs `fn` when the stream ends. */
  onEnd(fn: () => void): void {
    this.cleanups.push(fn);
  }

  /** The `id:` value of this stream after everything queued so far: the current position of each of its kinds. */
  currentId(): string {
    if (this.single) {
      const p = this.feeds[0].mirror.position;
      return `${p.epoch}-${p.seq}`;
    }
    const positions = new Map<string, Position>();
    for (const feed of this.feeds) positions.set(feed.token, feed.mirror.position);
    return formatPositions(positions);
  }

  /** Queues ready bytes (shared, never modified). `snapshot`: bytes that are not lag. `at`: when the change was published. */
  push(chunk: Buffer, { snapshot = false, at = 0 } = {}): void {
    if (this.state !== 'open') return;
    if (this.queue.length === 0 && at > 0) this.oldestQueuedAt = at;
    this.queue.push(chunk);
    this.queuedBytes += chunk.byteLength;
    if (snapshot) this.allowance += chunk.byteLength;
    if (this.queue.length === 1) this.hooks.dirty(this);
    else if (this.queuedBytes - this.allowance > this.maxLagBytes && this.lag() > this.maxLagBytes) this.hooks.overflow(this);
  }

  pushText(text: string, options?: { snapshot?: boolean; at?: number }): void {
    this.push(Buffer.from(text), options);
  }

  ping(now: number): void {
    this.lastPingAt = now;
    this.push(PING);
  }

  /** Bytes queued for the client: here, in the response and in the socket. */
  backlog(): number {
    if (this.state !== 'open') return 0;
    return this.queuedBytes + this.res.writableLength;
  }

  /** How far behind the client is: its backlog less the snapshots still on their way. */
  lag(): number {
    const queued = this.backlog();
    this.allowance = Math.min(this.allowance, queued);
    return queued - this.allowance;
  }

  /**
   * Writes everything queued as one chunk, unless the socket is still
   * draining an earlier one (then `drain` brings the stream back). Returns
   * the delivery lag of the batch in ms, or -1 when nothing was written.
   */
  flush(now: number): number {
    if (this.state !== 'open' || this.waitingForDrain || this.queue.length === 0) return -1;
    const batch = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue, this.queuedBytes);
    const lagMs = this.oldestQueuedAt > 0 ? now - this.oldestQueuedAt : -1;
    this.queue = [];
    this.queuedBytes = 0;
    this.oldestQueuedAt = 0;
    if (!this.res.write(batch)) this.waitingForDrain = true;
    return lagMs;
  }

  /** Ends gently: what is queued is sent, then `done` when there is a reason the client should know, then the end. */
  close(reason: string, done?: DoneReason): void {
    if (this.state !== 'open') return;
    if (done) this.pushText(sseEvent('done', { reason: done }));
    this.flushAll();
    this.end(reason);
    this.res.end();
  }

  /**
   * Ends a stream that is behind, to shed load: what is still queued here is
   * dropped (the client never saw it, and resumes from its last id), `done`
   * follows what the socket already holds, and a client that does not read
   * even that is cut after `graceMs`.
   */
  shed(done: DoneReason, graceMs = 10_000): void {
    if (this.state !== 'open') return;
    this.queue = [];
    this.queuedBytes = 0;
    this.allowance = 0;
    const res = this.res;
    res.write(sseEvent('done', { reason: done }));
    this.end(done);
    res.end();
    const timer = setTimeout(() => res.destroy(), graceMs);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
  }

  /** Ends at once: the connection is cut and whatever is queued for it is dropped. */
  cut(reason: string): void {
    if (this.state !== 'open') return;
    this.end(reason);
    this.res.destroy();
    this.res.socket?.destroy();
  }

  /** The client went away: nothing more to write. */
  gone(): void {
    if (this.state !== 'open') return;
    this.end('client-gone');
  }

  private end(reason: string): void {
    this.state = 'closed';
    this.queue = [];
    this.queuedBytes = 0;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.hooks.closed(this, reason);
  }

  private flushAll(): void {
    this.waitingForDrain = false;
    this.flush(Date.now());
  }
}
