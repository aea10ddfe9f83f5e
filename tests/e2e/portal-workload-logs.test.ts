import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { openTab, signedInPage } from './portal-support';

describe('logs across a workload’s pods, and panes that keep their sessions', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;

  const json = async (path: string) => (await (await harness.api(path)).json()) as any;
  /** The distinct `pod/container` prefixes of the merged lines on screen. */
  const sources = (page: Page) => page.locator('[data-testid="merged-log-lines"] .log-line').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-source') ?? ''))].sort());
  const status = async (page: Page) => ((await page.getByTestId('log-pods').textContent()) ?? '').replace(/\s+/g, ' ');
  const terminalText = (page: Page) => page.locator('[data-testid="terminal"] .xterm-rows').innerText();

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

  it('merges the logs of a Deployment’s pods, each line prefixed, and a new pod joins when it starts', async () => {
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
    await openTab(alice, 'Logs');
    const pods = ((await json('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')).items as any[]).map((p) => `${p.metadata.name}/web`).sort();
    expect(pods).toHaveLength(3);
    await until(async () => (await sources(alice)).length === 3, { message: 'lines from all three pods', timeoutMs: 60_000 });
    expect(await sources(alice)).toEqual(pods);
    expect(await status(alice)).toContain('Following 3 of 3 pods');
    await alice.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await screenshot(alice, 'workload-logs-merged-light');
    await alice.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await screenshot(alice, 'workload-logs-merged-dark');
    await alice.evaluate(() => delete document.documentElement.dataset.theme);

    expect((await harness.kubectl(['scale', 'deployment/web', '--replicas=4', '-n', 'team-a'])).code).toBe(0);
    // Every pod running now writes into the view (lines of pods gone meanwhile stay, prefixed with their names).
    const running = async () => ((await json('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')).items as any[]).filter((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp).map((p) => `${p.metadata.name}/web`);
    await until(
      async () => {
        const now = await running();
        const shown = await sources(alice);
        return now.length === 4 && now.every((s) => shown.includes(s)) && shown.length > 3;
      },
      { message: 'lines from every pod running after the scale', timeoutMs: 60_000 },
    );
    await until(async () => (await status(alice)).includes('Following 4 of 4 pods'), { message: 'four pods followed' });
  });

  it('caps the pods it follows and says so; a workload without pods says there is nothing to follow', async () => {
    const many = await harness.kubectl(['create', 'deployment', 'fanout', '--image=ghcr.io/acme/fanout:1', '--replicas=10', '-n', 'team-a']);
    expect(many.code, many.stderr).toBe(0);
    await until(async () => ((await json('/apis/apps/v1/namespaces/team-a/deployments/fanout')).status?.readyReplicas ?? 0) === 10, { message: 'ten ready pods', timeoutMs: 60_000 });
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/fanout`);
    await openTab(alice, 'Logs');
    await until(async () => /Following 8 of 10 pods · capped at 8 pods: 2 more not shown/.test(await status(alice)), { message: 'the cap to be announced', timeoutMs: 30_000 });
    await until(async () => (await sources(alice)).length === 8, { message: 'lines from eight pods', timeoutMs: 60_000 });

    expect((await harness.kubectl(['create', 'deployment', 'idle', '--image=ghcr.io/acme/idle:1', '--replicas=0', '-n', 'team-a'])).code).toBe(0);
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/idle`);
    await openTab(alice, 'Logs');
    await until(async () => /No pods match: nothing to follow/.test(await status(alice)), { message: 'nothing to follow', timeoutMs: 30_000 });
  });

  it('keeps a shell session through a switch of tabs, and its pane goes full screen and back', async () => {
    const pod = ((await json('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dapi')).items as any[]).find((p) => p.status?.phase === 'Running').metadata.name as string;
    await alice.goto(`${portal.url}/clusters/sim/pods/team-a/${pod}`);
    await openTab(alice, 'Shell');
    const terminal = alice.locator('[data-testid="terminal"]');
    await terminal.locator('.xterm-rows').waitFor({ timeout: 30_000 });
    await until(async () => /[#$]\s*$/m.test(await terminalText(alice)), { message: 'a shell prompt', timeoutMs: 30_000 });
    await terminal.click();
    await alice.keyboard.type('echo before-switch\n');
    await until(async () => (await terminalText(alice)).split('\n').some((l) => l.trim() === 'before-switch'), { message: 'the first output' });

    await openTab(alice, 'Summary');
    await alice.getByTestId('container-api').waitFor();
    await openTab(alice, 'Shell');
    // The same terminal and session: the earlier output is still there, and the session still takes input.
    expect((await terminalText(alice)).split('\n').some((l) => l.trim() === 'before-switch')).toBe(true);
    await expect(alice.getByRole('toolbar', { name: 'Shell options' }).getByRole('status').textContent()).resolves.toBe(`Connected to ${pod}/api`);
    await terminal.click();
    await alice.keyboard.type('echo after-switch\n');
    await until(async () => (await terminalText(alice)).split('\n').some((l) => l.trim() === 'after-switch'), { message: 'output after the switch' });

    const pane = alice.locator('#panel-shell [data-testid="pane"]');
    expect(await pane.locator('.pane-body').evaluate((el) => getComputedStyle(el).resize)).toBe('vertical');
    await pane.getByRole('button', { name: 'Full screen' }).click();
    await until(async () => (await pane.getAttribute('data-full')) === 'true', { message: 'full screen' });
    const box = await pane.boundingBox();
    const viewport = alice.viewportSize()!;
    expect(box && box.width >= viewport.width - 2 && box.height >= viewport.height - 2).toBe(true);
    await screenshot(alice, 'shell-full-screen');
    await pane.getByRole('button', { name: 'Exit full screen' }).click();
    await until(async () => (await pane.getAttribute('data-full')) === 'false', { message: 'back from full screen' });
    expect((await terminalText(alice)).split('\n').some((l) => l.trim() === 'after-switch')).toBe(true);
  });
});
