import type { Namespace, Socket } from 'socket.io';
import type { Revocations } from '../auth/revocations';
import { log } from '../log';
import { actorOf } from './context';

/**
 * Ends sockets whose session was signed out (on any replica: the revocation
 * list is shared). Sign-out does not reach open WebSockets by itself, so
 * while any socket of these namespaces is open their sessions are checked
 * every `intervalMs`, and on every incoming event; a revoked one is
 * disconnected, which closes its shells and log streams.
 */
export class SessionWatch {
  private timer: NodeJS.Timeout | undefined;
  private readonly namespaces: Namespace[] = [];

  constructor(
    private readonly revocations: Revocations,
    private readonly intervalMs: number,
    signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => clearInterval(this.timer), { once: true });
  }

  watch(nsp: Namespace): void {
    this.namespaces.push(nsp);
    nsp.on('connection', (socket: Socket) => {
      this.ensureRunning();
      socket.use((_packet, next) => {
        void this.revoked(socket).then((gone) => (gone ? this.end([socket]) : next()));
      });
    });
  }

  private ensureRunning(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  private revoked(socket: Socket): Promise<boolean> {
    return this.revocations.isRevoked(actorOf(socket).sessionId).catch(() => false);
  }

  private async sweep(): Promise<void> {
    const bySession = new Map<string, Socket[]>();
    for (const nsp of this.namespaces) {
      for (const socket of nsp.sockets.values()) {
        const id = actorOf(socket).sessionId;
        const list = bySession.get(id);
        if (list) list.push(socket);
        else bySession.set(id, [socket]);
      }
    }
    if (bySession.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    for (const [sessionId, sockets] of bySession) {
      if (await this.revocations.isRevoked(sessionId).catch(() => false)) this.end(sockets);
    }
  }

  private end(sockets: Socket[]): void {
    for (const socket of sockets) {
      log.info({ user: actorOf(socket).name, namespace: socket.nsp.name }, 'socket closed: the session was signed out');
      socket.emit('error', { code: 401, message: 'you signed out; sign in again to continue' });
      socket.disconnect(true);
    }
  }
}
