import { createClient } from 'redis';
import type { ServerConfig } from '../config';
import { log } from '../log';
import { RedisUsageStore } from './redisUsageStore';
import { capacityFor, MemoryUsageStore, type UsageStore } from './usageStore';

/** In Redis when a fleet runs (REDIS_URL), over a connection of its own that closes with `signal`; in this process otherwise. */
export function createUsageStore(config: Pick<ServerConfig, 'redisUrl' | 'usageIntervalSeconds'>, signal: AbortSignal): UsageStore {
  const capacity = capacityFor(config.usageIntervalSeconds * 1000);
  if (!config.redisUrl) return new MemoryUsageStore(capacity);
  const redis = createClient({ url: config.redisUrl, disableOfflineQueue: true, RESP: 2 });
  redis.on('error', (err: Error) => log.warn({ connection: 'usage', err: err.message }, 'redis connection error'));
  void redis.connect().catch((err: Error) => log.warn({ err: err.message }, 'redis connection failed (usage)'));
  signal.addEventListener('abort', () => void redis.close().catch(() => undefined), { once: true });
  return new RedisUsageStore(redis, capacity);
}
