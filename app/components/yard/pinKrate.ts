import { io } from 'socket.io-client';
import { YARD_NAMESPACE } from '@/lib/yard/model';
import { YardClient } from '@/lib/yard/yardClient';
import { addKrate, type KrateTarget } from './krates';

/** How long pinning waits for the yard to answer before saying so. */
const PIN_TIMEOUT_MS = 10_000;

/**
 * Adds a krate to a yard from anywhere in the portal: its own short-lived
 * `/yard` connection joins, takes the yard's document, adds the krate below the
 * others, and leaves (the portal keeps a change that arrived before the goodbye).
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
  } finally {
    client.close();
  }
}
