import { randomBytes } from 'node:crypto';
import type { LimitPool, Limits } from '../limits';
import { MemoryLimits } from '../limits';
import { sleep } from '../kube/watchLoop';
import type { FleetLink } from './fleetLink';
import { RedisScript, type RedisCommander } from './redisScripts';

/** Takes a slot when fewer than the cap are held (expired ones do not count). */
const TAKE = new RedisScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if tonumber(ARGV[4]) > 0 and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`);

/** Extends the slots this replica still holds. */
const RENEW = new RedisScript(`
for i = 3, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

const key = (pool: LimitPool, user: string) => `crowsnest:held:${pool}:{${user}}`;

/**
 * Per-person caps counted across the fleet: each slot is a member of a sorted
 * set per (pool, person) scored by its expiry, renewed by the replica holding
 * it; a replica that dies stops renewing, and its slots lapse within `ttlMs`.
 * While Redis is away, each replica counts what it holds itself.
 */
export class RedisLimits implements Limits {
  private readonly local = new MemoryLimits();
  /** Slots this replica holds in Redis: key → member ids. */
  private readonly mine = new Map<string, Set<string>>();

  constructor(
    private readonly redis: RedisCommander,
    private readonly link: FleetLink,
    private readonly signal: AbortSignal,
    private readonly ttlMs = 15_000,
  ) {}

  start(): void {
    void (async () => {
      while (!this.signal.aborted) {
        await sleep(this.ttlMs / 3, this.signal);
        if (this.link.state === 'up') await this.renew().catch(() => undefined);
      }
    })();
  }

  private async renew(): Promise<void> {
    const expiry = String(Date.now() + this.ttlMs);
    for (const [k, members] of this.mine) {
      if (members.size > 0) await RENEW.run(this.redis, [k], [expiry, this.ttlMs * 2, ...members]);
    }
  }

  async take(pool: LimitPool, user: string, cap: number): Promise<(() => void) | null> {
    if (this.link.state === 'down') return this.local.take(pool, user, cap);
    const k = key(pool, user);
    const member = randomBytes(8).toString('hex');
    const now = Date.now();
    let taken: number;
    try {
      taken = Number(await TAKE.run(this.redis, [k], [now, now + this.ttlMs, member, cap, this.ttlMs * 2]));
    } catch {
      // Redis went away mid-call: count here, as when it is known to be down.
      return this.local.take(pool, user, cap);
    }
    if (taken !== 1) return null;
    let set = this.mine.get(k);
    if (!set) this.mine.set(k, (set = new Set()));
    set.add(member);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      set.delete(member);
      if (set.size === 0 && this.mine.get(k) === set) this.mine.delete(k);
      void this.redis.sendCommand(['ZREM', k, member]).catch(() => undefined);
    };
  }

  async held(pool: LimitPool, user: string): Promise<number> {
    if (this.link.state === 'down') return this.local.held(pool, user);
    const k = key(pool, user);
    return Number(await this.redis.sendCommand(['ZCOUNT', k, String(Date.now()), '+inf']));
  }
}
