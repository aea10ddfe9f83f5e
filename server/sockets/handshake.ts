import type { Socket } from 'socket.io';
import type { Actor } from '../../lib/actor';
import { log } from '../log';

export interface SocketData {
  actor: Actor;
}

/**
 * socket.io handshake check: the Origin must be this portal's and the session
 * cookie a live session. The actor lands in `socket.data.actor`, resolved the
 * same way as for every HTTP request.
 */
export function sessionHandshake({
  resolveActor,
  publicOrigin,
}: {
  resolveActor: (cookieHeader: string | undefined) => Promise<Actor | null>;
  publicOrigin?: string;
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
      .then((actor) => {
        if (!actor) {
          next(Object.assign(new Error('not signed in'), { data: { code: 401 } }));
          return;
        }
        (socket.data as SocketData).actor = actor;
        next();
      })
      .catch((err: unknown) => next(err instanceof Error ? err : new Error(String(err))));
  };
}
