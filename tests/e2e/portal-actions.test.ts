import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';

describe('actions and edits from the detail page, as the signed-in person', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'demo' });
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }), launchBrowser()]);
    alice = await signedInPage(browser, portal.url, 'alice');
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const replicasOf = async (ns: string, name: string) => ((await (await harness.api(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`)).json()) as any).spec.replicas as number;

  it('scales a deployment after the confirm step', async () => {
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
    const input = alice.getByLabel('Replicas', { exact: true });
    await input.waitFor({ timeout: 30_000 });
    await input.fill('4');
    await alice.getByRole('button', { name: 'Scale', exact: true }).click();
    const dialog = alice.getByRole('alertdialog');
    await expect(dialog.textContent()).resolves.toMatch(/Scale web to 4 replicas\?/);
    await dialog.getByRole('button', { name: 'Scale' }).click();
    await until(async () => (await replicasOf('team-a', 'web')) === 4, { message: 'the deployment to be scaled to 4' });
    await screenshot(alice, 'portal-scaled');
  });

  it("refuses bob's scale in team-b on the server with Kubernetes' own words, though the page no longer offers it", async () => {
    const bob = await signedInPage(browser, portal.url, 'bob', '/clusters/sim/deployments/team-b/queue-worker');
    const before = await replicasOf('team-b', 'queue-worker');
    await bob.getByLabel('Replicas', { exact: true }).waitFor({ timeout: 30_000 });
    const answer = await bob.evaluate(async (replicas) => {
      const res = await fetch('/api/clusters/sim/deployments/team-b/queue-worker/scale', { method: 'POST', headers: { 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' }, body: JSON.stringify({ replicas }) });
      return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
    }, before + 1);
    expect(answer.status).toBe(403);
    expect(answer.message).toMatch(/User "bob" cannot patch resource "deployments\/scale" in API group "apps" in the namespace "team-b"/);
    expect(await replicasOf('team-b', 'queue-worker')).toBe(before);
    await bob.context().close();
  });

  it('warns of a conflict when the object changed while its YAML was being edited', async () => {
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
    await alice.getByRole('tab', { name: 'YAML' }).click();
    await alice.getByRole('button', { name: 'Edit' }).click();
    await alice.getByLabel('Edit YAML').waitFor();
    const changed = await harness.kubectl(['label', 'deployment', 'web', '-n', 'team-a', 'edited-elsewhere=yes']);
    expect(changed.code).toBe(0);
    await alice.getByRole('button', { name: 'Apply' }).click();
    const error = alice.locator('.kube-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/changed since you opened it/);
    await expect(error.textContent()).resolves.toMatch(/Operation cannot be fulfilled on deployments\.apps "web"/);
    await screenshot(alice, 'portal-yaml-conflict');
  });

  it('shows the cluster overview with node readiness and what needs attention', async () => {
    await alice.goto(`${portal.url}/clusters/sim`);
    await alice.getByRole('heading', { name: 'Needs attention' }).waitFor({ timeout: 30_000 });
    await until(async () => /of \d+ nodes ready/.test((await alice.locator('.cards').textContent()) ?? ''), { message: 'the node count' });
    await until(async () => ((await alice.locator('.overview').textContent()) ?? '').includes('recommendations'), { message: 'the crash-looping pod under Needs attention', timeoutMs: 60_000 });
    await screenshot(alice, 'portal-overview');
  });
});
