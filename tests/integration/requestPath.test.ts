import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { signInAs, type CookieJar } from '../support/session';

describe('the API request path', () => {
  let portal: Portal;
  let limited: Portal;
  let bob: CookieJar;

  beforeAll(async () => {
    [portal, limited] = await Promise.all([
      startPortal({ CROWSNEST_DEMO: '1', CROWSNEST_TEST_ROUTES: '1' }),
      startPortal({ CROWSNEST_DEMO: '1', CROWSNEST_RATE_LIMIT_PER_SECOND: '1', CROWSNEST_RATE_LIMIT_BURST: '8' }),
    ]);
    bob = await signInAs(portal.url, 'bob');
  });
  afterAll(async () => {
    await Promise.all([portal?.stop('SIGKILL'), limited?.stop('SIGKILL')]);
  });

  const post = (headers: Record<string, string>, body = '{}') =>
    fetch(`${portal.url}/api/debug/fail`, { method: 'POST', headers: { Cookie: bob.header(), 'Content-Type': 'application/json', ...headers }, body });

  it('accepts a mutation with the CSRF header from this origin', async () => {
    const res = await post({ 'X-Crowsnest-CSRF': '1', Origin: portal.url }, '{"a":1}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 7 });
  });

  it('refuses a mutation without the X-Crowsnest-CSRF header with 403', async () => {
    const res = await post({ Origin: portal.url });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/X-Crowsnest-CSRF/);
  });

  it('refuses a mutation from a foreign Origin with 403', async () => {
    const res = await post({ 'X-Crowsnest-CSRF': '1', Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/evil\.example/);
  });

  it('refuses a 2 MiB body with 413 and stays healthy', async () => {
    const res = await post({ 'X-Crowsnest-CSRF': '1', Origin: portal.url }, 'x'.repeat(2 * 1024 * 1024));
    expect(res.status).toBe(413);
    expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
  });

  it('answers a handler that throws with 500 JSON carrying the request id, and the next request is fine', async () => {
    const res = await fetch(`${portal.url}/api/debug/fail`, { headers: { Cookie: bob.header(), 'X-Request-ID': 'boom-1' } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: number; message: string; requestId: string } };
    expect(body.error).toMatchObject({ code: 500, requestId: 'boom-1' });
    expect(body.error.message).toContain('boom-1');
    const next = await fetch(`${portal.url}/api/me`, { headers: { Cookie: bob.header() } });
    expect(next.status).toBe(200);
    expect(await next.json()).toEqual({ name: 'bob', groups: ['team-a'] });
  });

  it('rate-limits each address with 429 and Retry-After once its bucket is empty', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20 && !retryAfter; i++) {
      const res = await fetch(`${limited.url}/api/clusters`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    }
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('treats a garbled session cookie as signed out (401), never 500', async () => {
    for (const value of ['garbage', 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z', '%%%', 'a'.repeat(5000)]) {
      const res = await fetch(`${portal.url}/api/me`, { headers: { Cookie: `next-auth.session-token=${value}` } });
      expect(res.status).toBe(401);
    }
  });

  it('ignores an actor header sent by the client', async () => {
    const forged = Buffer.from(JSON.stringify({ name: 'admin', groups: ['system:masters'], sessionId: 'x' })).toString('base64url');
    const res = await fetch(`${portal.url}/api/me`, { headers: { 'x-crowsnest-actor': forged } });
    expect(res.status).toBe(401);
  });
});
