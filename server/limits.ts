/** What a person holds open and is capped: SSE streams, socket.io connections, shells, log follows. */
export type LimitPool = 'streams' | 'sockets' | 'shells' | 'logs';

/**
 * Per-person caps. `take` answers with a release function (call it once,
 * when the thing held ends), or null when the person already holds `cap` in
 * `pool`; a cap of 0 means no limit. With one replica the counts live here;
 * a fleet counts across every replica in Redis (see RedisLimits).
 */
export interface Limits {
  take(pool: LimitPool, user: string, cap: number): Promise<(() => void) | null>;
  /** How many `user` holds in `pool` (across the fleet when shared). */
  held(pool: LimitPool, user: string): Promise<number>;
}

/** The caps of one replica. */
export class MemoryLimits implements Limits {
  private readonly counts = new Map<string, number>();

  async take(pool: LimitPool, user: string, cap: number): Promise<(() => void) | null> {
    return this.takeNow(pool, user, cap);
  }

  /** The same, at once (for callers that cannot wait). */
  takeNow(pool: LimitPool, user: string, cap: number): (() => void) | null {
    const key = `${pool}\u0000${user}`;
    const count = this.counts.get(key) ?? 0;
    if (cap > 0 && count >= cap) return null;
    this.counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  async held(pool: LimitPool, user: string): Promise<number> {
    return this.counts.get(`${pool}\u0000${user}`) ?? 0;
  }
}
