import type { Namespace, Socket } from 'socket.io';
import type { SessionEnd, SessionWatch } from '../auth/sessionWatch';
import { log } from '../log';
import { actorOf } from './context';

const MESSAGES: Record<SessionEnd, string> = {
  'signed-out': 'you signed out; sign in again to continue',
  expired: 'your session ended; sign in again to continue',
  unverifiable: 'your session could not be checked just now; reconnect to continue',
};

function end(socket: Socket, why: SessionEnd): void {
  log.info({ user: actorOf(socket).name, namespace: socket.nsp.name, why }, 'socket closed: its session ended');
  socket.emit('error', { code: 401, message: MESSAGES[why] });
  socket.disconnect(true);
}

/**
 * Ends the sockets of `nsp` whose session was signed out (on any replica):
 * each socket is watched while it is connected, and every incoming event is
 * checked first. A check that fails ends the socket (fail closed), as the
 * HTTP path refuses a request it cannot check.
 */
export function endSocketsOnSignOut(nsp: Namespace, sessions: SessionWatch, { checkEachEvent = true } = {}): void {
  nsp.on('connection', (socket: Socket) => {
    const { sessionId, sessionEndsAt } = actorOf(socket);
    const unwatch = sessions.watch(sessionId, (why) => end(socket, why), sessionEndsAt);
    socket.once('disconnect', unwatch);
    // (Without the per-event check, the watch alone ends the socket: socket.io drops an event whose middleware ends after a disconnect, which a namespace that must keep such events cannot have.)
    if (!checkEachEvent) return;
    socket.use((_packet, next) => {
      void sessions.check(sessionId).then((verdict) => (verdict === 'valid' ? next() : end(socket, verdict)));
    });
  });
}
