import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { renderedRows, signedInPage } from './portal-support';
import { screenshotBothThemes } from './themeShots';

/** team-a: edited by team-a, seen by team-b. */
const YARDS = 'team-a=team-a/team-b';

describe('the Yard within reach: a cluster on the yard pages, and pinning from any list row', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let pod: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // No demo churn: the pod chosen below must live through the whole file (the churn kills a pod every ~90 s).
    harness = await startSim({ scenario: 'demo', churn: 0 });
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', CROWSNEST_YARDS: YARDS, CROWSNEST_ADMIN_GROUPS: 'platform-admins' }), launchBrowser()]);
    pod = await until(
      async () => {
        const list = (await (await harness.api('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')).json()) as { items: Array<{ metadata: { name: string }; status?: { phase?: string } }> };
        return list.items.find((p) => p.status?.phase === 'Running')?.metadata.name;
      },
      { message: 'a running web pod', timeoutMs: 30_000 },
    );
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const person = async (user: 'alice' | 'bob', path: string): Promise<Page> => {
    const page = await signedInPage(browser, portal.url, user, path);
    contexts.push(page.context());
    return page;
  };
  const switcherValue = (page: Page) => page.locator('#cluster-select').inputValue();

  it('shows a cluster in the switcher on /yards and /yards/{id}, and searches it from the palette', async () => {
    // Straight to /yards with nothing remembered: the first cluster the portal serves.
    const alice = await person('alice', '/yards');
    await until(async () => (await switcherValue(alice)) === 'sim', { message: 'the switcher on sim' }).catch(async (err: Error) => {
      throw new Error(`${err.message}; it is "${await switcherValue(alice)}"`);
    });
    const searches: string[] = [];
    alice.on('request', (r) => {
      if (r.url().includes('/search?')) searches.push(new URL(r.url()).pathname);
    });
    await alice.keyboard.press('Control+k');
    await alice.getByRole('combobox', { name: 'Search objects by name' }).fill('web');
    const dialog = alice.getByRole('dialog', { name: 'Search objects' });
    await dialog.getByRole('option').first().waitFor({ timeout: 30_000 });
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((p) => p === '/api/clusters/sim/search')).toBe(true);
    await expect(dialog.getByRole('alert').count()).resolves.toBe(0);
    await alice.keyboard.press('Escape');

    // The last cluster used is remembered: on a yard's own page too.
    await alice.goto(`${portal.url}/clusters/sim/pods`);
    await until(async () => (await renderedRows(alice)).length > 0, { message: 'the pods', timeoutMs: 30_000 });
    await alice.goto(`${portal.url}/yards/team-a`);
    await alice.locator('.yard[data-synced="true"]').waitFor({ timeout: 30_000 });
    await until(async () => (await switcherValue(alice)) === 'sim', { message: 'the switcher on sim in the yard' });
    await expect(alice.locator('#cluster-select option[value=""]').count()).resolves.toBe(0);
    await alice.keyboard.press('Control+k');
    await alice.getByRole('combobox', { name: 'Search objects by name' }).fill(pod);
    await dialog.getByRole('option', { name: new RegExp(pod) }).first().waitFor({ timeout: 30_000 });
    await screenshotBothThemes(alice, 'yard-palette-search');
    await alice.keyboard.press('Escape');
  });

  it('pins a pod to a yard from its row in the pods list, by mouse and by keyboard', async () => {
    const bob = await person('bob', '/clusters/sim/pods?namespaces=team-a');
    await until(async () => (await renderedRows(bob)).includes(`team-a/${pod}`), { message: 'the pod in the list', timeoutMs: 30_000 });
    const row = bob.locator(`[data-row="team-a/${pod}"]`);
    await row.hover();
    const action = row.getByRole('button', { name: `Pin ${pod} to a yard…` });
    await until(async () => action.isVisible(), { message: 'the row action on hover' });
    await action.click();
    const panel = bob.getByRole('dialog', { name: `Pin ${pod} to a yard` });
    await panel.getByLabel('Yard').selectOption('team-a');
    await panel.getByLabel('Shows').selectOption('object');
    await screenshotBothThemes(bob, 'list-row-pin');
    await panel.getByRole('button', { name: 'Pin' }).click();
    await panel.getByRole('status').filter({ hasText: 'Pinned to' }).waitFor();
    // Escape closes the one shared panel and gives the focus back to the list.
    await bob.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    // Only one panel exists however many rows there are; rows stay light.
    await expect(bob.locator('.pin-panel').count()).resolves.toBe(0);

    // By keyboard: the list's rows, then Tab to the active row's action, Enter.
    const scroller = bob.getByTestId('list-scroller');
    await scroller.focus();
    await bob.keyboard.press('Home');
    const first = (await renderedRows(bob))[0];
    await bob.keyboard.press('Tab');
    const focused = await bob.evaluate(() => ({ label: document.activeElement?.getAttribute('aria-label') ?? '', row: document.activeElement?.closest('[role="row"]')?.getAttribute('data-row') ?? '' }));
    expect(focused).toEqual({ label: `Pin ${first.split('/').pop()} to a yard…`, row: first });
    await bob.keyboard.press('Enter');
    const keyPanel = bob.getByRole('dialog', { name: `Pin ${first.split('/').pop()} to a yard` });
    await keyPanel.waitFor();
    await bob.keyboard.press('Escape');
    await keyPanel.waitFor({ state: 'detached' });
    // Arrow keys in the list still move the active row, and Enter still opens it.
    await scroller.focus();
    await bob.keyboard.press('ArrowDown');
    await expect(bob.locator('[role="row"][aria-selected="true"]').getAttribute('data-row')).resolves.toBe((await renderedRows(bob))[1]);

    await bob.goto(`${portal.url}/yards/team-a`);
    await bob.locator('.yard[data-synced="true"]').waitFor({ timeout: 30_000 });
    const krate = bob.locator('[data-krate][data-type="object"]', { hasText: pod });
    await krate.first().waitFor({ timeout: 30_000 });
  });
});
