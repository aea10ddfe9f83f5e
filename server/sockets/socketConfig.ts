import { ConfigError } from '../config';

/** Limits of the `/logs` and `/shell` namespaces, read once from the environment at start-up. */
export interface SocketConfig {
  /** socket.io connections (one per namespace joined) per user in this process; 0 = no cap (CROWSNEST_SOCKETS_PER_USER). */
  socketsPerUser: number;
  /** Open shells per user in this process; 0 = no cap (CROWSNEST_SHELLS_PER_USER). */
  shellsPerUser: number;
  /** Log subscriptions per user in this process; 0 = no cap (CROWSNEST_LOG_STREAMS_PER_USER). */
  logStreamsPerUser: number;
  /** A shell with no input and no output for this long is closed (CROWSNEST_SHELL_IDLE_SECONDS). */
  shellIdleSeconds: number;
  /** Recent lines each shared log upstream keeps for late joiners (CROWSNEST_LOG_RING_LINES). */
  logRingLines: number;
  /** What one client may have waiting to be sent before the oldest is dropped (CROWSNEST_SOCKET_BUFFER_BYTES). */
  clientBufferBytes: number;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function readSocketConfig(env: Env = process.env): SocketConfig {
  return {
    socketsPerUser: integer(env, 'CROWSNEST_SOCKETS_PER_USER', 20, 0, 10_000),
    shellsPerUser: integer(env, 'CROWSNEST_SHELLS_PER_USER', 5, 0, 10_000),
    logStreamsPerUser: integer(env, 'CROWSNEST_LOG_STREAMS_PER_USER', 20, 0, 10_000),
    shellIdleSeconds: integer(env, 'CROWSNEST_SHELL_IDLE_SECONDS', 1800, 1, 7 * 86_400),
    logRingLines: integer(env, 'CROWSNEST_LOG_RING_LINES', 1000, 10, 1_000_000),
    clientBufferBytes: integer(env, 'CROWSNEST_SOCKET_BUFFER_BYTES', 1024 * 1024, 4096, 1024 * 1024 * 1024),
  };
}
