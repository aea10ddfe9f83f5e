import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { renderedRows, signedInPage } from './portal-support';

describe('the portal when watch streams are switched off on the server', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    for (const name of ['seed-1', 'seed-2']) {
      expect((await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', name)) })).status).toBe(201);
    }
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([
      startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_WATCH_STREAMS: 'off', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('says Polling, and changes still arrive without a reload', async () => {
    const page = await signedInPage(browser, portal.url, 'alice', '/clusters/sim/pods?namespaces=team-a');
    await page.getByTestId('freshness').filter({ hasText: /Polling every/ }).waitFor({ timeout: 20_000 });
    await until(async () => (await renderedRows(page)).includes('team-a/seed-1'), { message: 'the seeded pods' });

    expect((await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'polled-in')) })).status).toBe(201);
    await until(async () => (await renderedRows(page)).includes('team-a/polled-in'), { message: 'the new pod, by polling', timeoutMs: 20_000 });
    await screenshot(page, 'portal-polling');

    // The diagnostics drawer explains why, from both sides.
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const pods = page.getByTestId('diagnostics').locator('tr[data-kind="pods"]');
    await expect(pods.textContent()).resolves.toMatch(/polling every 5s/);
    await expect(pods.textContent()).resolves.toMatch(/switched off/);
    await expect(page.getByTestId('diagnostics').locator('tbody tr').first().getAttribute('data-kind')).resolves.toBe('pods');
    await screenshot(page, 'portal-diagnostics');

    expect((await harness.api('/api/v1/namespaces/team-a/pods/polled-in', { method: 'DELETE' })).status).toBe(200);
    await until(async () => !(await renderedRows(page)).includes('team-a/polled-in'), { message: 'the deletion, by polling', timeoutMs: 20_000 });
  });
});
