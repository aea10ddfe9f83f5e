/**
 * The chart's bundled Redis requires a password and gives it to the portal inside
 * REDIS_URL (redis://:<password>@host:6379). The portal's fleet, against a real
 * redis-server with requirepass: every connection it opens uses the password from the
 * URL, and without it Redis refuses the fleet.
 */
import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config';
import { connectFleet, type Fleet } from '../../server/fleet/connectFleet';
import { startRedis } from '../support/redis';
import { until } from '../support/until';

const PASSWORD = 'gEneRated0nceAndKept7';

describe('a fleet whose Redis requires a password', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const joined: Array<{ fleet: Fleet; root: AbortController }> = [];

  /** A replica's fleet connections, as `server/main.ts` makes them from REDIS_URL. */
  async function join(redisUrl: string): Promise<Fleet> {
    const root = new AbortController();
    setMaxListeners(0, root.signal);
    const fleet = await connectFleet(readConfig({ REDIS_URL: redisUrl }, []), root.signal);
    joined.push({ fleet, root });
    return fleet;
  }

  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD });
  });
  afterAll(async () => {
    for (const { fleet, root } of joined) {
      root.abort();
      await fleet.close();
    }
    await redis?.stop();
  });

  it('joins with the password in REDIS_URL, on its subscriber connection too', async () => {
    expect(new URL(redis.url).password).toBe(PASSWORD);
    const fleet = await join(redis.url);
    expect(fleet.link.state).toBe('up');
    // Published on the command connection, heard on the subscriber: a connection of its own, opened with the same URL.
    const heard: string[] = [];
    await fleet.channel('crowsnest:password-test').subscribe((message) => heard.push(message));
    await until(async () => {
      await fleet.channel('crowsnest:password-test').publish('hello');
      return heard.includes('hello');
    }, { message: 'the announcement heard on the subscriber connection' });
  });

  it('is refused without the password', async () => {
    const url = new URL(redis.url);
    url.password = '';
    const fleet = await join(url.href);
    expect(fleet.link.state).toBe('down');
    expect(fleet.link.reason).toMatch(/NOAUTH/);
  });
});
