import { describe, expect, it } from 'vitest';
import { RateLimiter } from '@/server/http/rateLimiter';

describe('the per-client rate limiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const limiter = new RateLimiter(2, 3);
    const t = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a', t).allowed)).toEqual([true, true, true]);
    expect(limiter.take('a', t)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('b', t).allowed).toBe(true);
    expect(limiter.take('a', t + 500).allowed).toBe(true);
  });

  it('forgets idle clients when the table is full', () => {
    const limiter = new RateLimiter(1000, 1, 10);
    for (let i = 0; i < 100; i++) limiter.take(`client-${i}`, i * 10);
    expect((limiter as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(10);
  });

  it('is off at zero rate', () => {
    const limiter = new RateLimiter(0, 1);
    for (let i = 0; i < 100; i++) expect(limiter.take('a').allowed).toBe(true);
  });
});
