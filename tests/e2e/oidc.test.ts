import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startOidcProvider } from '../support/oidc';
import { startPortal, type Portal } from '../support/portal';
import { sharedCluster } from '../support/sharedCluster';
import { freePort, startRedis } from '../support/redis';

const SECRET = 'an-oidc-test-secret-long-enough-for-production';

describe('single sign-on through a real OIDC provider', () => {
  let idp: Awaited<ReturnType<typeof startOidcProvider>>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let portal: Portal;
  let second: Portal;
  let browser: Browser;
  let cluster: Awaited<ReturnType<typeof sharedCluster>> | undefined;

  beforeAll(async () => {
    const [portPrimary, portSecond] = await Promise.all([freePort(), freePort()]);
    const urls = [`http://127.0.0.1:${portPrimary}`, `http://127.0.0.1:${portSecond}`];
    [idp, redis, browser] = await Promise.all([
      startOidcProvider({
        redirectUris: urls.map((url) => `${url}/api/auth/callback/oidc`),
        users: { alice: { groups: ['platform-admins'] }, bob: { groups: ['team-a'] }, dora: {} },
      }),
      startRedis(),
      launchBrowser(),
    ]);
    cluster = await sharedCluster();
    const env = {
      ...cluster.env,
      CROWSNEST_AUTH: 'oidc',
      NODE_ENV: 'production',
      NEXTAUTH_SECRET: SECRET,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_SCOPES: 'openid profile email groups',
      REDIS_URL: redis.url,
    };
    [portal, second] = await Promise.all([
      startPortal({ ...env, PORT: String(portPrimary), NEXTAUTH_URL: urls[0] }),
      startPortal({ ...env, PORT: String(portSecond), NEXTAUTH_URL: urls[1] }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([portal?.stop('SIGKILL'), second?.stop('SIGKILL')]);
    await Promise.all([idp?.stop(), redis?.stop(), cluster?.close()]);
  });

  async function signInThroughProvider(user: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(portal.url + '/');
    await page.getByRole('button', { name: 'Sign in with SSO' }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(user);
    await page.locator('input[name="password"]').fill('any password');
    await screenshot(page, 'oidc-provider-login');
    await page.locator('button[type="submit"]').click();
    const consent = page.getByRole('button', { name: 'Continue' });
    await Promise.race([consent.waitFor({ timeout: 15_000 }).then(() => consent.click()), page.waitForURL((url) => url.origin === portal.url, { timeout: 15_000 })]).catch(() => undefined);
    await page.waitForURL((url) => url.origin === portal.url && url.pathname === '/');
    return { context, page };
  }

  it('signs in at the provider, lands in Crowsnest with name and groups, signs out, and the old cookie is dead on every replica', async () => {
    const { context, page } = await signInThroughProvider('alice');
    await expect(page.getByTestId('user-name').textContent()).resolves.toBe('alice');
    await expect(page.getByText('(platform-admins)').count()).resolves.toBe(1);
    await screenshot(page, 'oidc-signed-in');

    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const me = (url: string) => fetch(`${url}/api/me`, { headers: { Cookie: cookie } });
    expect(await (await me(second.url)).json()).toEqual({ name: 'alice', groups: ['platform-admins'] });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/signin');
    expect((await me(portal.url)).status).toBe(401);
    expect((await me(second.url)).status).toBe(401);
    await context.close();
  });

  it('signs in a user whose provider sends no groups claim, with no groups', async () => {
    const { context, page } = await signInThroughProvider('dora');
    await expect(page.getByTestId('user-name').textContent()).resolves.toBe('dora');
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await fetch(`${portal.url}/api/me`, { headers: { Cookie: cookie } });
    expect(await res.json()).toEqual({ name: 'dora', groups: [] });
    await context.close();
  });

  it('shows a readable error when the callback carries a wrong state', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${portal.url}/api/auth/callback/oidc?code=forged&state=not-the-state`);
    await page.waitForURL((url) => url.pathname === '/signin');
    await expect(page.locator('.signin-error').textContent()).resolves.toMatch(/could not be verified/i);
    await screenshot(page, 'oidc-bad-state');
    await context.close();
  });
});
