import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { renderedRows, signedInPage } from './portal-support';

describe('the portal on a live cluster', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'demo' });
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([
      startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_HEARTBEAT_SECONDS: '2', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }),
      launchBrowser(),
    ]);
    alice = await signedInPage(browser, portal.url, 'alice');
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const rowsOf = (page: Page) => renderedRows(page);

  it('shows a pod created with kubectl in the open list without a reload, and removes it when deleted', async () => {
    await alice.goto(portal.url + '/clusters/sim/pods?namespaces=team-a');
    await alice.getByTestId('freshness').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await until(async () => (await rowsOf(alice)).some((r) => r.startsWith('team-a/web-')), { message: 'the team-a pods', timeoutMs: 20_000 });
    const created = await harness.kubectl(['run', 'from-kubectl', '-n', 'team-a', '--image', 'nginx']);
    expect(created.code).toBe(0);
    await until(async () => (await rowsOf(alice)).includes('team-a/from-kubectl'), { message: 'the new pod in the list', timeoutMs: 15_000 });
    await screenshot(alice, 'portal-pods-live');
    const deleted = await harness.kubectl(['delete', 'pod', 'from-kubectl', '-n', 'team-a', '--wait=false']);
    expect(deleted.code).toBe(0);
    await until(async () => !(await rowsOf(alice)).includes('team-a/from-kubectl'), { message: 'the deleted pod to leave the list', timeoutMs: 30_000 });
  });

  it('shows bob only team-a and team-b rows, and an error for a namespace he picked and may not list', async () => {
    const bob = await signedInPage(browser, portal.url, 'bob', '/clusters/sim/pods');
    await until(async () => (await rowsOf(bob)).length > 0, { message: "bob's rows", timeoutMs: 20_000 });
    const rows = await rowsOf(bob);
    expect(rows.every((r) => r.startsWith('team-a/') || r.startsWith('team-b/'))).toBe(true);
    await screenshot(bob, 'portal-bob-pods');
    await bob.goto(portal.url + '/clusters/sim/pods?namespaces=team-a,kube-system');
    const errors = bob.getByTestId('namespace-errors');
    await errors.waitFor();
    await expect(errors.textContent()).resolves.toMatch(/kube-system/);
    await until(async () => (await rowsOf(bob)).length > 0 && (await rowsOf(bob)).every((r) => r.startsWith('team-a/')), { message: "bob's team-a rows", timeoutMs: 20_000 });
    await bob.context().close();
  });

  it('deletes a pod from its detail page, says it was deleted, and the ReplicaSet replacement appears', async () => {
    await alice.goto(portal.url + '/clusters/sim/pods?namespaces=team-a');
    await until(async () => (await rowsOf(alice)).some((r) => r.startsWith('team-a/web-')), { message: 'the web pods', timeoutMs: 20_000 });
    const before = (await rowsOf(alice)).filter((r) => r.startsWith('team-a/web-'));
    const victim = before[0].split('/')[1];
    await alice.locator(`[data-row="team-a/${victim}"] a`).click();
    await alice.getByRole('heading', { name: victim }).waitFor();
    await screenshot(alice, 'portal-pod-detail');
    await alice.getByRole('button', { name: 'Delete' }).click();
    await alice.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await alice.getByTestId('object-deleted').waitFor({ timeout: 20_000 });
    await screenshot(alice, 'portal-pod-deleted');
    await alice.getByRole('link', { name: /Back to Pods/ }).click();
    await until(
      async () => {
        const now = (await rowsOf(alice)).filter((r) => r.startsWith('team-a/web-'));
        return !now.includes(`team-a/${victim}`) && now.length >= before.length && now.some((r) => !before.includes(r));
      },
      { message: 'the replacement pod', timeoutMs: 30_000 },
    );
  });

  it('reveals one secret value on request', async () => {
    await alice.goto(portal.url + '/clusters/sim/secrets/team-a/api-credentials');
    await alice.getByRole('tab', { name: 'Data' }).click();
    await expect(alice.getByText('s3cr3t-demo-only').count()).resolves.toBe(0);
    await alice.getByRole('button', { name: 'Reveal DATABASE_PASSWORD' }).click();
    await expect(alice.getByTestId('secret-value-DATABASE_PASSWORD').textContent()).resolves.toBe('s3cr3t-demo-only');
    expect(await alice.getByRole('button', { name: 'Reveal STRIPE_KEY' }).count()).toBe(1);
    await screenshot(alice, 'portal-secret-revealed');
  });

  it('finds a deployment by part of its name in the command palette and opens it with the keyboard', async () => {
    await alice.goto(portal.url + '/clusters/sim');
    await alice.getByRole('heading', { name: 'sim' }).waitFor();
    await alice.keyboard.press('Control+k');
    const input = alice.getByRole('combobox', { name: 'Search objects by name' });
    await input.fill('ecommend');
    const option = alice.getByRole('option').filter({ hasText: 'deployments' }).filter({ hasText: 'recommendations' });
    await option.waitFor();
    await screenshot(alice, 'portal-palette');
    while ((await option.getAttribute('aria-selected')) !== 'true') await input.press('ArrowDown');
    await input.press('Enter');
    await alice.waitForURL((url) => url.pathname === '/clusters/sim/deployments/team-a/recommendations');
    await alice.getByRole('heading', { name: 'recommendations' }).waitFor();
  });

  it('ends on exactly the last selection after switching kind and namespace ten times quickly', async () => {
    const selections = [
      ['pods', 'team-a'],
      ['deployments', 'team-b'],
      ['pods', 'team-b'],
      ['services', 'team-a'],
      ['configmaps', 'team-b'],
      ['pods', 'kube-system'],
      ['deployments', 'team-a'],
      ['secrets', 'team-b'],
      ['pods', 'team-a'],
      ['deployments', 'team-b'],
    ];
    await alice.goto(portal.url + '/clusters/sim/pods');
    await alice.locator('[data-kind="namespaces"] .count').filter({ hasText: /\d/ }).waitFor({ timeout: 20_000 });
    for (const [kind, ns] of selections) {
      // As a person clicking fast: the kind in the sidebar, then "only <namespace>"; never waiting for data in between.
      await alice.locator(`nav [data-kind="${kind}"]`).click();
      await alice.getByRole('button', { name: /^Namespaces/ }).click();
      await alice.getByRole('button', { name: `Only ${ns}`, exact: true }).click();
    }
    const truth = await harness.api('/apis/apps/v1/namespaces/team-b/deployments').then((r) => r.json());
    const expected = (truth.items as any[]).map((d) => `team-b/${d.metadata.name}`).sort();
    await until(async () => JSON.stringify((await rowsOf(alice)).sort()) === JSON.stringify(expected), { message: 'exactly the team-b deployments', timeoutMs: 60_000 });
    expect(new URL(alice.url()).pathname).toBe('/clusters/sim/deployments');
    await screenshot(alice, 'portal-after-switching');
  });

  it('shows hostile names, huge labels and ANSI annotations as text, with the page intact', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const res = await harness.api('/api/v1/namespaces/team-a/configmaps', {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'hostile',
          namespace: 'team-a',
          labels: { app: 'hostile' },
          annotations: { 'example.com/html': hostile, 'example.com/big': 'x'.repeat(10 * 1024), 'example.com/ansi': '\u001b[31mERROR\u001b[0m something failed' },
        },
        data: { k: 'v' },
      }),
    });
    expect(res.status).toBe(201);
    const pod = aPod('team-a', 'odd-pod', { app: 'odd', big: 'y'.repeat(63) });
    (pod.metadata as any).annotations = { note: hostile, big: 'z'.repeat(10 * 1024) };
    expect((await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(pod) })).status).toBe(201);

    await alice.goto(portal.url + '/clusters/sim/configmaps/team-a/hostile');
    await alice.getByText(hostile, { exact: true }).waitFor();
    await alice.getByText('x'.repeat(10 * 1024), { exact: true }).waitFor();
    await alice.getByText('\u001b[31mERROR\u001b[0m something failed', { exact: true }).waitFor();
    expect(await alice.evaluate(() => (window as any).__pwned)).toBeUndefined();
    expect(await alice.locator('img[src="x"]').count()).toBe(0);
    // The page is intact: the sidebar and the tabs still work.
    await alice.getByRole('tab', { name: 'YAML' }).click();
    await alice.getByTestId('yaml-editor').waitFor();
    await screenshot(alice, 'portal-hostile');
  });

  it('sends a tab whose session was signed out in another tab to the sign-in page', async () => {
    const bob = await signedInPage(browser, portal.url, 'bob', '/clusters/sim/pods');
    await bob.getByTestId('freshness').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    const other = await bob.context().newPage();
    await other.goto(portal.url + '/');
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.waitForURL(/\/signin/);
    // The open list's stream ends (done: signed-out) and the tab goes to sign in, to come back to the list.
    await bob.waitForURL(/\/signin\?callbackUrl=%2Fclusters%2Fsim%2Fpods/, { timeout: 30_000 });
    await bob.context().close();
  });
});
