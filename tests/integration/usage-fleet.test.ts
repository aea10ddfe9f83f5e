import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageResponse } from '../../lib/usage';
import { startPortal, type Portal } from '../support/portal';
import { startRedis } from '../support/redis';
import { signInAs, type CookieJar } from '../support/session';
import { sharedCluster } from '../support/sharedCluster';
import { until } from '../support/until';

const SAMPLING = 'usage: sampling this cluster';

describe('usage in a fleet: one sampler, every replica serves its series', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let cluster: Awaited<ReturnType<typeof sharedCluster>>;
  let alice: CookieJar;
  const portals: Portal[] = [];
  const secret = randomBytes(32).toString('base64url');

  const startReplica = () =>
    startPortal({
      ...cluster.env,
      REDIS_URL: redis.url,
      NEXTAUTH_SECRET: secret,
      CROWSNEST_USAGE_INTERVAL_SECONDS: '1',
      CROWSNEST_LEASE_TTL_SECONDS: '3',
      CROWSNEST_LEASE_RENEW_SECONDS: '1',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
      CROWSNEST_DRAIN_SECONDS: '5',
    });

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await sharedCluster();
    portals.push(...(await Promise.all([startReplica(), startReplica()])));
    alice = await signInAs(portals[0].url, 'alice');
  }, 240_000);
  afterAll(async () => {
    await Promise.all(portals.map((p) => p.stop('SIGKILL')));
    await cluster?.close();
    await redis?.stop();
  });

  const usage = async (portal: Portal): Promise<UsageResponse> => {
    const res = await fetch(`${portal.url}/api/clusters/demo/usage?kind=nodes`, { headers: { Cookie: alice.header() } });
    expect(res.status).toBe(200);
    return (await res.json()) as UsageResponse;
  };
  const samplers = () => portals.filter((p) => p.logs.some((l) => l.msg === SAMPLING));

  it('samples on one replica and serves the same series from both', async () => {
    await until(async () => (await usage(portals[1])).times.length >= 3, { timeoutMs: 30_000, message: 'three samples on the second replica' });
    expect(samplers()).toHaveLength(1);
    // A sample may land between the two reads: ask again until both answers were read between the same two samples.
    const [a, b] = await until(async () => {
      const pair = await Promise.all([usage(portals[0]), usage(portals[1])]);
      return pair[0].times.at(-1) === pair[1].times.at(-1) ? pair : undefined;
    });
    expect(b.times).toEqual(a.times);
    expect(b.series).toEqual(a.series);
    expect(a.metrics.state).toBe('ok');
  });

  it('goes on sampling on the other replica when the sampler stops, and keeps the history', async () => {
    const [owner] = samplers();
    const other = portals.find((p) => p !== owner)!;
    const before = await usage(other);
    await owner.stop('SIGTERM');
    portals.splice(portals.indexOf(owner), 1);
    await until(() => other.logs.some((l) => l.msg === SAMPLING), { timeoutMs: 30_000, message: 'the other replica to take the usage lease' });
    const after = await until(
      async () => {
        const body = await usage(other);
        return body.times.at(-1)! > before.times.at(-1)! + 1 ? body : undefined;
      },
      { timeoutMs: 30_000, message: 'new samples from the new sampler' },
    );
    // The hour's history is in Redis: what was sampled before the handover is still served.
    expect(after.times).toEqual(expect.arrayContaining(before.times.slice(-2)));
  });
});
