import { randomBytes } from 'node:crypto';
import type { InformerLease, Ownership } from '../live/deltaBus';
import { sleep } from '../kube/watchLoop';
import { log } from '../log';
import { topicKeys } from './redisBus';
import { keepTrying, redisBackoffMs } from './retry';
import { RedisScript, scriptError, type RedisCommander } from './redisScripts';

/**
 * Takes a free lease and returns the new owner's fencing token: the topic's
 * count of owners so far and a nonce, so a token is never handed out twice
 * (not even after Redis lost the count).
 */
const ACQUIRE = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local fence = redis.call('INCR', KEYS[2]) .. '.' .. ARGV[3]
redis.call('SET', KEYS[3], fence)
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'PX', ARGV[2])
redis.call('SET', KEYS[4], ARGV[4])
return fence
`);

const RENEW = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]); return 1 end
return 0
`);

const REPLICAS = 'crowsnest:replicas';
const FREED = 'crowsnest:lease-freed';

export interface LeaseSettings {
  ttlMs: number;
  renewMs: number;
}

/** FNV-1a. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Informer ownership across a fleet: a lease per topic in Redis (SET NX PX,
 * renewed by its holder), with a fencing token that grows with every new
 * owner. A free topic goes first to the live replica that ranks highest for
 * it (rendezvous hashing), so owners spread over the fleet; the others take
 * it when that replica does not within a short grace. A released lease is
 * announced, so a waiting replica takes it at once.
 */
export class RedisLease implements InformerLease {
  private live: string[] = [];
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly redis: RedisCommander,
    readonly replicaId: string,
    private readonly settings: LeaseSettings,
    private readonly signal: AbortSignal,
  ) {}

  /** Heartbeats this replica into the fleet and listens for freed leases (`subscribe` on a connection of its own); both retry while Redis is away. */
  start(subscribe: (channel: string, listener: (message: string) => void) => Promise<void>): void {
    void keepTrying(this.signal, () =>
      subscribe(FREED, (topic) => {
        for (const wake of this.waiters.get(topic) ?? []) wake();
      }),
    );
    void (async () => {
      while (!this.signal.aborted) {
        await this.heartbeat().catch(() => undefined);
        await sleep(this.settings.renewMs, this.signal);
      }
      await this.redis.sendCommand(['ZREM', REPLICAS, this.replicaId]).catch(() => undefined);
    })();
  }

  private async heartbeat(): Promise<void> {
    const now = Date.now();
    await this.redis.sendCommand(['ZADD', REPLICAS, String(now + this.settings.ttlMs), this.replicaId]);
    await this.redis.sendCommand(['ZREMRANGEBYSCORE', REPLICAS, '-inf', String(now)]);
    this.live = await this.redis.sendCommand<string[]>(['ZRANGEBYSCORE', REPLICAS, String(now), '+inf']);
  }

  /** The live replicas, as last seen. */
  replicas(): string[] {
    return this.live;
  }

  /** Who holds the lease of `topic` now, since when (ms) and for how much longer, for diagnostics; null when nobody does. */
  async holder(topic: string): Promise<{ replica: string; fence: string; since: number | null; expiresInMs: number } | null> {
    const keys = topicKeys(topic);
    const [value, since, ttl] = await Promise.all([
      this.redis.sendCommand<string | null>(['GET', keys.lease]),
      this.redis.sendCommand<string | null>(['GET', keys.leasedAt]),
      this.redis.sendCommand<number>(['PTTL', keys.lease]),
    ]);
    if (typeof value !== 'string') return null;
    const split = value.lastIndexOf(':');
    const at = Number(since);
    return { replica: value.slice(0, split), fence: value.slice(split + 1), since: since !== null && Number.isFinite(at) ? at : null, expiresInMs: Math.max(0, Number(ttl)) };
  }

  /** Whether this replica ranks first for `topic` among the live ones. */
  private preferred(topic: string): boolean {
    let best = this.replicaId;
    let bestScore = hash(`${topic}|${this.replicaId}`);
    for (const id of this.live) {
      const score = hash(`${topic}|${id}`);
      if (score > bestScore || (score === bestScore && id > best)) {
        best = id;
        bestScore = score;
      }
    }
    return best === this.replicaId;
  }

  async acquire(topic: string, signal: AbortSignal): Promise<Ownership | null> {
    const keys = topicKeys(topic);
    let failures = 0;
    while (!signal.aborted && !this.signal.aborted) {
      try {
        const free = (await this.redis.sendCommand<number>(['EXISTS', keys.lease])) === 0;
        if (free) {
          // Another replica ranks higher: give it a moment to take the topic.
          if (!this.preferred(topic)) await this.wait(topic, Math.min(1000, this.settings.renewMs), signal);
          const fence = await ACQUIRE.run<string | null>(this.redis, [keys.lease, keys.owners, keys.fence, keys.leasedAt], [this.replicaId, this.settings.ttlMs, randomBytes(6).toString('hex'), Date.now()]);
          if (typeof fence === 'string') return this.hold(topic, fence);
        }
        failures = 0;
        await this.wait(topic, this.settings.renewMs, signal);
      } catch (err) {
        failures++;
        log.warn({ topic, err: scriptError(err) }, 'could not reach Redis for an informer lease');
        await sleep(redisBackoffMs(failures), signal);
      }
    }
    return null;
  }

  /** Waits `ms`, or less when a lease of `topic` is announced free. */
  private wait(topic: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(topic);
      if (!set) this.waiters.set(topic, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.waiters.get(topic) === set) this.waiters.delete(topic);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /** Renews the lease until it is released or lost; a renewal that fails for a whole TTL counts as lost. */
  private hold(topic: string, fence: string): Ownership {
    const keys = topicKeys(topic);
    const value = `${this.replicaId}:${fence}`;
    const lost = new AbortController();
    let renewedAt = Date.now();
    const timer = setInterval(() => {
      RENEW.run<number>(this.redis, [keys.lease], [value, this.settings.ttlMs])
        .then((ok) => {
          if (ok === 1) renewedAt = Date.now();
          else lose('another replica holds the lease');
        })
        .catch((err: unknown) => {
          if (Date.now() - renewedAt >= this.settings.ttlMs) lose(`could not renew for a whole TTL: ${scriptError(err)}`);
        });
    }, this.settings.renewMs);
    const lose = (why: string) => {
      if (lost.signal.aborted) return;
      clearInterval(timer);
      log.warn({ topic, fence, why }, 'informer lease lost');
      lost.abort(new Error(why));
    };
    return {
      fence,
      lost: lost.signal,
      release: async () => {
        clearInterval(timer);
        if (!lost.signal.aborted) lost.abort(new Error('released'));
        const released = await RELEASE.run<number>(this.redis, [keys.lease], [value]).catch(() => 0);
        if (released === 1) await this.redis.sendCommand(['PUBLISH', FREED, topic]).catch(() => undefined);
      },
    };
  }
}
