import type { Limits } from '../limits';
import type { LogUpstreams } from './logs/logHub';
import type { Socket } from 'socket.io';
import type { ZodType } from 'zod';
import type { Actor } from '../../lib/actor';
import { describeIssues, type ErrorEvent } from '../../lib/sockets/protocol';
import type { SessionWatch } from '../auth/sessionWatch';
import type { ClusterRegistry } from '../clusters/clusterRegistry';
import type { SocketData } from './handshake';
import { socketMetrics } from './metrics';
import type { SocketConfig } from './socketConfig';

/** What the `/logs` and `/shell` namespaces need from the running server. */
export interface SocketDeps {
  clusters: ClusterRegistry;
  /** Ends channels whose session was signed out (shared with the SSE streams). */
  sessions: SessionWatch;
  config: SocketConfig;
  /** The root signal: aborted on drain. */
  signal: AbortSignal;
  /** Where per-person caps are counted (this replica, or the fleet). */
  limits: Limits;
  /** With a fleet: log upstreams shared by every replica through Redis (this process's own while Redis is away). */
  logUpstreams?: (options: { ringLines: number; signal: AbortSignal }) => LogUpstreams;
}

export function actorOf(socket: Socket): Actor {
  return (socket.data as SocketData).actor;
}

export function refuse(socket: Socket, error: ErrorEvent): void {
  socketMetrics.refusals.inc({ namespace: socket.nsp.name, code: String(error.code) });
  socket.emit('error', error);
}

/**
 * Parses an event's payload at the edge. A malformed one is answered with an
 * `error` event (400) and the socket stays usable; null tells the caller to stop.
 */
export function parsePayload<T>(socket: Socket, event: string, schema: ZodType<T>, payload: unknown): T | null {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  refuse(socket, { code: 400, event, message: `malformed "${event}": ${describeIssues(parsed.error)}` });
  return null;
}
