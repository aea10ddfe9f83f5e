import type { ServerResponse } from 'node:http';
import type { Actor } from '../../lib/actor';
import type { DoneReason } from '../../lib/live/protocol';
import { sseEvent } from './sse';
import type { View } from './view';
import type { KindMirror } from './kindMirror';
import { currentIdOf, type Channel } from './channel';
import type { FanoutGroup } from './fanoutGroup';

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
  /** The fan-out group this feed receives deltas through, once attached (set by the hub). */
  group?: FanoutGroup;
}

const PING = Buffer.from(': ping\n\n');

/**
 * One client's SSE connection. Its deltas come from its channel, the log it
 * shares with every stream carrying the same feeds, where it keeps only a
 * cursor; what is meant for it alone (its snapshot, status, errors, pings)
 * is queued here as ready byte chunks. Both go out in one batch per flush,
 * with backpressure from the socket; anything queued here first takes what
 * the channel holds for it, so the client sees everything in the order it
 * happened. It knows how far behind its client is, and ends either gently
 * (`done`, then the end of the response) or at once (the connection is cut,
 * dropping what is queued).
 */
export class SseStream {
  state: StreamState = 'open';
  readonly openedAt = Date.now();
  lastPingAt = Date.now();
  /** When the oldest frame now queued here was published by its informer (for delivery lag). */
  oldestQueuedAt = 0;
  /** When the oldest change now queued here reached this replica (how long it has waited here). */
  private oldestQueuedHere = 0;
  /** Where the stream's deltas come from (none until a feed is attached), and the next chunk of it to take. */
  channel: Channel | undefined;
  cursor = 0;
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
      if (this.hasPending()) this.hooks.dirty(this);
    });
  }

  /** Runs `fn` when the stream ends (at once, if it has ended already). */
  onEnd(fn: () => void): void {
    if (this.state === 'open') this.cleanups.push(fn);
    else fn();
  }

  /** The `id:` value of this stream after everything queued so far: the current position of each of its kinds. */
  currentId(): string {
    return currentIdOf(this.feeds, this.single);
  }

  /**
   * Queues ready bytes (shared, never modified) after everything before them.
   * `snapshot`: bytes that are not lag. `ordered: false`: bytes whose place among the deltas does not matter (a
   * heartbeat, counts), which may go out ahead of deltas still in the channel.
   */
  push(chunk: Buffer, { snapshot = false, ordered = true } = {}): void {
    if (this.state !== 'open') return;
    if (ordered) this.takeChannel();
    this.queue.push(chunk);
    this.queuedBytes += chunk.byteLength;
    if (snapshot) this.allowance += chunk.byteLength;
    if (this.queuedBytes - this.allowance > this.maxLagBytes && this.lag() > this.maxLagBytes) this.hooks.overflow(this);
    else this.hooks.dirty(this);
  }

  /** Takes deltas from `channel` from now on; what the old one still held for this stream is queued first. */
  joinChannel(channel: Channel | undefined): void {
    if (this.state !== 'open' || channel === this.channel) return;
    this.takeChannel();
    const old = this.channel;
    this.channel = channel;
    channel?.join(this);
    old?.leave(this);
  }

  /** Moves what the channel holds for this stream into its own queue, so that what is queued next follows it. */
  private takeChannel(): void {
    const channel = this.channel;
    if (!channel || this.cursor >= channel.end) return;
    const at = channel.pendingSince(this.cursor);
    if (this.oldestQueuedAt === 0 && at > 0) {
      this.oldestQueuedAt = at;
      this.oldestQueuedHere = channel.waitingSince(this.cursor);
    }
    this.queuedBytes += channel.pendingBytes(this.cursor);
    for (const page of channel.pagesFrom(this.cursor)) this.queue.push(page.bytes);
    this.cursor = channel.end;
  }

  /** Something is waiting to be written: queued here, or in the channel past the cursor. */
  hasPending(): boolean {
    return this.queue.length > 0 || (this.channel !== undefined && this.cursor < this.channel.end);
  }

  pushText(text: string, options?: { snapshot?: boolean; ordered?: boolean }): void {
    this.push(Buffer.from(text), options);
  }

  /** A heartbeat, when nothing else is on its way (anything written keeps the connection alive as well). */
  ping(now: number): void {
    this.lastPingAt = now;
    if (!this.hasPending()) this.push(PING, { ordered: false });
  }

  /** Bytes queued for the client: in its channel past its cursor, here, in the response and in the socket. */
  backlog(): number {
    if (this.state !== 'open') return 0;
    return this.ownBytes() + (this.channel?.pendingBytes(this.cursor) ?? 0);
  }

  /** Bytes held for this client alone: queued here, in the response and in the socket (its channel's are shared). */
  ownBytes(): number {
    if (this.state !== 'open') return 0;
    return this.queuedBytes + this.res.writableLength;
  }

  /** Since when the oldest change not yet written to the client has waited on this replica (0: none waiting). */
  waitingSince(): number {
    const own = this.queue.length > 0 ? this.oldestQueuedHere : 0;
    const shared = this.channel?.waitingSince(this.cursor) ?? 0;
    return own > 0 && shared > 0 ? Math.min(own, shared) : own || shared;
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
    if (this.state !== 'open') return -1;
    if (this.waitingForDrain) {
      // Its deltas keep coming while the client does not read: past the limit it is cut.
      if (this.lag() > this.maxLagBytes) this.hooks.overflow(this);
      return -1;
    }
    const channel = this.channel;
    let since: number;
    if (this.queue.length === 0) {
      // Only deltas: the channel's pages from the cursor on, each shared by every stream that writes it.
      if (!channel || this.cursor >= channel.end) return -1;
      since = channel.pendingSince(this.cursor);
      const pages = channel.pagesFrom(this.cursor);
      if (pages.length > 1) this.res.cork();
      for (const page of pages) {
        this.cursor = page.to;
        if (!this.res.write(page.bytes)) {
          this.waitingForDrain = true;
          break;
        }
      }
      if (pages.length > 1) this.res.uncork();
    } else {
      // Its own first: what the channel holds now came after all of it (an ordered push took the channel's before it).
      const batch = this.queue.length === 1 ? this.queue[0] : Buffer.concat(this.queue, this.queuedBytes);
      since = this.oldestQueuedAt;
      this.queue = [];
      this.queuedBytes = 0;
      this.oldestQueuedAt = 0;
      this.oldestQueuedHere = 0;
      if (!this.res.write(batch)) this.waitingForDrain = true;
    }
    // The socket takes more and more is waiting (deltas behind its own frames): the rest goes in the next pass.
    if (!this.waitingForDrain && this.hasPending()) this.hooks.dirty(this);
    return since > 0 ? now - since : -1;
  }

  /** Ends gently: what is queued is sent, then `done` when there is a reason the client should know, then the end. */
  close(reason: string, done?: DoneReason): void {
    if (this.state !== 'open') return;
    this.takeChannel();
    if (done) this.pushText(sseEvent('done', { reason: done }));
    this.flushAll();
    this.end(reason);
    this.res.end();
  }

  /**
   * Ends a stream that is behind, to shed load: what is still queued here is
   * dropped (the client never saw it, and resumes from its last id), `done`
   * follows what the socket already holds, and a client that does not read
   * even that is cut after `graceMs` to twice that (spread: streams shed
   * together must not all be cut in one turn of the event loop).
   */
  shed(done: DoneReason, graceMs = 10_000): void {
    if (this.state !== 'open') return;
    this.queue = [];
    this.queuedBytes = 0;
    this.allowance = 0;
    if (this.channel) this.cursor = this.channel.end;
    const res = this.res;
    res.write(sseEvent('done', { reason: done }));
    this.end(done);
    res.end();
    const timer = setTimeout(() => res.destroy(), graceMs * (1 + Math.random()));
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
    this.channel?.leave(this);
    this.channel = undefined;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.hooks.closed(this, reason);
  }

  private flushAll(): void {
    this.waitingForDrain = false;
    this.flush(Date.now());
  }
}
