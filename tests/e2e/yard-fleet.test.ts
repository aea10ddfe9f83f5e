import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBalancer, type Balancer } from '../../scripts/fleet/balancer';
import { launchBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { freePort, startRedis } from '../support/redis';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';

describe('the Yard across two replicas (Redis between them, nginx in front)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let harness: SimHarness;
  let browser: Browser;
  let balancer: Balancer;
  let pod: string;
  const replicas: Portal[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    // No demo churn: the pod chosen below must live through the whole file (the churn kills a pod every ~90 s).
    harness = await startSim({ scenario: 'demo', churn: 0 });
    const { path } = await portalKubeconfig(harness);
    const secret = randomBytes(32).toString('base64url');
    const replica = () =>
      startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', REDIS_URL: redis.url, NEXTAUTH_SECRET: secret, CROWSNEST_RATE_LIMIT_PER_SECOND: '0', CROWSNEST_YARDS: 'team-a=team-a/team-b', CROWSNEST_ADMIN_GROUPS: 'platform-admins' });
    const [a, b, chromium] = await Promise.all([replica(), replica(), launchBrowser()]);
    replicas.push(a, b);
    browser = chromium;
    balancer = await startBalancer(join(harness.dir, 'nginx'), await freePort(), replicas.map((r) => new URL(r.url).host));
    pod = await until(
      async () => {
        const list = (await (await harness.api('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')).json()) as { items: Array<{ metadata: { name: string }; status?: { phase?: string } }> };
        return list.items.find((p) => p.status?.phase === 'Running')?.metadata.name;
      },
      { message: 'a running web pod', timeoutMs: 30_000 },
    );
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await balancer?.stop();
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await harness?.close();
    await redis?.stop();
  });

  const openYard = async (baseUrl: string, user: 'alice' | 'bob') => {
    const page = await signedInPage(browser, baseUrl, user, '/yards/team-a');
    await page.locator('.yard[data-synced="true"]').waitFor({ timeout: 30_000 });
    return page;
  };
  const position = (k: Locator) => k.evaluate((el) => `${el.getAttribute('data-x')},${el.getAttribute('data-y')}`);
  const drag = async (page: Page, k: Locator, dx: number, dy: number) => {
    const box = await k.locator('.krate-type').boundingBox();
    if (!box) throw new Error('the krate has no title bar on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy, { steps: 5 });
    await page.mouse.up();
  };

  it("hands alice's krate on one replica to bob on the other, and their concurrent moves converge there and behind nginx", async () => {
    const alice = await openYard(replicas[0].url, 'alice');
    const bob = await openYard(replicas[1].url, 'bob');
    const third = await openYard(balancer.url, 'bob');

    await alice.getByRole('button', { name: 'Add krate' }).click();
    const form = alice.getByRole('form', { name: 'Add a krate' });
    await form.getByLabel('Namespace', { exact: true }).fill('team-a');
    await form.getByLabel('Name', { exact: true }).fill(pod);
    await form.getByRole('button', { name: 'Add', exact: true }).click();

    const mine = alice.locator('[data-krate]', { hasText: pod });
    const theirs = bob.locator('[data-krate]', { hasText: pod });
    const viaNginx = third.locator('[data-krate]', { hasText: pod });
    await theirs.waitFor({ timeout: 10_000 });
    await drag(alice, mine, 160, 80);
    const moved = await position(mine);
    await until(async () => (await position(theirs)) === moved && (await position(viaNginx)) === moved, { message: 'the move on the other replica and behind nginx' });

    await Promise.all([drag(alice, mine, 240, 0), drag(bob, theirs, 0, 200)]);
    const agreed = await until(async () => {
      const [a, b, c] = await Promise.all([position(mine), position(theirs), position(viaNginx)]);
      return a === b && b === c && a !== moved ? a : null;
    }, { message: 'all three views to agree' });
    expect(agreed).not.toBe(moved);
  });
});
