import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { openTab, signedInPage } from './portal-support';

describe('logs and a shell in the browser', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;

  /** A Running pod of a deployment, by its app label. */
  const runningPod = async (namespace: string, app: string) =>
    until(
      async () => {
        const list = (await (await harness.api(`/api/v1/namespaces/${namespace}/pods?labelSelector=app%3D${app}`)).json()) as any;
        return list.items.find((p: any) => p.status?.phase === 'Running')?.metadata.name as string | undefined;
      },
      { message: `a running ${app} pod`, timeoutMs: 30_000 },
    );
  /** Clicks a detail tab until it is selected (a click before hydration does nothing). */
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

  it('follows a pod’s logs, stops auto-scrolling when scrolled up, and jumps back to the latest', async () => {
    const pod = await runningPod('team-a', 'web');
    await alice.goto(`${portal.url}/clusters/sim/pods/team-a/${pod}`);
    await openTab(alice, 'Logs');
    const lines = alice.locator('[data-testid="log-lines"] .log-line');
    await lines.first().waitFor({ timeout: 30_000 });
    const counter = alice.getByRole('toolbar', { name: 'Log options' }).locator('[aria-live="polite"]');
    const count = async () => Number(((await counter.textContent()) ?? '0').replace(/[^\d].*$/, '').replace(/,/g, '') || 0);
    const first = await count();
    await until(async () => (await count()) > first, { message: 'new log lines to arrive', timeoutMs: 30_000 });

    const viewport = alice.locator('[data-testid="log-lines"]');
    await until(() => viewport.evaluate((el) => el.scrollHeight > el.clientHeight + 100), { message: 'enough lines to scroll', timeoutMs: 60_000 });
    await viewport.evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    const jump = alice.getByRole('button', { name: 'Jump to latest' });
    await jump.waitFor();
    const during = await count();
    await until(async () => (await count()) > during, { message: 'more lines while scrolled up', timeoutMs: 30_000 });
    expect(await viewport.evaluate((el) => el.scrollTop)).toBeLessThan(50);
    await screenshot(alice, 'logs-scrolled-up');
    await jump.click();
    await jump.waitFor({ state: 'detached' });
  });

  it('opens a shell, runs commands, follows the window size, and shows the exit code', async () => {
    const pod = await runningPod('team-a', 'web');
    await alice.setViewportSize({ width: 1400, height: 900 });
    await alice.goto(`${portal.url}/clusters/sim/pods/team-a/${pod}`);
    await openTab(alice, 'Shell');
    const terminal = alice.locator('[data-testid="terminal"]');
    await terminal.locator('.xterm-rows').waitFor({ timeout: 30_000 });
    await until(async () => /[#$]\s*$/m.test(await terminalText(alice)), { message: 'a shell prompt', timeoutMs: 30_000 });
    await terminal.click();

    await alice.keyboard.type('echo hello\n');
    await until(async () => (await terminalText(alice)).split('\n').some((line) => line.trim() === 'hello'), { message: 'hello in the terminal' });

    const sizes = async () => [...(await terminalText(alice)).matchAll(/^(\d+) (\d+)\s*$/gm)].map((m) => `${m[1]} ${m[2]}`);
    await alice.keyboard.type('stty size\n');
    await until(async () => (await sizes()).length >= 1, { message: 'the first stty size' });
    const before = (await sizes()).at(-1)!;
    await alice.setViewportSize({ width: 1000, height: 700 });
    await until(async () => {
      await alice.keyboard.type('stty size\n');
      const now = await sizes();
      return now.length > 0 && now.at(-1) !== before;
    }, { message: 'stty size to follow the window', timeoutMs: 20_000, intervalMs: 700 });
    await screenshot(alice, 'shell-session');

    await alice.keyboard.type('exit 3\n');
    await alice.getByRole('toolbar', { name: 'Shell options' }).getByText('Exited with code 3').waitFor();
  });

  it("refuses bob a shell in team-b, where he may only view, with Kubernetes' reason", async () => {
    const pod = await runningPod('team-b', 'queue-worker');
    const bob = await signedInPage(browser, portal.url, 'bob', `/clusters/sim/pods/team-b/${pod}`);
    await openTab(bob, 'Shell');
    // Kubernetes is asked up front (an access review as bob): the tab says no, with its reason, and opens no shell.
    const panel = bob.locator('#panel-shell');
    await until(async () => /cannot (create|get) resource "pods\/exec"/.test((await panel.textContent()) ?? ''), { message: "Kubernetes' refusal", timeoutMs: 30_000 });
    await expect(panel.textContent()).resolves.toMatch(/User "bob" cannot (create|get) resource "pods\/exec"/);
    await screenshot(bob, 'shell-refused');
    await bob.context().close();
  });
});
