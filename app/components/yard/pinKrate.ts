import * as encoding from 'lib0/encoding';
import { io } from 'socket.io-client';
import * as syncProtocol from 'y-protocols/sync';
import { YARD_NAMESPACE } from '@/lib/yard/model';
import { YardClient } from '@/lib/yard/yardClient';
import { addKrate, type KrateTarget } from './krates';

/** How long pinning waits for the yard to answer before saying so. */
const PIN_TIMEOUT_MS = 10_000;

/**
 * Adds a krate to a yard from anywhere in the portal: its own short-lived
 * `/yard` connection joins, takes the yard's document, adds the krate below the
 * others, and leaves once the portal has it.
 */
export async function pinKrate(yardId: string, target: KrateTarget): Promise<void> {
  const socket = io(YARD_NAMESPACE, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false });
  const client = new YardClient(socket, yardId);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the yard did not answer; try again')), PIN_TIMEOUT_MS);
      const done = (err?: Error) => (clearTimeout(timer), err ? reject(err) : resolve());
      socket.on('connect_error', (err) => done(new Error(`could not reach the yard: ${err.message}`)));
      const unsubscribe = client.subscribe(() => {
        if (client.synced) {
          unsubscribe();
          done();
        }
      });
      socket.on('connect', () => void client.join().catch((err: Error) => done(err)));
    });
    addKrate(client.doc, target);
    await handedOver(client);
  } finally {
    client.close();
  }
}

/**
 * Resolves once the portal has taken every change sent so far: it answers a sync
 * step 1 in turn, after the changes before it. (Leaving at once can lose the
 * last change: socket.io drops events that arrive together with the goodbye.)
 * Rejects with the portal's refusal.
 */
export function handedOver(client: YardClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('the yard did not confirm the change; look at the yard to see whether it is there')), PIN_TIMEOUT_MS);
    const answered = () => finish();
    const refused = (error: { code: number; message: string }) => finish(new Error(`the yard refused the krate (${error.code}): ${error.message}`));
    const finish = (err?: Error) => {
      clearTimeout(timer);
      client.socket.off('sync', answered);
      client.socket.off('error', refused);
      if (err) reject(err);
      else resolve();
    };
    client.socket.on('sync', answered);
    client.socket.on('error', refused);
    const step1 = encoding.createEncoder();
    syncProtocol.writeSyncStep1(step1, client.doc);
    client.socket.emit('sync', encoding.toUint8Array(step1));
  });
}
