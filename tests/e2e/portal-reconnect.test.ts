import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { freePort } from '../support/redis';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { renderedRows, signedInPage } from './portal-support';

describe('honest freshness when the server goes away', () => {
  let harness: SimHarness;
  let browser: Browser;
  let portal: Portal;
  let page: Page;
  let env: Record<string, string>;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'before')), headers: { 'Content-Type': 'application/json' } });
    const { path } = await portalKubeconfig(harness);
    // A fixed port and secret: the replacement process is the same portal to the browser, and accepts its session.
    env = { KUBECONFIG: path, CROWSNEST_DEMO: '0', PORT: String(await freePort()), NEXTAUTH_SECRET: 'a-reconnect-test-secret-that-is-long-enough', CROWSNEST_HEARTBEAT_SECONDS: '2', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' };
    [portal, browser] = await Promise.all([startPortal(env), launchBrowser()]);
    page = await signedInPage(browser, `http://127.0.0.1:${env.PORT}`, 'alice', '/clusters/sim/pods?namespaces=team-a');
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('shows Reconnecting while the portal is down, then Live again with what changed meanwhile', async () => {
    const badge = page.getByTestId('freshness');
    await badge.filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await until(async () => (await renderedRows(page)).includes('team-a/before'), { message: 'the first pod' });

    await portal.stop('SIGKILL');
    await until(async () => /Reconnecting/.test((await badge.textContent()) ?? ''), { message: 'the Reconnecting state', timeoutMs: 20_000 });
    await screenshot(page, 'portal-reconnecting');
    const created = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'while-down')), headers: { 'Content-Type': 'application/json' } });
    expect(created.status).toBe(201);

    portal = await startPortal(env);
    await badge.filter({ hasText: 'Live' }).waitFor({ timeout: 60_000 });
    await until(async () => (await renderedRows(page)).includes('team-a/while-down'), { message: 'the pod created while the portal was down', timeoutMs: 30_000 });
    expect(await renderedRows(page)).toContain('team-a/before');
  });
});
