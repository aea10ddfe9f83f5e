import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startRedis } from '../support/redis';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';
import { screenshotBothThemes } from './themeShots';

describe('the Fleet section of the diagnostics drawer (two replicas, Redis between them)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let harness: SimHarness;
  let browser: Browser;
  const replicas: Portal[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    harness = await startSim({ scenario: 'demo' });
    const { path } = await portalKubeconfig(harness);
    const secret = randomBytes(32).toString('base64url');
    const replica = () =>
      startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', REDIS_URL: redis.url, NEXTAUTH_SECRET: secret, CROWSNEST_RATE_LIMIT_PER_SECOND: '0', CROWSNEST_ADMIN_GROUPS: 'platform-admins' });
    const [a, b, chromium] = await Promise.all([replica(), replica(), launchBrowser()]);
    replicas.push(a, b);
    browser = chromium;
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await harness?.close();
    await redis?.stop();
  });

  /** The id a replica gave itself in the fleet, from its start-up log. */
  const idOf = (p: Portal) => String(p.logs.find((l) => typeof l.replicaId === 'string')?.replicaId);
  /** The replica whose latest word on the kind's informer is that it started it. */
  const ownerOf = (kind: string) =>
    replicas.find((p) => p.logs.filter((l) => l.kind === kind && (l.msg === 'informer started' || /lost the informer lease|informer stopped|stored history became unreadable/.test(String(l.msg)))).at(-1)?.msg === 'informer started');

  it('shows alice both replicas, Redis and the owner of pods, marked where it is the replica that answered', async () => {
    const page = await signedInPage(browser, replicas[0].url, 'alice', '/clusters/sim/pods');
    await page.locator('[data-row]').first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const fleet = page.getByRole('region', { name: 'Fleet' });
    await fleet.waitFor();

    const ids = replicas.map(idOf);
    await until(async () => JSON.stringify((await fleet.locator('li[data-replica]').evaluateAll((els) => els.map((e) => e.getAttribute('data-replica')))).sort()) === JSON.stringify([...ids].sort()), {
      message: 'both replicas in the list',
      timeoutMs: 20_000,
    });
    await expect(fleet.getByTestId('fleet-replica').textContent()).resolves.toBe(ids[0]);
    await expect(fleet.getByTestId('fleet-redis').textContent()).resolves.toMatch(/^up round trip \d+(\.\d)? ms/);
    for (const header of ['Kind', 'Owner', 'Lease', 'Position', 'Redis stream', "Followers' lag"]) await fleet.getByRole('columnheader', { name: header }).waitFor();

    const owner = await until(() => ownerOf('pods'), { message: 'an owner of pods' });
    const pods = fleet.locator('tr[data-topic="sim/pods"]');
    await until(async () => (await pods.getByTestId('fleet-owner').textContent())?.startsWith(idOf(owner)), { message: 'the owner of pods in the table' });
    await expect(pods.getByTestId('fleet-owner').getByText('this replica').count()).resolves.toBe(owner === replicas[0] ? 1 : 0);
    await expect(pods.textContent()).resolves.toMatch(/held \d/);
    await expect(pods.textContent()).resolves.toMatch(/\d+ (entry|entries)/);

    // A person on the other replica makes it a follower of pods too: both copies, and how far each trails the stream.
    const elsewhere = await signedInPage(browser, replicas[1].url, 'alice', '/clusters/sim/pods');
    await elsewhere.locator('[data-row]').first().waitFor({ timeout: 30_000 });
    const followers = () => pods.locator('li[data-follower]').evaluateAll((els) => els.map((e) => e.getAttribute('data-follower')));
    await until(async () => JSON.stringify(await followers()) === JSON.stringify(ids), { message: 'both replicas as followers of pods, the answering one first', timeoutMs: 20_000 });
    for (const id of ids) await expect(pods.locator(`li[data-follower="${id}"]`).textContent()).resolves.toMatch(/\d+ deltas?( · last \d+(\.\d)? ms, \d+s ago)?$/);

    // It refreshes while open: a new pod moves the stream's last id on.
    const lastId = async () => (await pods.locator('td').nth(3).locator('.mono').textContent())?.split('…').at(-1)?.trim();
    const before = await lastId();
    const podCreated = await harness.api('/api/v1/namespaces/team-a/pods', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fleet-drawer' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } }),
    });
    expect(podCreated.status).toBe(201);
    await until(async () => (await lastId()) !== before, { message: 'the drawer to show the new stream head', timeoutMs: 20_000 });

    await page.setViewportSize({ width: 1400, height: 1400 });
    await fleet.scrollIntoViewIfNeeded();
    await screenshotBothThemes(page, 'fleet-drawer');
    await elsewhere.context().close();
    await page.context().close();
  });

  it('tells bob, who is not an admin, that the fleet is for admins only', async () => {
    const page = await signedInPage(browser, replicas[1].url, 'bob', '/clusters/sim/pods?namespaces=team-a');
    await page.getByTestId('freshness').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const fleet = page.getByRole('region', { name: 'Fleet' });
    await fleet.getByText(/admins only/).waitFor({ timeout: 15_000 });
    await expect(fleet.locator('table').count()).resolves.toBe(0);
    await screenshotBothThemes(page, 'fleet-drawer-not-admin');
    await page.context().close();
  });

  it('says why it cannot read the fleet while Redis is away (sessions cannot be checked), and recovers when it returns', async () => {
    const page = await signedInPage(browser, replicas[0].url, 'alice', '/clusters/sim/pods');
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    const fleet = page.getByRole('region', { name: 'Fleet' });
    const redisState = fleet.getByTestId('fleet-redis');
    await until(async () => /^up/.test((await redisState.textContent()) ?? ''), { message: 'Redis up in the drawer', timeoutMs: 20_000 });

    await redis.stop();
    await fleet.getByText(/^Could not read the fleet: your session cannot be checked just now .*\(below: the last answer, from .+\)$/).waitFor({ timeout: 20_000 });
    await fleet.locator('.fleet-stale').waitFor();
    await screenshotBothThemes(page, 'fleet-drawer-redis-away');

    redis = await startRedis({ port: Number(new URL(redis.url).port) });
    await fleet.locator('.fleet-stale').waitFor({ state: 'detached', timeout: 30_000 });
    await until(async () => /^up/.test((await redisState.textContent()) ?? ''), { message: 'Redis up again in the drawer', timeoutMs: 30_000 });
    await page.context().close();
  });

  it('says "single replica" on a portal without REDIS_URL', async () => {
    const { path } = await portalKubeconfig(harness, 'sim');
    const single = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', CROWSNEST_ADMIN_GROUPS: 'platform-admins' });
    try {
      const page = await signedInPage(browser, single.url, 'alice', '/clusters/sim/pods');
      await page.getByRole('button', { name: 'Diagnostics' }).click();
      await page.getByRole('region', { name: 'Fleet' }).getByText(/^Single replica \(no REDIS_URL\)/).waitFor({ timeout: 15_000 });
      await page.context().close();
    } finally {
      await single.stop('SIGKILL');
    }
  });
});
