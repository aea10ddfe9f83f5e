import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { renderedRows, signedInPage } from './portal-support';

describe('the portal with 10,000 pods', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'large:10000', controllers: false });
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('renders the pod list with only a few dozen DOM rows, and scrolls to the end', async () => {
    const page = await signedInPage(browser, portal.url, 'alice', '/clusters/sim/pods');
    const count = page.getByTestId('row-count');
    await until(async () => Number(await count.textContent()) >= 10_000, { message: 'all pods counted', timeoutMs: 60_000 });
    const first = await renderedRows(page);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(80);

    const scroller = page.getByTestId('list-scroller');
    for (const fraction of [0.25, 0.5, 0.75, 1]) {
      await scroller.evaluate((el, f) => (el.scrollTop = el.scrollHeight * f), fraction);
      await until(async () => {
        const rows = await renderedRows(page);
        return rows.length > 0 && rows.length < 80 && rows[0] !== first[0];
      }, { message: `rows after scrolling to ${fraction * 100}%` });
    }
    // The keyboard works on the big list too: Home goes back to the first row.
    await scroller.focus();
    await page.keyboard.press('Home');
    await until(async () => (await renderedRows(page)).includes(first[0]), { message: 'the first row again' });
    expect((await renderedRows(page)).length).toBeLessThan(80);
    await screenshot(page, 'portal-large');
  });
});
