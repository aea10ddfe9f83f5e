import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createClient } from 'redis';
import { RedisRevocations, type Revocations } from '../auth/revocations';
import { FleetRevocations } from './fleetRevocations';
import type { ServerConfig } from '../config';
import type { DeltaBus, InformerLease } from '../live/deltaBus';
import { log } from '../log';
import { RedisDeltaBus, type KnownStream } from './redisBus';
import { FleetLink } from './fleetLink';
import { FollowerReports } from './followerReports';
import { RedisLease } from './redisLease';
import { RedisLimits } from './redisLimits';
import { RedisRbacFeed } from './redisRbac';
import { claimSharedClusters } from './sharedClusters';
import type { Limits } from '../limits';
import { SwitchingBus, SwitchingLease, SwitchingLogHub } from './switching';
import { RedisLogRelay } from './redisLogs';
import { LogHub, type LogUpstreams } from '../sockets/logs/logHub';
import { RedisYardStorage } from './redisYards';

/** The channel on which replicas announce sign-outs to each other. */
const SIGNED_OUT = 'crowsnest:signed-out';

export interface Fleet {
  replicaId: string;
  /** Whether Redis answers: when it does not, this replica serves from its own informers (degraded). */
  link: FleetLink;
  bus: DeltaBus;
  lease: InformerLease;
  revocations: Revocations;
  /** The live replicas of the fleet (as last seen by this one's heartbeat). */
  replicas(): string[];
  /** Where every replica's copy of each topic is, for diagnostics (started once the live data exists). */
  followers: FollowerReports;
  /** Who holds a topic's lease, for diagnostics. */
  holder(topic: string): ReturnType<RedisLease['holder']>;
  /** A kind's stream in Redis, for diagnostics. */
  describe(topic: string): Promise<{ length: number; first: string | null; last: string | null }>;
  /** A kind's stream as this replica knows it without asking Redis, for metrics. */
  knownStream(topic: string): KnownStream | undefined;
  /** Refuses to serve a cluster name that means another API server to the rest of the fleet (a ConfigError). */
  claimClusters(clusters: Array<{ name: string; server: string }>): Promise<void>;
  /** Each cluster's RBAC, watched by one replica for the fleet and announced to the others. */
  rbac: RedisRbacFeed;
  /** Per-person caps counted across the fleet. */
  limits: Limits;
  /** The yards, kept in Redis and followed by every replica that has one open. */
  yards: RedisYardStorage;
  /** A channel every replica hears (Redis PUBLISH / SUBSCRIBE), for what is not kept (presence). */
  channel(name: string): { publish(message: string): Promise<unknown>; subscribe(listener: (message: string) => void): Promise<unknown> };
  /** Log upstreams shared by the fleet (one follow per container), this replica's own while Redis is away. */
  logUpstreams(options: { ringLines: number; signal: AbortSignal }): LogUpstreams;
  /** Closes the Redis connections (after the informers gave their leases back). */
  close(): Promise<void>;
}

/**
 * The Redis side of a fleet: the delta bus, informer leases and the sign-out
 * list, the yards and the relayed logs, over five connections (commands, the
 * blocking stream reader, the yards' and the logs' blocking readers, and the
 * announcements' subscription).
 */
export async function connectFleet(config: ServerConfig, signal: AbortSignal): Promise<Fleet> {
  const replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // RESP2: the fleet reads raw replies in their array shapes. No offline queue: while Redis is unreachable a command fails at once (and the caller decides) instead of waiting.
  const redis = createClient({ url: config.redisUrl, disableOfflineQueue: true, RESP: 2 });
  const tail = redis.duplicate();
  const sub = redis.duplicate();
  const yardReader = redis.duplicate();
  const logReader = redis.duplicate();
  for (const [name, client] of [['commands', redis], ['streams', tail], ['announcements', sub], ['yards', yardReader], ['logs', logReader]] as const) {
    client.on('error', (err: Error) => log.warn({ connection: name, err: err.message }, 'redis connection error'));
  }
  // The clients reconnect by themselves for as long as it takes; start-up does not wait for them.
  for (const client of [redis, tail, sub, yardReader, logReader]) void client.connect().catch((err: Error) => log.warn({ err: err.message }, 'redis connection failed'));
  const link = new FleetLink(redis, signal);

  const bus = new RedisDeltaBus(redis, tail, replicaId, { historyLength: config.fleet.historyLength, recentLength: config.live.resumeBuffer, checkMs: 5000 }, signal);
  const lease = new RedisLease(redis, replicaId, { ttlMs: config.fleet.leaseTtlSeconds * 1000, renewMs: config.fleet.leaseRenewSeconds * 1000 }, signal);
  // Before the first informers start: a replica that finds Redis at once joins the fleet from the beginning.
  if ((await link.waitUp(3000)) === 'up') log.info({ replicaId }, 'joined the fleet through Redis');
  else log.warn({ replicaId, reason: link.reason }, 'redis is unreachable at start: serving from this replica\'s own informers until it answers (degraded)');
  link.start();
  bus.start();
  const limits = new RedisLimits(redis, link, signal, config.fleet.heldTtlSeconds * 1000);
  limits.start();
  lease.start((channel, listener) => sub.subscribe(channel, listener));
  const yards = new RedisYardStorage(redis, yardReader, replicaId, link, signal);
  yards.start((channel, listener) => sub.subscribe(channel, listener));
  const leases = new SwitchingLease(lease, link);
  const rbac = new RedisRbacFeed(redis, leases, replicaId, { ttlMs: config.fleet.leaseTtlSeconds * 1000, beatMs: config.fleet.leaseRenewSeconds * 1000 }, signal, (channel, listener) =>
    sub.subscribe(channel, listener),
  );
  const logRelay = new RedisLogRelay(redis, logReader, replicaId, { ttlMs: config.fleet.leaseTtlSeconds * 1000, renewMs: config.fleet.leaseRenewSeconds * 1000 }, signal);
  logRelay.start();
  return {
    replicaId,
    link,
    bus: new SwitchingBus(bus, link),
    lease: leases,
    rbac,
    limits,
    yards,
    channel: (name) => ({
      publish: (message) => redis.sendCommand(['PUBLISH', name, message]),
      subscribe: (listener) => sub.subscribe(name, listener),
    }),
    replicas: () => lease.replicas(),
    claimClusters: (clusters) => claimSharedClusters(redis, link, clusters, signal),
    describe: (topic) => bus.describe(topic),
    knownStream: (topic) => bus.knownStream(topic),
    holder: (topic) => lease.holder(topic),
    followers: new FollowerReports(redis, replicaId, config.fleet.leaseRenewSeconds * 1000, signal),
    revocations: new FleetRevocations(
      new RedisRevocations(redis),
      link,
      (message) => redis.sendCommand(['PUBLISH', SIGNED_OUT, message]),
      signal,
      (listener) => sub.subscribe(SIGNED_OUT, listener),
    ),
    logUpstreams: (options) => new SwitchingLogHub(new LogHub({ ...options, source: (key) => logRelay.source(key) }), new LogHub(options), link),
    async close() {
      // The RBAC watches give their leases back first.
      await rbac.settled();
      // The stream readers may be blocked in XREAD: they are cut, not waited for.
      tail.destroy();
      yardReader.destroy();
      logReader.destroy();
      await Promise.all([redis, sub].map((client) => client.close().catch(() => client.destroy())));
    },
  };
}
