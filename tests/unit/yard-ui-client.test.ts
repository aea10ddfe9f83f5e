import { EventEmitter } from 'node:events';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { YardSummary } from '@/lib/yard/model';
import { YardClient } from '@/lib/yard/yardClient';
import { addKrate, readKrates } from '@/app/components/yard/krates';

const yard: YardSummary = { id: 'team-a', title: 'team-a', personal: false, access: 'edit', editGroups: ['team-a'], viewGroups: [] };

/**
 * The portal's side of one connection, as the yard namespace behaves: a sync
 * message before `join` is refused (409), and a join is answered with the
 * yard's sync step 1 and step 2.
 */
class FakePortal extends EventEmitter {
  connected = false;
  joined = false;
  refused: string[] = [];
  readonly yardDoc = new Y.Doc();
  private readonly toClient = new EventEmitter();
  private readonly buffer: Array<[string, unknown, ((reply: unknown) => void) | undefined]> = [];

  asSocket(): Socket {
    const on = (event: string, listener: (...args: unknown[]) => void) => (this.toClient.on(event, listener), socket);
    const emit = (event: string, payload: unknown, ack?: (reply: unknown) => void) => {
      // Like socket.io's client: what is emitted offline is buffered and sent first on reconnection.
      if (!this.connected) this.buffer.push([event, payload, ack]);
      else this.receive(event, payload, ack);
      return socket;
    };
    const isConnected = () => this.connected;
    const socket = { on, emit, disconnect: () => this.drop(), get connected() { return isConnected(); } } as unknown as Socket;
    return socket;
  }

  connect(): void {
    this.connected = true;
    this.joined = false;
    for (const [event, payload, ack] of this.buffer.splice(0)) this.receive(event, payload, ack);
    this.toClient.emit('connect');
  }

  drop(): void {
    this.connected = false;
    this.toClient.emit('disconnect');
  }

  private receive(event: string, payload: unknown, ack?: (reply: unknown) => void): void {
    if (event === 'join') {
      this.joined = true;
      ack?.({ yard });
      const step1 = encoding.createEncoder();
      syncProtocol.writeSyncStep1(step1, this.yardDoc);
      this.toClient.emit('sync', encoding.toUint8Array(step1));
      const step2 = encoding.createEncoder();
      syncProtocol.writeSyncStep2(step2, this.yardDoc);
      this.toClient.emit('sync', encoding.toUint8Array(step2));
    } else if (event === 'sync') {
      if (!this.joined) {
        this.refused.push('sync');
        this.toClient.emit('error', { code: 409, message: 'join a yard first', event: 'sync' });
        return;
      }
      const reply = encoding.createEncoder();
      syncProtocol.readSyncMessage(decoding.createDecoder(payload as Uint8Array), reply, this.yardDoc, 'browser');
      if (encoding.length(reply) > 0) this.toClient.emit('sync', encoding.toUint8Array(reply));
    }
  }
}

const clients: YardClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe("the browser's yard client", () => {
  it('keeps changes made while offline and hands them to the yard after rejoining', async () => {
    const portal = new FakePortal();
    const client = new YardClient(portal.asSocket(), 'team-a');
    clients.push(client);
    portal.connect();
    await client.join();
    expect(client.synced).toBe(true);

    portal.drop();
    addKrate(client.doc, { type: 'object', cluster: 'demo', kind: 'pods', namespace: 'team-a', name: 'web-1' });
    // The portal's copy gains a krate meanwhile too (someone else's).
    addKrate(portal.yardDoc, { type: 'object', cluster: 'demo', kind: 'pods', namespace: 'team-a', name: 'api-1' });

    portal.connect();
    await new Promise((resolve) => setImmediate(resolve));
    expect(portal.refused).toEqual([]);
    expect(client.errors).toEqual([]);
    const names = (doc: Y.Doc) => readKrates(doc).map((k) => k.name).sort();
    expect(names(portal.yardDoc)).toEqual(['api-1', 'web-1']);
    expect(names(client.doc)).toEqual(['api-1', 'web-1']);
  });
});
