import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../lib/actor';
import { Channel } from '../../server/live/channel';
import { KindMirror } from '../../server/live/kindMirror';
import { SseStream, type StreamFeed, type StreamHooks } from '../../server/live/sseStream';
import { StreamHub, type HubOptions } from '../../server/live/streamHub';
import type { View } from '../../server/live/view';

/** A response that records writes; `full`: the client stopped reading, so every write waits. */
class FakeResponse extends EventEmitter {
  writableLength = 0;
  full = false;
  socket = null;
  write(chunk: Buffer | string): boolean {
    if (!this.full) return true;
    this.writableLength += Buffer.byteLength(chunk);
    return false;
  }
  end(): void {}
  destroy(): void {}
  cork(): void {}
  uncork(): void {}
}

const actor = { name: 'alice' } as Actor;
const view = { namespaces: null, selector: [], errors: [], empty: false } as unknown as View;
const mirror = new KindMirror('pods', 'e1', 100);
mirror.reset('e1', 0, []);
const feed: StreamFeed = { token: 'pods', view, mirror, release: () => undefined };
const aborts: AbortController[] = [];
afterEach(() => aborts.splice(0).forEach((a) => a.abort()));

/** A hub with `streams` streams in one channel; its private parts are reached for, to run one round of housekeeping at a chosen moment. */
function hubWith(streams: number, options: Partial<HubOptions>, full: (i: number) => boolean = () => false) {
  const abort = new AbortController();
  aborts.push(abort);
  const hub = new StreamHub({ perUserLimit: 0, heartbeatMs: 60_000, maxLifetimeMs: 3_600_000, maxBufferedBytes: 64 << 20, maxTotalBufferedBytes: 1 << 30, ...options }, {} as never, abort.signal);
  const inside = hub as unknown as { channels: Map<string, Channel>; streams: Map<string, { stream: SseStream; info: object }>; hooks: StreamHooks; tidy(): void };
  const channel = new Channel('c', [{ token: 'pods', mirror }], true, [], () => undefined, () => undefined);
  inside.channels.set('c', channel);
  const all = Array.from({ length: streams }, (_, i) => {
    const res = new FakeResponse();
    res.full = full(i);
    const stream = new SseStream(`s${i}`, actor, 'sim', [feed], true, res as unknown as ServerResponse, 64 << 20, inside.hooks);
    stream.joinChannel(channel);
    inside.streams.set(stream.id, { stream, info: { kinds: [] } });
    return stream;
  });
  return { hub, channel, all, tidy: () => inside.tidy() };
}

describe("the stream hub's housekeeping", () => {
  it("cuts, over the budget, the stream that holds the shared log, and not the streams level with the log's end", () => {
    const { hub, channel, all, tidy } = hubWith(11, { maxTotalBufferedBytes: 100_000 }, (i) => i === 0);
    for (let i = 0; i < 200; i++) {
      channel.append(Buffer.alloc(1000, 'x'), Date.now());
      for (const stream of all) stream.flush(Date.now());
    }
    // A change not flushed yet: every stream has a little waiting.
    channel.append(Buffer.alloc(1000, 'x'), Date.now());
    tidy();
    expect(all.filter((s) => s.state === 'closed').map((s) => s.id)).toEqual(['s0']);
    expect(hub.counters.droppedOverBudget).toBe(1);
  });

  it('measures how long changes have waited from when they reached this replica, not from when the owner received them', () => {
    const { hub, channel, all, tidy } = hubWith(1, { maxDelayMs: 5000 });
    // Arrived just now, though its owner's informer got it 6 s ago (a follower catching up, or a clock apart).
    channel.append(Buffer.alloc(70_000, 'x'), Date.now() - 6000);
    tidy();
    expect(all[0].state).toBe('open');
    expect(hub.counters.shedLate).toBe(0);
  });

  it('joins no channel with a stream that ended while its opening was queued', () => {
    const hooks: StreamHooks = { dirty: () => undefined, overflow: (s) => s.cut('slow'), closed: () => undefined };
    const first = new Channel('c1', [{ token: 'pods', mirror }], true, [], () => undefined, () => undefined);
    const second = new Channel('c2', [{ token: 'pods', mirror }], true, [], () => undefined, () => undefined);
    const res = new FakeResponse();
    res.full = true;
    const stream = new SseStream('s', actor, 'sim', [feed], true, res as unknown as ServerResponse, 100, hooks);
    stream.joinChannel(first);
    for (let i = 0; i < 10; i++) first.append(Buffer.alloc(30, 'x'), 0);
    // A snapshot's `id:` line takes what the channel held first: past the bound, the stream is cut.
    stream.pushText('id: e1-10\n');
    expect(stream.state).toBe('closed');
    stream.joinChannel(second);
    expect(second.members.size).toBe(0);
    expect(first.members.size).toBe(0);
  });
});
