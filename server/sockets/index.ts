import type { Server } from 'socket.io';
import { LOGS_NAMESPACE, SHELL_NAMESPACE } from '../../lib/sockets/protocol';
import type { SocketDeps } from './context';
import { registerLogs } from './logs/logsNamespace';
import { endSocketsOnSignOut } from './sessionWatch';
import { registerShell } from './shell/shellNamespace';
import { YARD_NAMESPACE } from '../../lib/yard/model';
import { registerYard } from '../yard/yardNamespace';
import type { Yards } from '../yard/yards';
import { PRESENCE_NAMESPACE } from '../../lib/presence';
import type { PresenceHub } from '../presence/presenceHub';
import { registerPresence } from '../presence/presenceNamespace';

export { readSocketConfig } from './socketConfig';
export type { SocketDeps } from './context';

/** Registers `/logs`, `/shell`, `/yard` and `/presence` on the portal's socket.io server (the handshake is installed by the caller). */
export function registerSockets(io: Server, deps: SocketDeps & { yards: Yards; presence: PresenceHub }): void {
  const logs = io.of(LOGS_NAMESPACE);
  const shell = io.of(SHELL_NAMESPACE);
  const yard = io.of(YARD_NAMESPACE);
  endSocketsOnSignOut(logs, deps.sessions);
  endSocketsOnSignOut(shell, deps.sessions);
  endSocketsOnSignOut(yard, deps.sessions, { checkEachEvent: false });
  registerLogs(logs, deps);
  registerShell(shell, deps);
  registerYard(yard, deps.yards);
  const presence = io.of(PRESENCE_NAMESPACE);
  endSocketsOnSignOut(presence, deps.sessions);
  registerPresence(presence, deps.presence);
}
