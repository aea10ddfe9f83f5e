import type { Socket } from 'socket.io';
import type { Actor } from '../../lib/actor';
import { log } from '../log';
import type { Limits } from '../limits';

export interface SocketData {
  actor: Actor;
}

/**
 * socket.io handshake check: the Origin must be this portal's and the session
 * cookie a live session. The actor lands in `socket.data.actor`, resolved the
 * same way as for every HTTP request. Only the WebSocket transport is served,
 * and browsers always send Origin on a WebSocket handshake, so a missing one
 * is refused too. Each person holds at most `socketsPerUser` connections in
 * this process (one per namespace joined); a closed one frees its slot, and
 * one that closed before its check ended never takes one.
 */
export function sessionHandshake({
  resolveActor,
  publicOrigin,
  socketsPerUser,
  limits,
}: {
  resolveActor: (cookieHeader: string | undefined) => Promise<Actor | null>;
  publicOrigin?: string;
  socketsPerUser: number;
  limits: Limits;
}) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const { headers } = socket.handshake;
    const expected = publicOrigin ?? (headers.host ? `http://${headers.host}` : undefined);
    const secureExpected = expected?.replace(/^http:/, 'https:');
    const origin = headers.origin;
    if (!origin || (origin !== expected && origin !== secureExpected)) {
      log.warn({ origin, namespace: socket.nsp.name }, 'socket.io handshake refused: foreign or missing Origin');
      next(Object.assign(new Error('forbidden: foreign or missing Origin'), { data: { code: 403 } }));
      return;
    }
    resolveActor(headers.cookie)
      .then(async (actor) => {
        if (!actor) {
          next(Object.assign(new Error('not signed in'), { data: { code: 401 } }));
          return;
        }
        // The connection may have closed while the session was checked: socket.io then drops this
        // socket with no 'disconnect', and a 'close' listener added now would never fire, so such
        // a connection takes no slot at all.
        if (socket.conn.readyState !== 'open') {
          log.debug({ actor: actor.name, namespace: socket.nsp.name }, 'socket.io handshake dropped: the connection closed during the session check');
          next(new Error('the connection closed during the handshake'));
          return;
        }
        const release = await limits.take('sockets', actor.name, socketsPerUser);
        if (!release) {
          log.info({ actor: actor.name, namespace: socket.nsp.name, cap: socketsPerUser }, 'socket.io handshake refused: over the per-person connection cap');
          next(
            Object.assign(new Error(`too many connections: you already have ${socketsPerUser} open (tabs with logs or shells); close some first`), {
              data: { code: 429 },
            }),
          );
          return;
        }
        // Closed while the slot was taken: give it back at once.
        if (socket.conn.readyState !== 'open') {
          release();
          next(new Error('the connection closed during the handshake'));
          return;
        }
        // Open now, so one of these fires: the namespace socket leaves, or the connection closes before
        // socket.io sets the socket up (no 'disconnect' then). The release counts once if both fire.
        socket.once('disconnect', release);
        socket.conn.once('close', release);
        (socket.data as SocketData).actor = actor;
        next();
      })
      .catch((err: unknown) => next(err instanceof Error ? err : new Error(String(err))));
  };
}
