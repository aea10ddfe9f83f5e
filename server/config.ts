import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseWatchStreams, type WatchStreams } from '../lib/kinds';
import { runningInCluster, SERVICE_ACCOUNT_DIR } from './clusters/inCluster';

/** Start-up configuration, read once from the environment and validated. */
export interface ServerConfig {
  port: number;
  /** HOST, when set explicitly; otherwise see listenHost. */
  host?: string;
  dev: boolean;
  /** Kubeconfig files to load (KUBECONFIG may list several). Empty in demo mode. */
  kubeconfigPaths: string[];
  /** Run the built-in simulated cluster and serve it. */
  demo: boolean;
  /** No kubeconfig, but running in a pod: use its service account. */
  inCluster: boolean;
  /** Where the pod's service-account token, CA bundle and namespace are mounted (in-cluster mode). */
  serviceAccountDir: string;
  drainSeconds: number;
  /** Honour X-Forwarded-For / X-Forwarded-Proto from the proxy in front. */
  trustProxy: boolean;
  /** The portal's public origin (from NEXTAUTH_URL), when configured. */
  publicOrigin?: string;
  redisUrl?: string;
  /** How replicas share informers through Redis (with REDIS_URL). */
  fleet: {
    leaseTtlSeconds: number;
    leaseRenewSeconds: number;
    /** Deltas kept per kind in Redis for followers and resume. */
    historyLength: number;
    /** A replica renews what its people hold (streams, sockets, shells, log follows) in Redis; a dead replica's slots lapse after this. */
    heldTtlSeconds: number;
  };
  rateLimit: { perSecond: number; burst: number };
  /** How long an access-review answer is reused (RBAC changes drop them at once). */
  accessReviewTtlSeconds: number;
  /** How often the sessions of open streams and sockets are checked against the sign-out list. */
  sessionCheckSeconds: number;
  /** How long an open channel's session, once confirmed, outlives a sign-out list that cannot be reached. */
  sessionGraceSeconds: number;
  live: {
    watchStreams: WatchStreams;
    perUserLimit: number;
    heartbeatSeconds: number;
    maxNamespacesPerStream: number;
    streamMaxSeconds: number;
    informerIdleSeconds: number;
    livenessSeconds: number;
    pollIntervalSeconds: number;
    resumeBuffer: number;
    /** Bytes (roughly) of recent deltas kept per kind for resume. */
    resumeBufferBytes: number;
    /** Bytes queued for one slow SSE client before it is dropped. */
    streamBufferBytes: number;
    /** Bytes queued for all SSE clients of this replica together; over it the biggest laggards are dropped first. */
    streamBufferTotalBytes: number;
    /** A stream whose oldest change not yet written is older than this is told to reconnect (`done`: overloaded). */
    streamMaxDelaySeconds: number;
  };
  /** Groups allowed to see /debug/streams and the admin views. */
  adminGroups: string[];
  /** How often each cluster's metrics.k8s.io is sampled for the usage charts. */
  usageIntervalSeconds: number;
}

export class ConfigError extends Error {}

/**
 * Where the server listens: HOST when set; otherwise every interface, except
 * with the development sign-in (anyone who reaches the port may be a
 * cluster-admin with one click), which listens on loopback only.
 */
export function listenHost(config: Pick<ServerConfig, 'host'>, authMode: 'dev' | 'oidc'): string {
  if (config.host) return config.host;
  return authMode === 'dev' ? '127.0.0.1' : '0.0.0.0';
}

/** Whether only this machine can reach `host`. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, { min, max }: { min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be 1 or 0 (true/false), got "${env[name]}"`);
}

function watchStreams(env: Env): WatchStreams {
  try {
    return parseWatchStreams(env.CROWSNEST_WATCH_STREAMS);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

function publicOrigin(env: Env): string | undefined {
  if (!env.NEXTAUTH_URL) return undefined;
  try {
    return new URL(env.NEXTAUTH_URL).origin;
  } catch {
    throw new ConfigError(`NEXTAUTH_URL must be the portal's public URL, got "${env.NEXTAUTH_URL}"`);
  }
}

export function readConfig(env: Env = process.env, argv: string[] = process.argv.slice(2)): ServerConfig {
  const dev = argv.includes('--dev');
  const explicit = env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
  const defaultPath = join(homedir(), '.kube', 'config');
  const kubeconfigPaths = explicit.length > 0 ? explicit : existsSync(defaultPath) ? [defaultPath] : [];
  for (const path of explicit) {
    if (!existsSync(path)) throw new ConfigError(`KUBECONFIG names ${path}, which does not exist`);
  }
  const serviceAccountDir = env.CROWSNEST_SERVICE_ACCOUNT_DIR || SERVICE_ACCOUNT_DIR;
  const inCluster = runningInCluster(env, serviceAccountDir);
  const demoFlag = flag(env, 'CROWSNEST_DEMO');
  const demo = demoFlag ?? (kubeconfigPaths.length === 0 && !inCluster);
  return {
    port: integer(env, 'PORT', 3000, { min: 0, max: 65535 }),
    host: env.HOST || undefined,
    dev,
    kubeconfigPaths: demo ? [] : kubeconfigPaths,
    demo,
    inCluster: !demo && kubeconfigPaths.length === 0 && inCluster,
    serviceAccountDir,
    drainSeconds: integer(env, 'CROWSNEST_DRAIN_SECONDS', 25, { min: 0, max: 3600 }),
    trustProxy: flag(env, 'CROWSNEST_TRUST_PROXY') ?? false,
    publicOrigin: publicOrigin(env),
    redisUrl: env.REDIS_URL || undefined,
    fleet: fleetSettings(env),
    accessReviewTtlSeconds: integer(env, 'CROWSNEST_ACCESS_REVIEW_TTL_SECONDS', 10, { min: 0, max: 86_400 }),
    sessionCheckSeconds: integer(env, 'CROWSNEST_SESSION_CHECK_SECONDS', 5, { min: 1, max: 3600 }),
    sessionGraceSeconds: integer(env, 'CROWSNEST_SESSION_GRACE_SECONDS', 30, { min: 0, max: 3600 }),
    live: {
      watchStreams: watchStreams(env),
      perUserLimit: integer(env, 'CROWSNEST_WATCH_PER_USER_LIMIT', 60, { min: 0, max: 100_000 }),
      heartbeatSeconds: integer(env, 'CROWSNEST_HEARTBEAT_SECONDS', 15, { min: 1, max: 3600 }),
      maxNamespacesPerStream: integer(env, 'CROWSNEST_MAX_NAMESPACES_PER_STREAM', 50, { min: 1, max: 10_000 }),
      streamMaxSeconds: integer(env, 'CROWSNEST_STREAM_MAX_SECONDS', 3600, { min: 1, max: 86_400 }),
      informerIdleSeconds: integer(env, 'CROWSNEST_INFORMER_IDLE_SECONDS', 300, { min: 1, max: 86_400 }),
      livenessSeconds: integer(env, 'CROWSNEST_WATCH_LIVENESS_SECONDS', 90, { min: 1, max: 3600 }),
      pollIntervalSeconds: integer(env, 'CROWSNEST_POLL_INTERVAL_SECONDS', 10, { min: 1, max: 3600 }),
      resumeBuffer: integer(env, 'CROWSNEST_RESUME_BUFFER', 5000, { min: 10, max: 1_000_000 }),
      resumeBufferBytes: integer(env, 'CROWSNEST_RESUME_BUFFER_BYTES', 64 * 1024 * 1024, { min: 64 * 1024, max: 16 * 1024 * 1024 * 1024 }),
      streamBufferBytes: integer(env, 'CROWSNEST_STREAM_BUFFER_BYTES', 8 * 1024 * 1024, { min: 16 * 1024, max: 1024 * 1024 * 1024 }),
      streamBufferTotalBytes: integer(env, 'CROWSNEST_STREAM_BUFFER_TOTAL_BYTES', 256 * 1024 * 1024, { min: 64 * 1024, max: 64 * 1024 * 1024 * 1024 }),
      streamMaxDelaySeconds: integer(env, 'CROWSNEST_STREAM_MAX_DELAY_SECONDS', 5, { min: 1, max: 3600 }),
    },
    adminGroups: (env.CROWSNEST_ADMIN_GROUPS ?? '').split(',').map((g) => g.trim()).filter(Boolean),
    usageIntervalSeconds: integer(env, 'CROWSNEST_USAGE_INTERVAL_SECONDS', 15, { min: 1, max: 600 }),
    rateLimit: {
      perSecond: integer(env, 'CROWSNEST_RATE_LIMIT_PER_SECOND', 20, { min: 0, max: 1_000_000 }),
      burst: integer(env, 'CROWSNEST_RATE_LIMIT_BURST', 200, { min: 1, max: 1_000_000 }),
    },
  };
}

function fleetSettings(env: Env): ServerConfig['fleet'] {
  const leaseTtlSeconds = integer(env, 'CROWSNEST_LEASE_TTL_SECONDS', 6, { min: 2, max: 600 });
  const leaseRenewSeconds = integer(env, 'CROWSNEST_LEASE_RENEW_SECONDS', 2, { min: 1, max: 300 });
  if (leaseRenewSeconds * 2 > leaseTtlSeconds) {
    throw new ConfigError(`CROWSNEST_LEASE_RENEW_SECONDS (${leaseRenewSeconds}) must be at most half of CROWSNEST_LEASE_TTL_SECONDS (${leaseTtlSeconds}), so one late renewal does not lose the lease`);
  }
  return {
    leaseTtlSeconds,
    leaseRenewSeconds,
    historyLength: integer(env, 'CROWSNEST_FLEET_HISTORY', 10_000, { min: 100, max: 10_000_000 }),
    heldTtlSeconds: integer(env, 'CROWSNEST_FLEET_HELD_TTL_SECONDS', 15, { min: 3, max: 3600 }),
  };
}
