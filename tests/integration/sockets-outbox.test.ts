import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../server/sockets/outbox';
import { until } from '../support/until';

/** Just enough of a socket.io server socket: whether engine.io still holds unsent packets. */
function fakeSocket() {
  const conn = { transport: { writable: true }, writeBuffer: [] as unknown[] };
  return { socket: { conn, disconnected: false } as unknown as Socket, conn };
}

describe('the per-client outbox', () => {
  it('holds at most its byte budget for a client that stops reading, dropping the oldest', async () => {
    const { socket, conn } = fakeSocket();
    const sent: string[][] = [];
    const dropped: string[] = [];
    const outbox = new Outbox<string>(socket, { maxBytes: 10_000, sizeOf: (s) => s.length, send: (items) => sent.push(items), onDrop: (s) => dropped.push(s), flushMs: 1 });
    // The client is stuck: engine.io still has a packet waiting.
    conn.writeBuffer.push('stuck');
    for (let i = 0; i < 100_000; i++) {
      outbox.push(`line ${i} `.padEnd(100, '.'));
      expect(outbox.pendingBytes).toBeLessThanOrEqual(10_000);
    }
    expect(dropped.length).toBe(100_000 - 100);
    expect(dropped[0]).toMatch(/^line 0 /);
    expect(sent).toEqual([]);
    // The client reads again: the newest lines go out, in order.
    conn.writeBuffer.length = 0;
    await until(() => sent.flat().length === 100, { message: 'the kept lines to be sent' });
    expect(sent.flat()[0]).toMatch(/^line 99900 /);
    expect(sent.flat().at(-1)).toMatch(/^line 99999 /);
    expect(outbox.pendingBytes).toBe(0);
  });

  it('sends in batches no larger than the batch size', async () => {
    const { socket } = fakeSocket();
    const sent: string[][] = [];
    const outbox = new Outbox<string>(socket, { maxBytes: 1_000_000, batchBytes: 1_000, sizeOf: (s) => s.length, send: (items) => sent.push(items), onDrop: () => undefined, flushMs: 1 });
    for (let i = 0; i < 50; i++) outbox.push('x'.repeat(100));
    await until(() => sent.flat().length === 50, { message: 'everything sent' });
    expect(Math.max(...sent.map((b) => b.length))).toBeLessThanOrEqual(10);
  });
});
