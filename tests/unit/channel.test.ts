import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../lib/actor';
import { Channel } from '../../server/live/channel';
import { KindMirror } from '../../server/live/kindMirror';
import { SseStream, type StreamFeed, type StreamHooks } from '../../server/live/sseStream';
import type { View } from '../../server/live/view';

/** A response that records what is written; `full` makes it report backpressure, as a client that stopped reading does. */
class FakeResponse extends EventEmitter {
  written: Buffer[] = [];
  writableLength = 0;
  full = false;
  socket = null;
  write(chunk: Buffer | string): boolean {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.written.push(bytes);
    if (!this.full) return true;
    this.writableLength += bytes.byteLength;
    return false;
  }
  end(): void {}
  destroy(): void {}
  cork(): void {}
  uncork(): void {}
  text(): string {
    return Buffer.concat(this.written).toString();
  }
}

const actor = { name: 'alice' } as Actor;
const view = { namespaces: null, selector: [], errors: [], empty: false } as unknown as View;

function rig(streams: number, { maxLagBytes = 1 << 20 } = {}) {
  const mirror = new KindMirror('pods', 'e1', 100);
  mirror.reset('e1', 0, []);
  const feed: StreamFeed = { token: 'pods', view, mirror, release: () => undefined };
  const calls = { dirtyStreams: 0, dirtyChannel: 0, overflow: [] as string[], emptied: 0 };
  const hooks: StreamHooks = {
    dirty: () => calls.dirtyStreams++,
    overflow: (s) => {
      calls.overflow.push(s.id);
      s.cut('slow');
    },
    closed: () => undefined,
  };
  const channel = new Channel('c', [{ token: 'pods', mirror }], true, [], () => calls.dirtyChannel++, () => calls.emptied++);
  const members = Array.from({ length: streams }, (_, i) => {
    const res = new FakeResponse();
    const stream = new SseStream(`s${i}`, actor, 'sim', [feed], true, res as unknown as ServerResponse, maxLagBytes, hooks);
    stream.joinChannel(channel);
    return { stream, res };
  });
  return { channel, members, calls };
}

const chunk = (text: string) => Buffer.from(text);
/** Flushes as the hub's passes would, until nothing is left to write. */
const writeOut = (stream: SseStream) => {
  for (let pass = 0; pass < 10 && stream.hasPending(); pass++) stream.flush(Date.now());
};

describe('a channel: one log of chunks, a cursor per stream', () => {
  it('appends a delta once for all its streams, touching none of them', () => {
    const { channel, members, calls } = rig(1000);
    const frame = chunk('id: e1-1\nevent: added\ndata: {}\n\n');
    channel.append(frame, Date.now());
    expect(calls.dirtyChannel).toBe(1);
    expect(calls.dirtyStreams).toBe(0);
    expect(members.every(({ stream }) => stream.hasPending() && stream.backlog() === frame.byteLength)).toBe(true);
  });

  it('hands streams that were level one shared batch, and a stream behind its own from where it is', () => {
    const { channel, members } = rig(3);
    const [a, b, c] = members;
    channel.append(chunk('1'), 0);
    a.stream.flush(Date.now());
    channel.append(chunk('2'), 0);
    channel.append(chunk('3'), 0);
    a.stream.flush(Date.now());
    b.stream.flush(Date.now());
    c.stream.flush(Date.now());
    expect(a.res.text()).toBe('123');
    expect(b.res.written[0]).toBe(c.res.written[0]);
    expect(b.res.text()).toBe('123');
    expect(a.stream.hasPending()).toBe(false);
  });

  it("keeps a stream's own frames in order with the deltas around them", () => {
    const { channel, members } = rig(2);
    const [a, b] = members;
    channel.append(chunk('d1 '), 0);
    a.stream.pushText('own ');
    channel.append(chunk('d2 '), 0);
    writeOut(a.stream);
    writeOut(b.stream);
    expect(a.res.text()).toBe('d1 own d2 ');
    expect(b.res.text()).toBe('d1 d2 ');
  });

  it('drops only what every stream has taken, and counts what each is behind', () => {
    const { channel, members } = rig(2);
    const [a, b] = members;
    channel.append(chunk('aaaa'), 0);
    channel.append(chunk('bb'), 0);
    a.stream.flush(Date.now());
    channel.trim();
    expect(channel.heldBytes).toBe(6);
    expect(b.stream.backlog()).toBe(6);
    b.stream.flush(Date.now());
    channel.trim();
    expect(channel.heldBytes).toBe(0);
    channel.append(chunk('c'), 0);
    expect(a.stream.backlog()).toBe(1);
    expect(channel.pendingBytes(a.stream.cursor)).toBe(1);
  });

  it('writes the shared pages of the log to a stream far behind, never a copy of its own, and lets heartbeats and counts go ahead of deltas', () => {
    const { channel, members } = rig(2);
    const [level, behind] = members;
    for (let i = 0; i < 100; i++) {
      channel.append(chunk(`${i} `), 0);
      if (i % 10 === 9) level.stream.flush(Date.now());
    }
    behind.stream.pushText('counts ', { ordered: false });
    writeOut(behind.stream);
    expect(behind.res.text()).toBe('counts ' + level.res.text());
    // The same buffers, page by page: what the level stream wrote as it went.
    expect(behind.res.written.slice(1)).toHaveLength(10);
    behind.res.written.slice(1).forEach((page, i) => expect(page).toBe(level.res.written[i]));
    // A heartbeat is not queued while changes are on their way: they keep the connection alive.
    channel.append(chunk('y'), 0);
    behind.stream.ping(Date.now());
    writeOut(behind.stream);
    expect(behind.res.text().endsWith('99 y')).toBe(true);
  });

  it('says when the oldest delta a stream has not taken was published', () => {
    const { channel, members } = rig(1);
    const [{ stream }] = members;
    channel.append(chunk('x'), 1000);
    channel.append(chunk('y'), 2000);
    expect(channel.pendingSince(stream.cursor)).toBe(1000);
    expect(stream.flush(5000)).toBe(4000);
    expect(channel.pendingSince(stream.cursor)).toBe(0);
  });

  it('cuts a stream whose client stopped reading once it is past its bound, and the others go on', () => {
    const { channel, members, calls } = rig(2, { maxLagBytes: 100 });
    const [slow, fast] = members;
    slow.res.full = true;
    for (let i = 0; i < 10; i++) {
      channel.append(chunk('x'.repeat(30)), 0);
      slow.stream.flush(Date.now());
      fast.stream.flush(Date.now());
    }
    expect(calls.overflow).toEqual(['s0']);
    expect(slow.stream.state).toBe('closed');
    expect(fast.res.text()).toBe('x'.repeat(300));
    // The slow stream left the channel: its log is no longer held for it.
    channel.trim();
    expect(channel.heldBytes).toBe(0);
  });

  it('ends a stream gently with everything its channel still held for it written, even into a full socket', () => {
    const { channel, members } = rig(2);
    const [other, { stream, res }] = members;
    channel.append(chunk('one '), 0);
    other.stream.flush(Date.now());
    channel.append(chunk('two'), 0);
    other.stream.flush(Date.now());
    res.full = true;
    stream.close('forbidden');
    expect(res.text()).toBe('one two');
  });

  it("runs a stream's end-of-life clean-ups, including one registered after it ended", () => {
    const { members } = rig(1);
    const { stream } = members[0];
    const ran: string[] = [];
    stream.onEnd(() => ran.push('before'));
    stream.cut('slow');
    expect(ran).toEqual(['before']);
    // Registered while the stream's opening was still being sent, after a cut: run at once, never kept.
    stream.onEnd(() => ran.push('after'));
    expect(ran).toEqual(['before', 'after']);
  });

  it('is given up when its last stream leaves', () => {
    const { members, calls } = rig(2);
    members[0].stream.gone();
    expect(calls.emptied).toBe(0);
    members[1].stream.gone();
    expect(calls.emptied).toBe(1);
  });

  it('moves a stream to another channel keeping what the first still held for it, in order', () => {
    const { channel, members } = rig(1);
    const [{ stream, res }] = members;
    const mirror = new KindMirror('pods', 'e1', 10);
    const other = new Channel('d', [{ token: 'pods', mirror }], true, [], () => undefined, () => undefined);
    channel.append(chunk('old '), 0);
    stream.joinChannel(other);
    other.append(chunk('new'), 0);
    channel.append(chunk('not-mine'), 0);
    writeOut(stream);
    expect(res.text()).toBe('old new');
  });
});
