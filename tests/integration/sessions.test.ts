import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { startRedis } from '../support/redis';
import { sharedCluster } from '../support/sharedCluster';
import { mintSessionCookie, refreshSession, sessionClaimsOf, signInAs, signOut } from '../support/session';
import { until } from '../support/until';

const SECRET = 'a-test-secret-that-is-long-enough-for-production-use';

describe('sessions across replicas', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let cluster: Awaited<ReturnType<typeof sharedCluster>>;
  let a: Portal;
  let b: Portal;

  beforeAll(async () => {
    [redis, cluster] = await Promise.all([startRedis(), sharedCluster()]);
    const env = { ...cluster.env, NEXTAUTH_SECRET: SECRET, REDIS_URL: redis.url };
    [a, b] = await Promise.all([startPortal(env), startPortal(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await redis?.stop();
    await cluster?.close();
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
    const cookie = await mintSessionCookie(SECRET, { name: 'alice', sid: 'expired-session', signedInAt: Math.floor(Date.now() / 1000) - 120, maxAge: -60 });
    expect((await me(a, cookie)).status).toBe(401);
  });

  it('rejects a token without its sign-in time (one minted before sessions had a fixed lifetime)', async () => {
    const token = await encode({ token: { name: 'alice', sid: 'no-sign-in-time', groups: [] }, secret: SECRET });
    expect((await me(a, `next-auth.session-token=${token}`)).status).toBe(401);
  });

  it('rejects a cookie encrypted with another secret with 401', async () => {
    const token = await encode({ token: { name: 'alice', sid: 'other', groups: [] }, secret: 'some-other-secret-entirely-different-value' });
    expect((await me(a, `next-auth.session-token=${token}`)).status).toBe(401);
  });
});

/** Short enough to wait out in a test. */
const LIFETIME = 5;

describe.each([
  { store: 'Redis', replicas: 2 },
  { store: 'memory', replicas: 1 },
])('a session’s fixed lifetime (sign-out list in $store, $replicas replica(s))', ({ store, replicas }) => {
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let cluster: Awaited<ReturnType<typeof sharedCluster>> | undefined;
  let portals: Portal[] = [];
  /** The replica a request goes to: with two, alternate, as a load balancer might. */
  const at = (i: number) => portals[i % portals.length];

  beforeAll(async () => {
    if (store === 'Redis') [redis, cluster] = await Promise.all([startRedis(), sharedCluster()]);
    const env = { ...(cluster?.env ?? { CROWSNEST_DEMO: '1' }), NEXTAUTH_SECRET: SECRET, CROWSNEST_SESSION_MAX_AGE_SECONDS: String(LIFETIME), REDIS_URL: redis?.url };
    portals = await Promise.all(Array.from({ length: replicas }, () => startPortal(env)));
  });
  afterAll(async () => {
    await Promise.all(portals.map((p) => p.stop('SIGKILL')));
    await redis?.stop();
    await cluster?.close();
  });

  const meStatus = async (i: number, cookie: string) => (await fetch(`${at(i).url}/api/me`, { headers: { Cookie: cookie } })).status;

  it('issues at sign-in a token that expires the configured lifetime later', async () => {
    const claims = await sessionClaimsOf(await signInAs(at(0).url, 'alice'), SECRET);
    const { iat, exp, signedInAt } = claims as { iat: number; exp: number; signedInAt: number };
    // Whole seconds: a second may tick over between the sign-in time and the token's issue time.
    expect(Math.abs(exp - iat - LIFETIME)).toBeLessThanOrEqual(1);
    expect(Math.abs(signedInAt - iat)).toBeLessThanOrEqual(1);
    expect(Math.abs(exp - (signedInAt + LIFETIME))).toBeLessThanOrEqual(1);
  });

  it('refuses a session once its lifetime since sign-in has passed, however often it was refreshed', async () => {
    const jar = await signInAs(at(0).url, 'alice');
    const { signedInAt } = (await sessionClaimsOf(jar, SECRET)) as { signedInAt: number };
    const endsAtMs = (signedInAt + LIFETIME) * 1000;
    let cookie = jar.header();
    let refreshes = 0;
    let i = 0;
    // Keep the session alive through /api/auth/session, adopting every new cookie, until the portal refuses it.
    const refusedAt = await until(
      async () => {
        i++;
        const { token } = await refreshSession(at(i).url, cookie);
        if (token) {
          refreshes++;
          cookie = `next-auth.session-token=${token}`;
        }
        return (await meStatus(i + 1, cookie)) === 401 ? Date.now() : undefined;
      },
      { timeoutMs: (LIFETIME + 10) * 1000, intervalMs: 250, message: 'the refreshed session to be refused' },
    );
    expect(refreshes).toBeGreaterThan(1);
    expect(refusedAt).toBeGreaterThanOrEqual(endsAtMs);
    // And it cannot be revived: a refresh now answers no session and clears the cookie.
    const late = await refreshSession(at(0).url, cookie);
    expect(late.body).toEqual({});
    expect(late.token).toBe('');
  });

  it('keeps a signed-out session refused past the end of the token signed out, even a copy refreshed meanwhile', async () => {
    const victim = await signInAs(at(0).url, 'bob');
    // An attacker holds a copy of the session; the victim refreshes it, then signs out with the fresh token.
    let stolen = victim.header();
    const refreshed = await refreshSession(at(1).url, victim.header());
    expect(refreshed.token).toBeTruthy();
    victim.set('next-auth.session-token', refreshed.token!);
    const { exp: signedOutExp } = (await sessionClaimsOf(victim, SECRET)) as { exp: number };
    await signOut(at(0).url, victim);

    // A refresh of the signed-out session gets no session and no fresh cookie, on every replica.
    for (let r = 0; r < replicas; r++) {
      const attempt = await refreshSession(at(r).url, stolen);
      expect(attempt.body).toEqual({});
      expect(attempt.token).toBe('');
    }
    // However long the attacker keeps trying, past the expiry of the token signed out (its sign-out
    // list entry's end before), the copy stays refused.
    const statuses: number[] = [];
    let i = 0;
    await until(
      async () => {
        i++;
        const { token } = await refreshSession(at(i).url, stolen);
        if (token) stolen = `next-auth.session-token=${token}`;
        statuses.push(await meStatus(i + 1, stolen));
        return Date.now() > (signedOutExp + 2) * 1000;
      },
      { timeoutMs: (LIFETIME + 10) * 1000, intervalMs: 250, message: 'the signed-out token’s expiry to pass' },
    );
    expect(statuses.length).toBeGreaterThan(LIFETIME);
    expect(statuses.filter((s) => s !== 401)).toEqual([]);
  });
});
