import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';

describe('the home page', () => {
  let portal: Portal;
  let browser: Browser;

  beforeAll(async () => {
    [portal, browser] = await Promise.all([startPortal({ CROWSNEST_DEMO: '1' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
  });

  it('signs in as a demo user and shows the demo cluster, reachable, with its version', async () => {
    const page = await browser.newPage();
    await page.goto(portal.url + '/');
    expect(new URL(page.url()).pathname).toBe('/signin');
    await screenshot(page, 'signin');
    await page.getByRole('button', { name: /Sign in as alice/ }).click();

    await page.waitForURL((url) => url.pathname === '/');
    await expect(page.getByTestId('user-name').textContent()).resolves.toBe('alice');
    const row = page.locator('tr[data-cluster="demo"]');
    await row.getByText('Reachable').waitFor({ timeout: 30_000 });
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe('demo');
    expect(cells[2]).toMatch(/^v1\.\d+/);
    await screenshot(page, 'home');
  });

  it('signs out and is sent back to sign-in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(portal.url + '/signin');
    await page.getByRole('button', { name: /Sign in as carol/ }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/signin');
    await page.goto(portal.url + '/');
    expect(new URL(page.url()).pathname).toBe('/signin');
    await context.close();
  });
});
