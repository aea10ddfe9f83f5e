import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { openTab, renderedRows, signedInPage } from './portal-support';

type Theme = 'light' | 'dark';
const THEMES: Theme[] = ['light', 'dark'];

/**
 * Adds the serious and critical violations axe finds on `page` to `found`. A theme changes
 * colours only, so the first theme gets every WCAG 2.1 A/AA and best-practice rule and the
 * others the rules that read colours.
 */
async function axeScan(page: Page, theme: Theme, what: string, found: string[]): Promise<void> {
  const axe = new AxeBuilder({ page });
  if (theme === THEMES[0]) axe.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);
  else axe.withRules(['color-contrast', 'link-in-text-block']);
  const { violations } = await axe.analyze();
  for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
    found.push(`${what}: ${v.id} (${v.impact}) — ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  }
}

describe('every screen, for every person: titles, keyboard, small screens, themes, accessibility', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;
  let pod: string;

  beforeAll(async () => {
    // No demo churn: the pod chosen below must live through the whole file (the churn kills a pod every ~90 s).
    harness = await startSim({ scenario: 'demo', churn: 0 });
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }), launchBrowser()]);
    alice = await signedInPage(browser, portal.url, 'alice');
    pod = await until(
      async () => {
        const list = (await (await harness.api('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')).json()) as any;
        return list.items.find((p: any) => p.status?.phase === 'Running')?.metadata.name as string | undefined;
      },
      { message: 'a running web pod', timeoutMs: 30_000 },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const listReady = (page: Page) => until(async () => (await renderedRows(page)).length > 0, { message: 'the list rows', timeoutMs: 30_000 });
  const detailReady = (page: Page) => page.locator('#detail-title').waitFor({ timeout: 30_000 });
  /** Clicks a detail tab until it is selected (a click before hydration does nothing). */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { tag: el?.tagName ?? '', text: (el?.textContent ?? '').trim().slice(0, 80), label: el?.getAttribute('aria-label') ?? '', inMain: Boolean(el?.closest('main')), inDialog: Boolean(el?.closest('[role="dialog"]')), outline: el ? getComputedStyle(el).outlineStyle : 'none' };
    });
  /** How far the page (and its main column) scrolls sideways; tables scroll inside themselves and do not count. */
  const sidewaysOverflow = (page: Page) =>
    page.evaluate(() => {
      const main = document.querySelector('main');
      return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, main ? main.scrollWidth - main.clientWidth : 0);
    });

  it('titles every page with where you are', async () => {
    const titleOf = async (path: string, expected: string) => {
      await alice.goto(portal.url + path);
      await until(async () => (await alice.title()) === expected, { message: `the title "${expected}" on ${path}` }).catch(async (err: Error) => {
        throw new Error(`${err.message}; it is "${await alice.title()}"`);
      });
    };
    await titleOf('/', 'Clusters — Crowsnest');
    await titleOf('/clusters/sim', 'Overview · sim — Crowsnest');
    await titleOf('/clusters/sim/pods', 'Pods · sim — Crowsnest');
    await titleOf('/clusters/sim/ingresses?namespaces=team-a', 'Ingresses · team-a · sim — Crowsnest');
    await titleOf(`/clusters/sim/pods/team-a/${pod}`, `${pod} · Pod · team-a · sim — Crowsnest`);
    await titleOf('/clusters/sim/deployments/team-a/web', 'web · Deployment · team-a · sim — Crowsnest');
    await titleOf('/clusters/sim/nodes/_/node-1', 'node-1 · Node · sim — Crowsnest');
  });

  it('makes a skip link to the main content the first Tab stop, with a visible focus ring', async () => {
    await alice.goto(`${portal.url}/clusters/sim/pods`);
    await listReady(alice);
    await alice.keyboard.press('Tab');
    const first = await focused(alice);
    expect(first.text).toBe('Skip to main content');
    expect(first.outline).not.toBe('none');
    await expect(alice.getByRole('link', { name: 'Skip to main content' }).isVisible()).resolves.toBe(true);
    await alice.keyboard.press('Enter');
    await until(async () => (await focused(alice)).tag === 'MAIN', { message: 'the main content to take focus' });
    // The next stop is the list's own first control, not the 44 links of the sidebar.
    await alice.keyboard.press('Tab');
    const next = await focused(alice);
    expect(next.inMain).toBe(true);
    expect(next.label).toBe('Filter by name');
  });

  it('keeps focus inside the command palette while it is open and gives it back when it closes', async () => {
    await alice.goto(`${portal.url}/clusters/sim/pods`);
    await listReady(alice);
    const opener = alice.getByRole('button', { name: /Search objects/ });
    await opener.focus();
    await alice.keyboard.press('Enter');
    const dialog = alice.getByRole('dialog', { name: 'Search objects' });
    await dialog.waitFor();
    await until(async () => (await focused(alice)).inDialog, { message: 'focus in the palette' });
    await alice.keyboard.type('web');
    await dialog.getByRole('option').first().waitFor();
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await alice.keyboard.press(key);
      const now = await focused(alice);
      expect(now.inDialog, `focus after ${key} is on ${now.tag} "${now.text || now.label}", outside the palette`).toBe(true);
    }
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await until(async () => /Search objects/.test((await focused(alice)).text), { message: 'focus back on the search button' });

    // Ctrl+K from the list gives focus back to where it was too, and the palette can be closed without a keyboard.
    await alice.getByLabel('Filter by name').focus();
    await alice.keyboard.press('Control+k');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    await until(async () => (await focused(alice)).label === 'Filter by name', { message: 'focus back on the filter' });
  });

  it('collapses the sidebar to a menu below 900 px, and the list scrolls sideways inside itself', async () => {
    const page = await signedInPage(browser, portal.url, 'alice', '/clusters/sim/pods');
    await page.setViewportSize({ width: 800, height: 900 });
    await listReady(page);
    const menu = page.getByRole('button', { name: 'Menu' });
    const nav = page.getByRole('navigation', { name: 'Cluster navigation' });
    await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    await expect(nav.isVisible()).resolves.toBe(false);
    expect(await sidewaysOverflow(page)).toBe(0);
    // At 800 px the pods list still fits; narrower, it no longer does: then it scrolls, the page does not.
    await page.setViewportSize({ width: 640, height: 900 });
    const table = await page.locator('.vtable').evaluate((el) => ({ scrolls: el.scrollWidth > el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
    expect(table).toEqual({ scrolls: true, overflowX: 'auto' });
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.setViewportSize({ width: 800, height: 900 });

    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await menu.click();
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
      await nav.waitFor({ state: 'visible' });
      await screenshot(page, `a11y-800-list-menu-${theme}`);
      await page.keyboard.press('Escape');
      await nav.waitFor({ state: 'hidden' });
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
      await until(async () => /Menu$/.test((await focused(page)).text), { message: 'focus back on the menu button' });
    }

    // Following a link in the menu closes it.
    await menu.click();
    await nav.getByRole('link', { name: /^Deployments/ }).click();
    await page.waitForURL(/\/deployments/);
    await nav.waitFor({ state: 'hidden' });
    await page.context().close();
  });

  it("reads a pod's status, events and logs on a phone (390×844)", async () => {
    const page = await signedInPage(browser, portal.url, 'alice', `/clusters/sim/pods/team-a/${pod}`);
    await page.setViewportSize({ width: 390, height: 844 });
    await detailReady(page);
    await expect(page.getByRole('navigation', { name: 'Cluster navigation' }).isVisible()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: 'Menu' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('heading', { name: pod }).isVisible()).resolves.toBe(true);
    await page.locator('.page-title .status').waitFor({ timeout: 30_000 });
    await expect(page.locator('.page-title .status').textContent()).resolves.toBe('Running');
    expect(await sidewaysOverflow(page)).toBe(0);
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshot(page, `a11y-phone-pod-${theme}`);
    }

    await openTab(page, 'Events');
    await page.locator('.tabpanel tbody tr').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.tabpanel tbody tr').first().isVisible()).resolves.toBe(true);
    expect(await sidewaysOverflow(page)).toBe(0);
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshot(page, `a11y-phone-pod-events-${theme}`);
    }

    await openTab(page, 'Logs');
    const line = page.locator('[data-testid="log-lines"] .log-line').first();
    await line.waitFor({ timeout: 30_000 });
    await expect(line.isVisible()).resolves.toBe(true);
    expect(await sidewaysOverflow(page)).toBe(0);
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshot(page, `a11y-phone-pod-logs-${theme}`);
    }
    await page.context().close();
  });

  it('keeps the chosen theme on every page from the first byte', async () => {
    const page = await signedInPage(browser, portal.url, 'alice');
    const toggle = page.getByRole('button', { name: /^Theme:/ });
    const choose = (theme: Theme) =>
      until(
        async () => {
          if ((await toggle.getAttribute('aria-label'))?.startsWith(`Theme: ${theme}.`)) return true;
          await toggle.click();
          return false;
        },
        { message: `the ${theme} theme`, intervalMs: 250 },
      );
    // The server's own 400 page for an address that does not decode (Next never sees it).
    const badAddress = '/clusters/sim/pods/%E0%A4%A';
    for (const theme of THEMES) {
      await page.goto(`${portal.url}/clusters/sim/pods`);
      await listReady(page);
      await choose(theme);
      for (const path of ['/', '/signin', '/clusters/sim', '/clusters/sim/pods', '/no-such-page', badAddress]) {
        const response = await page.goto(portal.url + path);
        if (path === badAddress) expect(response!.status()).toBe(400);
        // In the HTML itself, so the first paint is already right: no flash of the other theme.
        expect(await response!.text(), path).toMatch(new RegExp(`<html[^>]*data-theme="${theme}"`));
        await expect(page.evaluate(() => document.documentElement.dataset.theme), path).resolves.toBe(theme);
      }
      // Its own inline style follows the choice, not the screen's preference.
      await page.emulateMedia({ colorScheme: theme === 'dark' ? 'light' : 'dark' });
      await page.goto(portal.url + badAddress);
      await expect(page.evaluate(() => getComputedStyle(document.body).backgroundColor)).resolves.toBe(theme === 'dark' ? 'rgb(14, 16, 19)' : 'rgb(246, 247, 249)');
      await page.emulateMedia({ colorScheme: null });
    }
    await page.context().close();
  });

  it('has no serious or critical accessibility violations on the main pages, in both themes', async () => {
    const signedOut = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const pages: Array<{ page: Page; path: string; ready: (page: Page) => Promise<unknown> }> = [
      { page: signedOut, path: '/signin', ready: (p) => p.getByRole('button', { name: /Sign in as alice/ }).waitFor() },
      { page: alice, path: '/', ready: (p) => p.locator('tr[data-cluster="sim"]').waitFor() },
      { page: alice, path: '/clusters/sim', ready: (p) => p.getByRole('heading', { name: 'Needs attention' }).waitFor({ timeout: 30_000 }) },
      { page: alice, path: '/clusters/sim/pods', ready: listReady },
      { page: alice, path: `/clusters/sim/pods/team-a/${pod}`, ready: detailReady },
      { page: alice, path: '/clusters/sim/deployments/team-a/web', ready: detailReady },
    ];
    const found: string[] = [];
    const scan = (page: Page, theme: Theme, what: string) => axeScan(page, theme, `${theme} ${what}`, found);
    for (const theme of THEMES) {
      for (const { page, path, ready } of pages) {
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(portal.url + path);
        await ready(page);
        await scan(page, theme, path);
      }
    }
    await signedOut.context().close();

    // What opens over a page, and the pod's events: the palette with results, the menu at 800 px.
    const narrow = await signedInPage(browser, portal.url, 'alice');
    for (const theme of THEMES) {
      await narrow.emulateMedia({ colorScheme: theme });
      await narrow.setViewportSize({ width: 1400, height: 900 });
      await narrow.goto(`${portal.url}/clusters/sim/pods/team-a/${pod}`);
      await detailReady(narrow);
      await openTab(narrow, 'Events');
      await narrow.locator('.tabpanel tbody tr').first().waitFor({ timeout: 30_000 });
      await scan(narrow, theme, 'pod events');
      await narrow.keyboard.press('Control+k');
      await narrow.keyboard.type('web');
      await narrow.getByRole('dialog').getByRole('option').first().waitFor();
      await scan(narrow, theme, 'palette');
      await narrow.keyboard.press('Escape');
      await narrow.setViewportSize({ width: 800, height: 900 });
      await narrow.goto(`${portal.url}/clusters/sim/pods`);
      await listReady(narrow);
      await narrow.getByRole('button', { name: 'Menu' }).click();
      await narrow.getByRole('navigation', { name: 'Cluster navigation' }).waitFor({ state: 'visible' });
      await scan(narrow, theme, '800 px menu');
    }
    await narrow.context().close();
    expect(found, found.join('\n')).toEqual([]);
  }, 240_000);

  it("makes the pod's Logs and YAML tabs and a Deployment's merged logs keyboard-reachable, with no serious or critical violations in both themes", async () => {
    const page = await signedInPage(browser, portal.url, 'alice');
    const found: string[] = [];
    /** Tabs from the element before `target` until `target` has the focus: it is in the Tab order. */
    const reachedByTab = async (target: string) => {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, target)) return true;
      }
      return false;
    };
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${portal.url}/clusters/sim/pods/team-a/${pod}`);
      await detailReady(page);
      await openTab(page, 'Logs');
      const lines = page.locator('[data-testid="log-lines"]');
      await lines.locator('.log-line').first().waitFor({ timeout: 30_000 });
      await expect(lines.getAttribute('role')).resolves.toBe('log');
      await expect(lines.getAttribute('aria-label')).resolves.toMatch(/log/i);
      await page.getByRole('button', { name: 'Download' }).focus();
      expect(await reachedByTab('[data-testid="log-lines"]'), 'the log lines reached by Tab').toBe(true);
      await axeScan(page, theme, `${theme} pod logs`, found);
      await screenshot(page, `a11y-pod-logs-${theme}`);

      await openTab(page, 'YAML');
      const scroller = page.locator('#panel-yaml .cm-scroller');
      await scroller.waitFor({ timeout: 30_000 });
      await page.getByRole('tab', { name: 'YAML' }).focus();
      expect(await reachedByTab('#panel-yaml .cm-content, #panel-yaml .cm-scroller'), 'the YAML reached by Tab').toBe(true);
      await axeScan(page, theme, `${theme} pod YAML`, found);
      await screenshot(page, `a11y-pod-yaml-${theme}`);

      await page.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
      await detailReady(page);
      await openTab(page, 'Logs');
      const merged = page.locator('[data-testid="merged-log-lines"]');
      await merged.locator('.log-line').first().waitFor({ timeout: 30_000 });
      await expect(merged.getAttribute('role')).resolves.toBe('log');
      await expect(merged.getAttribute('tabindex')).resolves.toBe('0');
      await axeScan(page, theme, `${theme} deployment logs`, found);
      await screenshot(page, `a11y-deployment-logs-${theme}`);
    }
    await page.context().close();
    expect(found, found.join('\n')).toEqual([]);
  }, 240_000);
});
