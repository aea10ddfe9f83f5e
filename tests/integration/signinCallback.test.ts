import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { CookieJar } from '../support/session';

/** callbackUrl values that must never send a person (or the server) anywhere but this portal. */
const crafted = (portal: Portal) => [
  `${portal.url}.evil.example/`,
  `${portal.url.replace('127.0.0.1', 'localhost')}.evil.example/`,
  'http://localhost:3000.evil.example/',
  '//evil.example',
  '//evil.example/clusters',
  '/\\evil.example',
  '/\t/evil.example',
  '\\\\evil.example',
  'javascript:alert(document.cookie)',
  'JavaScript://%0aalert(1)',
  'http://evil.example/',
];

/**
 * The callbackUrl the sign-in page hands its buttons, read from the panel's props in the
 * server-rendered payload (a plain value only: one with escapes is not matched).
 */
function panelCallback(html: string): string | undefined {
  return /\{\\"callbackUrl\\":\\"([^"\\]*)\\"\}/.exec(html)?.[1];
}

describe('sign-in with a crafted callbackUrl', () => {
  let portal: Portal;

  beforeAll(async () => {
    portal = await startPortal({ CROWSNEST_DEMO: '1', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
  });

  /** The dev provider's real credentials callback, as the sign-in page's button posts it. */
  const signIn = async (callbackUrl: string, json: boolean) => {
    const jar = new CookieJar();
    const csrf = await fetch(`${portal.url}/api/auth/csrf`);
    jar.store(csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await fetch(`${portal.url}/api/auth/callback/dev`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header(), Origin: portal.url },
      body: new URLSearchParams({ csrfToken, username: 'alice', callbackUrl, ...(json ? { json: 'true' } : {}) }),
    });
    jar.store(res);
    return { res, jar };
  };

  it('signs in and sends the person to the portal’s root, never to another host', async () => {
    for (const callbackUrl of crafted(portal)) {
      const viaJson = await signIn(callbackUrl, true);
      expect(viaJson.res.status, callbackUrl).toBe(200);
      expect(viaJson.jar.has('next-auth.session-token'), callbackUrl).toBe(true);
      const { url } = (await viaJson.res.json()) as { url: string };
      expect(url, callbackUrl).toBe(`${portal.url}/`);

      const viaForm = await signIn(callbackUrl, false);
      expect(viaForm.res.status, callbackUrl).toBe(302);
      expect(viaForm.res.headers.get('location'), callbackUrl).toBe(`${portal.url}/`);
    }
  });

  it('answers a sign-in body that is not a JSON object of strings with 400 and says why', async () => {
    const post = (body: string) =>
      fetch(`${portal.url}/api/auth/callback/dev`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/json', Origin: portal.url }, body });
    const bodies: Array<[string, RegExp]> = [
      ['[[[', /^the body must be a JSON object of strings.*: /],
      ['', /^the body must be a JSON object of strings/],
      ['null', /^the body must be a JSON object of strings.*, not null$/],
      ['["alice"]', /, not a list$/],
      ['{"username": ["alice"], "csrfToken": "x"}', /^the field "username" must be a string$/],
    ];
    for (const [body, message] of bodies) {
      const res = await post(body);
      expect([body, res.status]).toEqual([body, 400]);
      const answer = (await res.json()) as { error: { code: number; message: string } };
      expect(answer.error.code, body).toBe(400);
      expect(answer.error.message, body).toMatch(message);
    }
    // A JSON object of strings still reaches next-auth, which signs in with a valid CSRF token.
    const jar = new CookieJar();
    const csrf = await fetch(`${portal.url}/api/auth/csrf`);
    jar.store(csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await fetch(`${portal.url}/api/auth/callback/dev`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json', Cookie: jar.header(), Origin: portal.url },
      body: JSON.stringify({ csrfToken, username: 'alice', json: 'true' }),
    });
    jar.store(res);
    expect(res.status).toBe(200);
    expect(jar.has('next-auth.session-token')).toBe(true);
  });

  it('still returns to a page of this portal', async () => {
    const { res } = await signIn('/clusters/demo', true);
    expect(((await res.json()) as { url: string }).url).toBe(`${portal.url}/clusters/demo`);
  });

  it('refuses a crafted callbackUrl in the query of next-auth’s routes with 400, and the sign-in page falls back to /', async () => {
    for (const callbackUrl of crafted(portal)) {
      const res = await fetch(`${portal.url}/api/auth/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, { redirect: 'manual' });
      expect(res.status, callbackUrl).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/callbackUrl/);
      const page = await fetch(`${portal.url}/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`, { redirect: 'manual' });
      expect(page.status, callbackUrl).toBe(200);
      expect(panelCallback(await page.text()), callbackUrl).toBe('/');
    }
    const kept = await fetch(`${portal.url}/signin?callbackUrl=${encodeURIComponent('/clusters/demo?ns=team-a')}`, { redirect: 'manual' });
    expect(panelCallback(await kept.text())).toBe('/clusters/demo?ns=team-a');
    const signedOut = await fetch(`${portal.url}/clusters/demo`, { redirect: 'manual' });
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get('location')).toBe('/signin?callbackUrl=%2Fclusters%2Fdemo');
  });
});
