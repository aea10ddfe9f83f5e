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

  describe('kinds a person may not list', () => {
    it('shows bob "not permitted" for nodes, with Kubernetes\' reason, on the overview and in the sidebar — never 0', async () => {
      const page = await signedInPage(browser, portal.url, 'bob', '/clusters/sim');
      const card = page.getByTestId('not-permitted-nodes');
      await card.waitFor({ timeout: 30_000 });
      expect(await card.textContent()).toMatch(/Not permitted.*nodes is forbidden: User "bob" cannot list resource "nodes"/);
      expect(await page.content()).not.toMatch(/of 0 nodes ready/);
      const nav = page.locator('a.nav-link[data-kind="nodes"]');
      await nav.getByTestId('not-permitted').waitFor({ timeout: 30_000 });
      expect(await nav.getAttribute('title')).toMatch(/forbidden/);
      // What bob may see is still counted.
      await page.locator('a.nav-link[data-kind="pods"] .count').filter({ hasText: /^\d+$/ }).waitFor({ timeout: 30_000 });
      await bothThemes(page, 'health-overview-bob-nodes-not-permitted');
      await page.context().close();
    });

    it('shows bob "not permitted" on the nodes list page, not a count of 0', async () => {
      const page = await signedInPage(browser, portal.url, 'bob', '/clusters/sim/nodes');
      const refusal = page.getByTestId('list-not-permitted');
      await refusal.waitFor({ timeout: 30_000 });
      expect(await refusal.textContent()).toMatch(/Not permitted.*nodes is forbidden: User "bob"/);
      expect(await page.getByTestId('row-count').textContent()).toBe('not permitted');
      await page.locator('a.nav-link[data-kind="nodes"]').getByTestId('not-permitted').waitFor({ timeout: 30_000 });
      await page.locator('#list-title').filter({ hasText: 'Nodes' }).waitFor();
      await bothThemes(page, 'health-list-bob-nodes-not-permitted');
      await page.context().close();
    });

    it('shows carol, who may list nothing, "not permitted" instead of "All workloads healthy"', async () => {
      const page = await signedInPage(browser, portal.url, 'carol', '/clusters/sim');
      await page.getByTestId('not-permitted-pods').waitFor({ timeout: 30_000 });
      await page.getByTestId('not-permitted-deployments').waitFor();
      await page.getByTestId('attention-not-permitted').waitFor();
      expect(await page.content()).not.toMatch(/All workloads healthy/);
      expect(await page.getByTestId('not-permitted-pods').textContent()).toMatch(/forbidden: User "carol"/);
      await bothThemes(page, 'health-overview-carol-not-permitted');
      await page.context().close();
    });
  });

  describe('pages for what does not exist or cannot be read', () => {
    /** Every Content-Security-Policy violation the page reports in its console. */
    function cspViolations(page: Page): string[] {
      const seen: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) seen.push(m.text());
      });
      return seen;
    }

    it('answers an unknown cluster with a real 404 page whose scripts run under the CSP', async () => {
      const page = await signedInPage(browser, portal.url, 'alice');
      const violations = cspViolations(page);
      const res = await page.goto(`${portal.url}/clusters/nope`);
      expect(res?.status()).toBe(404);
      await page.getByTestId('not-found').waitFor();
      expect(await page.locator('h1').first().textContent()).toBe('Not found');
      expect(await page.content()).not.toMatch(/All workloads healthy/);
      // The page is hydrated: its link navigates on the client (no full load, so the marker stays).
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      await page.getByRole('link', { name: 'All clusters' }).click();
      await page.waitForURL(`${portal.url}/`);
      await page.locator('tr[data-cluster="sim"]').waitFor();
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
      await page.goto(`${portal.url}/clusters/nope`);
      await page.getByTestId('not-found').waitFor();
      await bothThemes(page, 'health-404');
      const unmatched = await page.goto(`${portal.url}/no/such/page`);
      expect(unmatched?.status()).toBe(404);
      await page.getByTestId('not-found').waitFor();
      expect(violations).toEqual([]);
      await page.context().close();
    });

    it('says a pod that never existed is "not found", and one deleted while you watch "was deleted"', async () => {
      const page = await signedInPage(browser, portal.url, 'alice', '/clusters/sim/pods/team-a/never-was');
      const missing = page.getByTestId('object-not-found');
      await missing.waitFor({ timeout: 20_000 });
      expect(await missing.textContent()).toMatch(/Pod not found.*pods "never-was" not found/);
      expect(await page.getByTestId('object-deleted').count()).toBe(0);
      await bothThemes(page, 'health-pod-not-found');

      const created = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'short-lived')), headers: { 'Content-Type': 'application/json' } });
      expect(created.status).toBe(201);
      await page.goto(`${portal.url}/clusters/sim/pods/team-a/short-lived`);
      // Loaded (the actions come with the object), then deleted while watched.
      await page.getByRole('button', { name: 'Delete' }).waitFor({ timeout: 20_000 });
      await page.getByTestId('freshness').filter({ hasText: /^Live$/ }).waitFor({ timeout: 20_000 });
      const deleted = await harness.api('/api/v1/namespaces/team-a/pods/short-lived?gracePeriodSeconds=0', { method: 'DELETE' });
      expect(deleted.status).toBe(200);
      await page.getByTestId('object-deleted').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('object-not-found').count()).toBe(0);
      await page.context().close();
    });

    it('answers an address that does not decode with a 400 page, not a bare 500', async () => {
      const page = await signedInPage(browser, portal.url, 'alice');
      const violations = cspViolations(page);
      const res = await page.goto(`${portal.url}/clusters/sim/pods/%E0%A4%A`);
      expect(res?.status()).toBe(400);
      expect(await page.locator('h1').textContent()).toBe('Bad address');
      expect(await page.getByTestId('error-page').textContent()).toMatch(/not valid percent-encoded UTF-8/);
      await bothThemes(page, 'health-400');
      // A program gets the JSON error.
      const api = await page.request.get(`${portal.url}/api/clusters/sim/pods/%E0%A4%A`);
      expect(api.status()).toBe(400);
      expect(await api.json()).toMatchObject({ error: { code: 400 } });
      expect(violations).toEqual([]);
      await page.context().close();
    });

    it('says on the sign-in page that the development sign-in listens on loopback only', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${portal.url}/signin`);
      expect(await page.getByTestId('dev-signin-notice').textContent()).toMatch(/listens on 127\.0\.0\.1 only/);
      await context.close();
    });
  });
});
