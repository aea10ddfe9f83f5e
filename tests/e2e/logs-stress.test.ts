import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';

/** A Running pod whose one container logs as `env` says (see sim/controllers/README.md). */
function loggingPod(name: string, env: Record<string, string>) {
  const pod = aPod('team-a', name);
  return {
    ...pod,
    spec: { ...pod.spec, containers: [{ name: 'main', image: 'example/app:1', env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })) }] },
  };
}

describe('the log viewer under floods', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let page: Page;

  const openLogs = async (name: string) => {
    await page.goto(`${portal.url}/clusters/sim/pods/team-a/${name}`);
    await until(
      async () => {
        const tab = page.getByRole('tab', { name: 'Logs' });
        await tab.click();
        return (await tab.getAttribute('aria-selected')) === 'true';
      },
      { message: 'the Logs tab', intervalMs: 250 },
    );
    await page.locator('[data-testid="log-lines"] .log-line').first().waitFor({ timeout: 30_000 });
  };
  /** Proves the tab still answers: a round trip through its main thread, and how much it draws. */
  const drawn = () => page.evaluate(() => ({ rows: document.querySelectorAll('.log-line').length, chars: document.querySelector('[data-testid="log-lines"]')?.textContent?.length ?? 0 }));

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    const res = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(loggingPod('flood', { SIM_LOG_RATE: '20000' })), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }), launchBrowser()]);
    page = await signedInPage(browser, portal.url, 'alice');
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('keeps the newest lines of a 20,000-lines-a-second flood, says how many it dropped, and stays responsive', async () => {
    await openLogs('flood');
    const status = page.getByRole('toolbar', { name: 'Log options' }).locator('[aria-live="polite"]');
    await until(async () => /older lines dropped/.test((await status.textContent()) ?? ''), { message: 'the dropped-lines notice', timeoutMs: 60_000 });
    const received = Number(((await status.textContent()) ?? '').match(/([\d,]+) older lines dropped/)?.[1].replace(/,/g, ''));
    expect(received).toBeGreaterThan(0);
    const { rows } = await drawn();
    expect(rows).toBeLessThan(200);
    await screenshot(page, 'logs-flood');
  });

  it('shows a 1 MB line cut short with a way to expand it, without drawing the megabyte', async () => {
    // Its container starts a few seconds from now, so the giant line arrives live on the open follow
    // (never only in an initial tail that a reconnecting viewer would skip).
    const pod = loggingPod('huge-line', { SIM_LOG_LINE_BYTES: String(1024 * 1024), SIM_LOG_RATE: '2' });
    pod.status.containerStatuses[0].state.running.startedAt = new Date(Date.now() + 3000).toISOString();
    const res = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(pod), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
    await openLogs('huge-line');
    // The giant line itself (not some other long line) arrives, cut for display, with its expand button.
    const expand = page.locator('.log-line', { hasText: 'huge payload' }).getByRole('button', { name: /more characters — expand/ });
    await expand.waitFor({ timeout: 30_000 });
    const { chars } = await drawn();
    expect(chars).toBeLessThan(200_000);
    await screenshot(page, 'logs-huge-line');
  });
});
