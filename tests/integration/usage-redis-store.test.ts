import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { RedisUsageStore } from '../../server/usage/redisUsageStore';
import type { UsageSample } from '../../server/usage/sample';
import { startRedis } from '../support/redis';
import { until } from '../support/until';

const aSample = (t: number): UsageSample => ({ t, nodes: { 'node-1': [t / 1e6, 2 ** 30] }, pods: { 'team-a/web-1': { labels: { app: 'web' }, containers: { web: [0.1, 2 ** 20] } } } });

describe('RedisUsageStore against a real redis-server', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: Array<{ destroy(): void }> = [];
  const connect = async () => {
    const client = createClient({ url: redis.url, disableOfflineQueue: true, RESP: 2 });
    client.on('error', () => undefined);
    await client.connect();
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await redis?.stop();
  });

  it('lets one replica write and another read the same samples, capped at the capacity', async () => {
    const writer = new RedisUsageStore(await connect(), 3);
    const reader = new RedisUsageStore(await connect(), 3);
    for (const t of [1000, 2000, 3000, 4000]) await writer.append('shared', aSample(t));
    expect((await reader.samples('shared', 0)).map((s) => s.t)).toEqual([2000, 3000, 4000]);
    expect((await reader.samples('shared', 3000)).map((s) => s.t)).toEqual([3000, 4000]);
    expect((await reader.latest('shared'))?.t).toBe(4000);
    // A new sample is seen at once, not hidden by what the reader read before.
    await writer.append('shared', aSample(5000));
    expect((await reader.samples('shared', 0)).map((s) => s.t)).toEqual([3000, 4000, 5000]);
    expect(await reader.samples('other', 0)).toEqual([]);
  });

  it('shares the state of the metrics API', async () => {
    const writer = new RedisUsageStore(await connect(), 3);
    const reader = new RedisUsageStore(await connect(), 3);
    await writer.setState('c', { state: 'not-installed', reason: 'no metrics-server', since: '2026-01-01T00:00:00Z' });
    expect(await reader.state('c')).toEqual({ state: 'not-installed', reason: 'no metrics-server', since: '2026-01-01T00:00:00Z' });
    expect(await reader.state('unknown')).toBeUndefined();
  });

  it('serves its own samples while Redis does not answer', async () => {
    const client = await connect();
    const store = new RedisUsageStore(client, 5);
    await store.append('alone', aSample(1000));
    client.destroy();
    await until(() => !client.isOpen);
    await store.append('alone', aSample(2000));
    expect((await store.samples('alone', 0)).map((s) => s.t)).toEqual([1000, 2000]);
    expect((await store.latest('alone'))?.t).toBe(2000);
  });
});
