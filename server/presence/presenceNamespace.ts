import type { Namespace, Socket } from 'socket.io';
import { viewSchema, type PresenceClientEvents, type PresenceServerEvents } from '../../lib/presence';
import type { Untrusted } from '../../lib/sockets/protocol';
import { actorOf, parsePayload } from '../sockets/context';
import type { PresenceHub } from './presenceHub';

export type PresenceNamespace = Namespace<Untrusted<PresenceClientEvents>, PresenceServerEvents>;

/**
 * `/presence`: each tab says which page it shows (`view {path}`); everyone on
 * a page is sent `viewers {path, users}` whenever that list changes, in this
 * replica or another.
 */
export function registerPresence(nsp: PresenceNamespace, hub: PresenceHub): void {
  const room = (path: string) => `page:${path}`;
  hub.onChange((paths) => {
    for (const path of paths) nsp.to(room(path)).emit('viewers', { path, users: hub.viewers(path) });
  });
  nsp.on('connection', (socket: Socket<Untrusted<PresenceClientEvents>, PresenceServerEvents>) => {
    const actor = actorOf(socket);
    let current: string | undefined;
    socket.on('view', (payload: unknown) => {
      const parsed = parsePayload(socket, 'view', viewSchema, payload);
      if (!parsed) return;
      if (current) void socket.leave(room(current));
      current = parsed.path;
      void socket.join(room(current));
      hub.view(socket.id, actor.name, current);
      // The list as it is now, even when this tab changed nothing (another tab of the same person was here).
      socket.emit('viewers', { path: current, users: hub.viewers(current) });
    });
    socket.on('disconnect', () => hub.leave(socket.id));
  });
}
