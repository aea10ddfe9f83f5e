import { delimiter } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';

/** Light and dark, as the theme toggle sets them. */
async function inTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    window.localStorage.setItem('crowsnest-theme', t);
    document.documentElement.dataset.theme = t;
  }, theme);
}

async function bothThemes(page: Page, name: string, ready: () => Promise<unknown>): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await inTheme(page, theme);
    await ready();
    await screenshot(page, `${name}-${theme}`);
  }
  await inTheme(page, 'light');
}

describe('usage metrics in the portal', () => {
  let demo: SimHarness;
  let bare: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;

  beforeAll(async () => {
    [demo, bare] = await Promise.all([startSim({ scenario: 'demo' }), startSim({ scenario: 'demo', metrics: false })]);
    const paths = [(await portalKubeconfig(demo, 'demo')).path, (await portalKubeconfig(bare, 'bare')).path];
    [portal, browser] = await Promise.all([
      startPortal({ KUBECONFIG: paths.join(delimiter), CROWSNEST_DEMO: '0', CROWSNEST_USAGE_INTERVAL_SECONDS: '1', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }),
      launchBrowser(),
    ]);
    alice = await signedInPage(browser, portal.url, 'alice');
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await Promise.all([demo?.close(), bare?.close()]);
  });

  /** Waits until `count` charts have drawn their canvas. */
  const charts = (page: Page, count: number) => until(async () => (await page.locator('[data-testid=usage-panel] .usage-plot canvas').count()) >= count, { timeoutMs: 30_000, message: `${count} usage charts` });

  it('draws CPU and memory per node on the overview', async () => {
    await alice.goto(`${portal.url}/clusters/demo`);
    await charts(alice, 2);
    const panel = alice.getByTestId('usage-panel');
    await expect(panel.getByRole('heading').textContent()).resolves.toBe('Usage per node');
    const nodes = (await (await demo.api('/api/v1/nodes')).json()).items.map((n: { metadata: { name: string } }) => n.metadata.name);
    // The allocatable line follows once the node rows are in.
    const legend = await until(async () => {
      const text = (await panel.locator('.u-legend').first().textContent()) ?? '';
      return text.includes('allocatable (all nodes)') ? text : undefined;
    });
    for (const node of nodes) expect(legend).toContain(node);
    expect(legend).toContain('all nodes');
    // Live: away from the cursor the legend shows the newest sample's time, which moves on as samples arrive.
    const newest = () => panel.locator('.u-legend').first().locator('.u-series').first().locator('.u-value').textContent();
    const first = await until(async () => ((await newest()) ?? '').match(/\d/) && (await newest()));
    await until(async () => (await newest()) !== first, { timeoutMs: 20_000, message: 'the chart to take in a new sample' });
    await bothThemes(alice, 'usage-overview', () => charts(alice, 2));
  });

  it('shows live CPU and memory with % of request and limit in the pods list', async () => {
    await alice.goto(`${portal.url}/clusters/demo/pods?namespaces=team-a`);
    const cpu = alice.locator('[data-row^="team-a/web-"] [data-usage=cpu]').first();
    await cpu.waitFor({ timeout: 30_000 });
    const headers = await alice.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['CPU', 'MEMORY']));
    await expect(cpu.locator('.usage-value').textContent()).resolves.toMatch(/^\d+(\.\d)?m$/);
    await expect(cpu.locator('.usage-pct').textContent()).resolves.toMatch(/^\d+% req$/);
    const memory = alice.locator('[data-row^="team-a/web-"] [data-usage=memory]').first();
    await expect(memory.locator('.usage-value').textContent()).resolves.toMatch(/^\d+(\.\d+)? (KiB|MiB|GiB)$/);
    await expect(memory.locator('.usage-pct').textContent()).resolves.toMatch(/^\d+% req · \d+% lim$/);
    await bothThemes(alice, 'usage-pods-list', () => cpu.waitFor());
  });

  it('shows nodes’ memory in binary units and their usage against allocatable', async () => {
    await alice.goto(`${portal.url}/clusters/demo/nodes`);
    const used = alice.locator('[data-usage=memory]').first();
    await used.waitFor({ timeout: 30_000 });
    await expect(used.locator('.usage-pct').textContent()).resolves.toMatch(/^\d+%$/);
    const cells = await alice.locator('[data-row] [role=gridcell]').allTextContents();
    expect(cells.some((text) => /\d+(\.\d+)? GiB$/.test(text))).toBe(true);
    expect(cells.some((text) => /\d+Ki$/.test(text))).toBe(false);
  });

  it('draws a pod’s containers against its requests and limits on the pod page', async () => {
    const pods = (await (await demo.api('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')).json()).items as Array<{ metadata: { name: string }; status: { phase: string } }>;
    const pod = pods.find((p) => p.status.phase === 'Running')!;
    await alice.goto(`${portal.url}/clusters/demo/pods/team-a/${pod.metadata.name}`);
    await charts(alice, 2);
    const legend = await alice.getByTestId('usage-panel').locator('.u-legend').first().textContent();
    expect(legend).toContain('web');
    expect(legend).toContain('requests (sum)');
    await alice.getByTestId('usage-panel').scrollIntoViewIfNeeded();
    await bothThemes(alice, 'usage-pod', () => charts(alice, 2));
  });

  it('draws a deployment’s pods summed on its page', async () => {
    await alice.goto(`${portal.url}/clusters/demo/deployments/team-a/web`);
    await charts(alice, 2);
    const legend = await alice.getByTestId('usage-panel').locator('.u-legend').first().textContent();
    expect(legend).toContain('total');
  });

  it('says "Metrics not installed" for a cluster without metrics-server', async () => {
    await alice.goto(`${portal.url}/clusters/bare`);
    const notice = alice.getByTestId('usage-not-installed');
    await notice.waitFor({ timeout: 30_000 });
    await expect(notice.textContent()).resolves.toMatch(/Metrics not installed/);
    await bothThemes(alice, 'usage-not-installed', () => notice.waitFor());
  });

  it('says "Not permitted" to carol, never zeros', async () => {
    const carol = await signedInPage(browser, portal.url, 'carol', '/clusters/demo');
    const notice = carol.getByTestId('usage-forbidden');
    await notice.waitFor({ timeout: 30_000 });
    await expect(notice.textContent()).resolves.toMatch(/Not permitted\..*cannot list resource "nodes"/);
    expect(await carol.locator('[data-testid=usage-panel] canvas').count()).toBe(0);
    await carol.context().close();
  });
});
