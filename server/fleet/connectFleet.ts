import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createClient } from 'redis';
import { RedisRevocations, type Revocations } from '../auth/revocations';
import type { ServerConfig } from '../config';
import type { DeltaBus, InformerLease } from '../live/deltaBus';
import { log } from '../log';
import { RedisDeltaBus } from './redisBus';
import { RedisLease } from './redisLease';

export interface Fleet {
  replicaId: string;
  bus: DeltaBus;
  lease: InformerLease;
  revocations: Revocations;
  /** Closes the Redis connections (after the informers gave their leases back). */
  close(): Promise<void>;
}

/**
 * The Redis side of a fleet: the delta bus, informer leases and the sign-out
 * list, over three connections (commands, the blocking stream reader, and
 * the lease announcements' subscription).
 */
export async function connectFleet(config: ServerConfig, signal: AbortSignal): Promise<Fleet> {
  const replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // RESP2: the fleet reads raw replies in their array shapes. No offline queue: while Redis is unreachable a command fails at once (and the caller decides) instead of waiting.
  const redis = createClient({ url: config.redisUrl, disableOfflineQueue: true, RESP: 2 });
  const tail = redis.duplicate();
  const sub = redis.duplicate();
  for (const [name, client] of [['commands', redis], ['streams', tail], ['announcements', sub]] as const) {
    client.on('error', (err: Error) => log.warn({ connection: name, err: err.message }, 'redis connection error'));
  }
  await Promise.all([redis.connect(), tail.connect(), sub.connect()]);

  const bus = new RedisDeltaBus(redis, tail, replicaId, { historyLength: config.fleet.historyLength, recentLength: config.live.resumeBuffer, checkMs: 5000 }, signal);
  const lease = new RedisLease(redis, replicaId, { ttlMs: config.fleet.leaseTtlSeconds * 1000, renewMs: config.fleet.leaseRenewSeconds * 1000 }, signal);
  bus.start();
  await lease.start((channel, listener) => sub.subscribe(channel, listener));
  log.info({ replicaId }, 'joined the fleet through Redis');
  return {
    replicaId,
    bus,
    lease,
    revocations: new RedisRevocations(redis),
    async close() {
      // The stream reader may be blocked in XREAD: it is cut, not waited for.
      tail.destroy();
      await Promise.all([redis, sub].map((client) => client.close().catch(() => client.destroy())));
    },
  };
}
