import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { signInAs } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { renderedRows, signedInPage } from './portal-support';

const PODS = 2000;
const CHURN = 300;
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

describe('the pods list while the cluster changes hundreds of times a second', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startSim({ scenario: `large:${PODS}`, controllers: false, churn: CHURN });
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }), launchBrowser()]);
    // The portal holds the pods before the tests open the list (as it does once anyone has it open).
    const jar = await signInAs(portal.url, 'alice');
    await until(
      async () => {
        const res = await fetch(`${portal.url}/api/clusters/sim/pods`, { headers: { Cookie: jar.header() } });
        return res.ok && !((await res.json()) as { syncing?: boolean }).syncing;
      },
      { message: 'the portal to hold the pods', timeoutMs: 60_000 },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  /** Every pod in the cluster as `namespace/name`, in the list's default order (by name as people read it, then namespace). */
  async function cluster(): Promise<{ rows: string[]; created: Map<string, string> }> {
    const list = (await (await harness.api('/api/v1/pods')).json()) as { items: { metadata: { namespace: string; name: string; creationTimestamp: string } }[] };
    const items = list.items.map((p) => p.metadata);
    items.sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.namespace, b.namespace));
    return { rows: items.map((m) => `${m.namespace}/${m.name}`), created: new Map(items.map((m) => [`${m.namespace}/${m.name}`, m.creationTimestamp])) };
  }

  const count = async (page: Page) => (await page.getByTestId('row-count').textContent()) ?? '';

  // First: no page has asked for nodes yet, so the portal still has to load them from the cluster.
  it('says a kind still loading from the cluster is loading, never that there is none, until its rows come', async () => {
    const page = await signedInPage(browser, portal.url, 'alice');
    await page.addInitScript(() => {
      const w = window as unknown as { saidNone?: string };
      new MutationObserver(() => {
        const none = document.querySelector('.list-page .empty:not([aria-busy])');
        if (none) w.saidNone ??= none.textContent ?? '';
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    // A slow API server: the nodes' first list takes longer than the snapshot waits for it.
    harness.sim.faults.latency(1500);
    try {
      await page.goto(portal.url + '/clusters/sim/nodes');
      await until(async () => (await renderedRows(page)).includes('node-00'), { message: 'the nodes', timeoutMs: 60_000 });
    } finally {
      harness.sim.faults.reset();
    }
    await expect(page.evaluate(() => (window as unknown as { saidNone?: string }).saidNone ?? null)).resolves.toBeNull();
    await page.context().close();
  });

  it('loads the rows once: the snapshot is preloaded with the page, and the stream resumes from it instead of sending them again', async () => {
    const page = await signedInPage(browser, portal.url, 'alice');
    const snapshotRequests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/clusters/sim/pods') snapshotRequests.push(r.url());
    });
    await page.goto(portal.url + '/clusters/sim/pods');
    await page.getByTestId('freshness').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await until(async () => (await renderedRows(page)).length > 0, { message: 'the first rows', timeoutMs: 30_000 });

    // The server's HTML asks for the snapshot; the list's own request is answered by that one.
    await expect(page.locator('link[rel="preload"][as="fetch"]').evaluateAll((links) => links.map((l) => new URL((l as HTMLLinkElement).href).pathname))).resolves.toContain('/api/clusters/sim/pods');
    expect(snapshotRequests).toHaveLength(1);

    // The stream carried changes from the snapshot's position on: a resume, no snapshot of its own.
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const resumesAndSnapshots = page.getByTestId('diagnostics').locator('tr[data-kind="pods"] td').nth(3);
    const resumedWithoutSnapshot = () =>
      until(
        async () => {
          const text = (await resumesAndSnapshots.textContent()) ?? '';
          // Resumes / snapshots: the stream may have been reopened as the page's kinds came in, but never sent the rows.
          if (!/^\s*[1-9]\d* \/ 0\s*$/.test(text)) throw new Error(`the diagnostics say ${text}`);
          return true;
        },
        { message: 'pods resumed, with no snapshot from the stream', timeoutMs: 20_000 },
      );
    await resumedWithoutSnapshot();

    // Away and back inside the app: the rows kept from the first visit are fetched again (from the preloaded answer), and the stream resumes from them.
    await page.locator('a.nav-link[data-kind="deployments"]').click();
    await page.getByRole('heading', { name: 'Deployments' }).waitFor();
    await page.locator('a.nav-link[data-kind="pods"]').click();
    await page.getByRole('heading', { name: 'Pods' }).waitFor();
    await until(async () => snapshotRequests.length === 2, { message: 'a second snapshot request' });
    await resumedWithoutSnapshot();
    expect(snapshotRequests).toHaveLength(2);
    await page.context().close();
  });

  it('keeps exactly the rows of the cluster, in order, through the changes; filters and sorts by age on the live rows', async () => {
    const page = await signedInPage(browser, portal.url, 'alice', '/clusters/sim/pods');
    await page.getByTestId('freshness').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    const first = await count(page);
    // Changes arrive and are applied (pods come and go, so the count moves).
    await until(async () => (await count(page)) !== first && (await count(page)) !== '', { message: 'the count to follow the changes', timeoutMs: 20_000 });
    await until(async () => (await count(page)) !== first, { message: 'more changes', timeoutMs: 20_000 });

    harness.sim.setChurnRate(0);
    try {
      // Once the changes stop, the list is the cluster: every pod counted, the first and last screenful in order.
      const truth = await cluster();
      await until(async () => (await count(page)) === String(truth.rows.length), { message: `${truth.rows.length} pods counted`, timeoutMs: 20_000 });
      await until(async () => {
        const rows = await renderedRows(page);
        return rows.length > 0 && JSON.stringify(rows) === JSON.stringify(truth.rows.slice(0, rows.length));
      }, { message: 'the first rows in order' });
      const scroller = page.getByTestId('list-scroller');
      await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await until(async () => {
        const rows = await renderedRows(page);
        return rows.length > 0 && JSON.stringify(rows) === JSON.stringify(truth.rows.slice(-rows.length));
      }, { message: 'the last rows in order' });
      await scroller.evaluate((el) => (el.scrollTop = 0));

      // A filter narrows the same live rows.
      const filter = page.getByRole('searchbox', { name: 'Filter by name' });
      await filter.fill('app-1-');
      const matching = truth.rows.filter((r) => r.split('/')[1].includes('app-1-'));
      expect(matching.length).toBeGreaterThan(0);
      await until(async () => (await count(page)) === `${matching.length} of ${truth.rows.length}`, { message: 'the filtered count' });
      await until(async () => JSON.stringify(await renderedRows(page)) === JSON.stringify(matching.slice(0, (await renderedRows(page)).length)), { message: 'the filtered rows in order' });
      await filter.fill('');

      // AGE puts the youngest pod first.
      await page.getByRole('columnheader', { name: /AGE/ }).getByRole('button').click();
      const youngest = [...truth.created.values()].sort().at(-1);
      await until(async () => {
        const [top] = await renderedRows(page);
        return top !== undefined && truth.created.get(top) === youngest;
      }, { message: `a pod created at ${youngest} first` });
      await screenshot(page, 'portal-list-churn');
    } finally {
      harness.sim.setChurnRate(CHURN);
    }
    await page.context().close();
  });
});
