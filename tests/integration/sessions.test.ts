import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { startRedis } from '../support/redis';
import { signInAs, signOut } from '../support/session';

const SECRET = 'a-test-secret-that-is-long-enough-for-production-use';

describe('sessions across replicas', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: Portal;
  let b: Portal;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { CROWSNEST_DEMO: '1', NEXTAUTH_SECRET: SECRET, REDIS_URL: redis.url };
    [a, b] = await Promise.all([startPortal(env), startPortal(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await redis?.stop();
  });

  const me = (portal: Portal, cookie: string) => fetch(`${portal.url}/api/me`, { headers: { Cookie: cookie } });

  it('accepts a session signed in on one replica at the other', async () => {
    const jar = await signInAs(a.url, 'bob');
    const res = await me(b, jar.header());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'bob', groups: ['team-a'] });
  });

  it('rejects the old cookie on every replica after sign-out', async () => {
    const jar = await signInAs(a.url, 'alice');
    const cookie = jar.header();
    expect((await me(b, cookie)).status).toBe(200);
    await signOut(a.url, jar);
    expect((await me(a, cookie)).status).toBe(401);
    expect((await me(b, cookie)).status).toBe(401);
  });

  it('rejects an expired session cookie with 401', async () => {
    const token = await encode({ token: { name: 'alice', sid: 'expired-session', groups: [] }, secret: SECRET, maxAge: -60 });
    expect((await me(a, `next-auth.session-token=${token}`)).status).toBe(401);
  });

  it('rejects a cookie encrypted with another secret with 401', async () => {
    const token = await encode({ token: { name: 'alice', sid: 'other', groups: [] }, secret: 'some-other-secret-entirely-different-value' });
    expect((await me(a, `next-auth.session-token=${token}`)).status).toBe(401);
  });
});
