import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { signInAs } from '../support/session';
import { until } from '../support/until';
import { signedInPage } from './portal-support';

describe('presence on the portal\'s pages', () => {
  let portal: Portal;
  let browser: Browser;

  beforeAll(async () => {
    [portal, browser] = await Promise.all([startPortal({ CROWSNEST_DEMO: '1', CROWSNEST_ADMIN_GROUPS: 'platform-admins' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
  });

  it("shows bob on alice's view of the same pod, and not once his tab is closed; admins see who is online", async () => {
    const path = '/clusters/demo/pods';
    const alice = await signedInPage(browser, portal.url, 'alice', path);
    await alice.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await alice.getByTestId('page-viewers').count()).toBe(0);

    const bob = await signedInPage(browser, portal.url, 'bob', path);
    await alice.locator('[data-viewer="bob"]').waitFor({ timeout: 2000 });
    expect(await alice.getByTestId('page-viewers').getAttribute('aria-label')).toBe('Also on this page: bob');
    await bob.locator('[data-viewer="alice"]').waitFor({ timeout: 2000 });
    await screenshot(alice, 'presence-avatars');

    // Bob moves on: he is no longer on alice's page.
    await bob.goto(portal.url + '/clusters/demo/deployments');
    await alice.locator('[data-viewer="bob"]').waitFor({ state: 'detached', timeout: 2000 });
    await bob.goto(portal.url + path);
    await alice.locator('[data-viewer="bob"]').waitFor({ timeout: 2000 });

    const online = await alice.context().newPage();
    await online.goto(portal.url + '/admin/online');
    const rows = online.getByTestId('online').locator('tbody tr');
    await until(async () => (await rows.allTextContents()).some((t) => t.startsWith('bob') && t.includes(path)), { message: 'bob in the online list' });
    await screenshot(online, 'presence-online');

    await bob.context().close();
    await alice.locator('[data-viewer="bob"]').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('shows the online list to the admin groups only', async () => {
    const bob = await signInAs(portal.url, 'bob');
    const res = await fetch(`${portal.url}/api/presence`, { headers: { Cookie: bob.header() } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('platform-admins');
  });
});
