import type { MetricsState } from '../../lib/usage';
import { log } from '../log';
import { RedisScript, scriptError, type RedisCommander } from '../fleet/redisScripts';
import { MemoryUsageStore, USAGE_WINDOW_MS, type UsageStore } from './usageStore';
import type { UsageSample } from './sample';

/** Appends a sample and keeps only the newest ARGV[2]; the list lapses when nobody samples for a whole window. */
const APPEND = new RedisScript(`
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

function keys(cluster: string) {
  const base = `crowsnest:usage:{${cluster}}`;
  return { samples: `${base}:samples`, state: `${base}:state` };
}

/**
 * A fleet's usage: the sampling replica appends to a capped list per cluster in
 * Redis and every replica reads it, so all serve the same series. While Redis
 * does not answer, a replica serves what it sampled itself (SwitchingLease
 * makes every replica sample then), kept in memory beside.
 */
export class RedisUsageStore implements UsageStore {
  private readonly local: MemoryUsageStore;
  /** Per cluster, the list as last read and its newest sample's time: read again only when a newer sample is in. */
  private readonly cache = new Map<string, { newest: number; samples: UsageSample[] }>();

  constructor(
    private readonly redis: RedisCommander,
    private readonly capacity: number,
  ) {
    this.local = new MemoryUsageStore(capacity);
  }

  private async orLocal<T>(what: string, shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    try {
      return await shared();
    } catch (err) {
      log.debug({ err: scriptError(err) }, `usage: Redis did not answer (${what}): using this replica's own samples`);
      return local();
    }
  }

  async append(cluster: string, sample: UsageSample): Promise<void> {
    await this.local.append(cluster, sample);
    await APPEND.run(this.redis, [keys(cluster).samples], [JSON.stringify(sample), this.capacity, USAGE_WINDOW_MS]).catch((err: unknown) =>
      log.warn({ cluster, err: scriptError(err) }, 'usage: could not store a sample in Redis'),
    );
  }

  samples(cluster: string, sinceMs: number): Promise<UsageSample[]> {
    return this.orLocal(
      'samples',
      async () => {
        const newest = await this.latest(cluster);
        if (!newest) return [];
        let cached = this.cache.get(cluster);
        if (cached?.newest !== newest.t) {
          const raw = await this.redis.sendCommand<string[]>(['LRANGE', keys(cluster).samples, '0', '-1']);
          const samples = raw.map((text) => JSON.parse(text) as UsageSample);
          cached = { newest: samples.at(-1)?.t ?? newest.t, samples };
          this.cache.set(cluster, cached);
        }
        return cached.samples.filter((s) => s.t >= sinceMs);
      },
      () => this.local.samples(cluster, sinceMs),
    );
  }

  latest(cluster: string): Promise<UsageSample | undefined> {
    return this.orLocal(
      'latest',
      async () => {
        const raw = await this.redis.sendCommand<string | null>(['LINDEX', keys(cluster).samples, '-1']);
        return raw === null ? undefined : (JSON.parse(raw) as UsageSample);
      },
      () => this.local.latest(cluster),
    );
  }

  async setState(cluster: string, state: MetricsState): Promise<void> {
    await this.local.setState(cluster, state);
    await this.redis.sendCommand(['SET', keys(cluster).state, JSON.stringify(state), 'PX', String(USAGE_WINDOW_MS)]).catch(() => undefined);
  }

  state(cluster: string): Promise<MetricsState | undefined> {
    return this.orLocal(
      'state',
      async () => {
        const raw = await this.redis.sendCommand<string | null>(['GET', keys(cluster).state]);
        return raw === null ? undefined : (JSON.parse(raw) as MetricsState);
      },
      () => this.local.state(cluster),
    );
  }
}
