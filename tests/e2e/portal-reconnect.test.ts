import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
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

  it('says Stale when the server stops answering on an open stream, and Live once it resumes', async () => {
    const badge = page.getByTestId('freshness');
    await badge.filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    // A hung server: the connection stays open, nothing arrives (not even heartbeats).
    process.kill(portal.process.pid!, 'SIGSTOP');
    try {
      // Stale after twice the heartbeat the page has learnt (at most twice the 15 s default).
      await until(async () => /Stale/.test((await badge.textContent()) ?? ''), { message: 'the Stale state', timeoutMs: 45_000 });
      await screenshot(page, 'portal-stale');
    } finally {
      process.kill(portal.process.pid!, 'SIGCONT');
    }
    await badge.filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
  });
});

describe('an unreachable cluster in the portal', () => {
  it('shows the cluster as unreachable with its error, and the page stays usable', async () => {
    const harness = await startSim({ scenario: 'empty', controllers: false });
    const browser = await launchBrowser();
    let portal: Portal | undefined;
    try {
      const { kc } = await portalKubeconfig(harness);
      const both = new KubeConfig();
      both.loadFromOptions({
        clusters: [...kc.clusters, { name: 'gone', server: `https://127.0.0.1:${await freePort()}`, skipTLSVerify: true }],
        users: [...kc.users, { name: 'nobody', token: 'x' }],
        contexts: [...kc.contexts, { name: 'gone', cluster: 'gone', user: 'nobody' }],
        currentContext: 'sim',
      });
      const path = join(harness.dir, 'with-a-dead-cluster.yaml');
      await writeFile(path, both.exportConfig());
      portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
      const page = await signedInPage(browser, portal.url, 'alice', '/clusters/gone/pods');
      const alert = page.locator('.cluster-error');
      await alert.waitFor({ timeout: 30_000 });
      await expect(alert.textContent()).resolves.toMatch(/Unreachable: .*(ECONNREFUSED|connect)/i);
      await screenshot(page, 'portal-unreachable');
      // The other cluster is one switch away and works.
      await page.goto(`${portal.url}/clusters/sim/namespaces`);
      await until(async () => (await renderedRows(page)).includes('team-a'), { message: 'the reachable cluster’s namespaces', timeoutMs: 30_000 });
    } finally {
      await browser.close();
      await portal?.stop('SIGKILL');
      await harness.close();
    }
  });
});
