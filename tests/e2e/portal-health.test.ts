import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { renderedRows, signedInPage } from './portal-support';

/** Screenshots of the page as it is, in the light and the dark theme. */
async function bothThemes(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, `${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const text = async (page: Page, selector: string) => (await page.locator(selector).first().textContent().catch(() => null)) ?? '';

describe('the portal never says "fine" when it cannot see the cluster', () => {
  let harness: SimHarness;
  let browser: Browser;
  let portal: Portal;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    const created = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'web-1')), headers: { 'Content-Type': 'application/json' } });
    expect(created.status).toBe(201);
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('shows "Cluster unreachable — showing data from …" during an API-server outage, everywhere, and Live again after it without a reload', async () => {
    const list = await signedInPage(browser, portal.url, 'alice', '/clusters/sim/pods?namespaces=team-a');
    const overview = await list.context().newPage();
    await overview.goto(`${portal.url}/clusters/sim`);
    const home = await list.context().newPage();
    await home.goto(`${portal.url}/`);

    const badge = list.getByTestId('freshness');
    await badge.filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await until(async () => (await renderedRows(list)).includes('team-a/web-1'), { message: 'the pod' });
    await overview.getByTestId('freshness').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await until(async () => /Reachable/.test(await text(home, 'tr[data-cluster="sim"]')), { message: 'the cluster reachable on /' });
    // Marks the documents: a reload would lose it.
    for (const page of [list, overview, home]) await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    harness.sim.faults.restart(25);

    await until(async () => /^Cluster unreachable — showing data from \d\d:\d\d:\d\d$/.test(((await badge.textContent()) ?? '').trim()), {
      message: 'the list badge to say the cluster is unreachable',
      timeoutMs: 20_000,
    });
    expect(await badge.getAttribute('title')).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up|connect/i);
    // The rows stay: they are the last known state, and the badge says how old.
    expect(await renderedRows(list)).toContain('team-a/web-1');
    await until(async () => /Unreachable/.test(await text(list, '.cluster-error')), { message: 'the switcher to say unreachable' });
    expect(await list.locator('#cluster-select option[value="sim"]').textContent()).toMatch(/unreachable/);
    await bothThemes(list, 'health-list-unreachable');

    await overview.getByTestId('overview-stale').waitFor({ timeout: 20_000 });
    expect(await text(overview, '[data-testid="overview-stale"]')).toMatch(/Cluster unreachable — showing data from \d\d:\d\d:\d\d/);
    expect(await overview.locator('.cards[data-stale="true"]').count()).toBe(1);
    await bothThemes(overview, 'health-overview-stale');

    await until(async () => /Unreachable: .+\(since \d\d:\d\d:\d\d\)/.test(await text(home, 'tr[data-cluster="sim"]')), {
      message: '/ to show the cluster unreachable (from the informers, not a cached probe)',
      timeoutMs: 30_000,
    });
    await bothThemes(home, 'health-home-unreachable');

    // The simulator serves again after its restart: everything goes back to Live on its own.
    await badge.filter({ hasText: /^Live$/ }).waitFor({ timeout: 60_000 });
    await until(async () => (await overview.getByTestId('overview-stale').count()) === 0, { message: 'the overview to be current again', timeoutMs: 30_000 });
    await until(async () => (await list.locator('.cluster-error').count()) === 0, { message: 'the switcher to be reachable again', timeoutMs: 30_000 });
    await until(async () => /Reachable/.test(await text(home, 'tr[data-cluster="sim"]')), { message: '/ to show the cluster reachable again', timeoutMs: 30_000 });
    // A change after the outage arrives live.
    const after = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'web-2')), headers: { 'Content-Type': 'application/json' } });
    expect(after.status).toBe(201);
    await until(async () => (await renderedRows(list)).includes('team-a/web-2'), { message: 'a pod created after the outage', timeoutMs: 30_000 });
    for (const page of [list, overview, home]) expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  }, 180_000);
});
