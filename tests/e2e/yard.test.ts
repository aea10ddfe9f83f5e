import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';

type Theme = 'light' | 'dark';
const THEMES: Theme[] = ['light', 'dark'];
/** team-a: edited by team-a, seen by team-b; data: edited by platform-admins, seen by team-a (bob only looks). Alice is an admin: she may change every yard. */
const YARDS = 'team-a=team-a/team-b;platform=platform-admins;data=platform-admins/team-a';

describe('the Yard in Chromium: people editing one canvas together, each seeing content as themselves', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let pod: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // No demo churn: the pod chosen below must live through the whole file (the churn kills a pod every ~90 s).
    harness = await startSim({ scenario: 'demo', churn: 0 });
    const { path } = await portalKubeconfig(harness);
    // A secret in team-b: bob may view team-b, and Kubernetes' view role leaves secrets out.
    const created = await harness.api('/api/v1/namespaces/team-b/secrets', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'payments-db' }, stringData: { password: 'not-for-bob' } }),
    });
    expect(created.status).toBe(201);
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

  const person = async (user: 'alice' | 'bob' | 'carol', path: string, viewport?: { width: number; height: number }): Promise<Page> => {
    const page = await signedInPage(browser, portal.url, user, path);
    contexts.push(page.context());
    if (viewport) await page.setViewportSize(viewport);
    return page;
  };
  const openYard = async (user: 'alice' | 'bob' | 'carol', yard: string, viewport?: { width: number; height: number }) => {
    const page = await person(user, `/yards/${yard}`, viewport);
    await page.locator('.yard[data-synced="true"]').waitFor({ timeout: 30_000 });
    return page;
  };
  const krate = (page: Page, text: string): Locator => page.locator('[data-krate]', { hasText: text });
  const position = (k: Locator) => k.evaluate((el) => ({ x: Number(el.getAttribute('data-x')), y: Number(el.getAttribute('data-y')) }));
  const layout = (page: Page) =>
    page.locator('[data-krate]').evaluateAll((els) =>
      els.map((el) => `${el.querySelector('.krate-title')?.textContent} @${el.getAttribute('data-x')},${el.getAttribute('data-y')} ${el.getAttribute('data-w')}x${el.getAttribute('data-h')}`).sort(),
    );
  /** Adds a krate through the canvas's own form. */
  const addKrate = async (page: Page, type: string, namespace: string, name: string, kind = 'pods') => {
    await page.getByRole('button', { name: 'Add krate' }).click();
    const form = page.getByRole('form', { name: 'Add a krate' });
    await form.getByLabel('Shows').selectOption(type);
    if (type !== 'logs' && type !== 'shell') await until(async () => (await form.getByLabel('Kind').locator(`option[value="${kind}"]`).count()) > 0, { message: `the kind ${kind} offered` });
    if (type !== 'logs' && type !== 'shell') await form.getByLabel('Kind').selectOption(kind);
    await form.getByLabel('Namespace', { exact: true }).fill(namespace);
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await krate(page, name).first().waitFor();
  };
  /** Drags a krate by its title bar. */
  const drag = async (page: Page, k: Locator, dx: number, dy: number) => {
    const bar = k.locator('.krate-type');
    const box = await bar.boundingBox();
    if (!box) throw new Error('the krate has no title bar on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + dx / 2, box.y + box.height / 2 + dy / 2, { steps: 3 });
    await page.mouse.move(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy, { steps: 3 });
    await page.mouse.up();
  };

  it('hands the krate alice adds and moves to bob, and converges when both move it at once', async () => {
    const alice = await openYard('alice', 'team-a');
    const bob = await openYard('bob', 'team-a');
    await addKrate(alice, 'object', 'team-a', pod);
    const mine = krate(alice, pod);
    const theirs = krate(bob, pod);
    await theirs.waitFor({ timeout: 5_000 });
    // Content as bob, from his own stream: the pod's status.
    await until(async () => (await theirs.locator('.krate-facts').textContent())?.includes('Running'), { message: "the pod's status in bob's krate" });

    const before = await position(mine);
    await drag(alice, mine, 200, 100);
    const moved = await until(async () => {
      const p = await position(mine);
      return p.x !== before.x || p.y !== before.y ? p : null;
    }, { message: "alice's krate moved" });
    expect(moved.x - before.x).toBeGreaterThan(100);
    await until(async () => JSON.stringify(await position(theirs)) === JSON.stringify(moved), { message: "bob's view of the move" });

    // Both move it at the same moment: both end with the same place, one of the two they chose.
    const start = await position(mine);
    await Promise.all([drag(alice, mine, 300, 0), drag(bob, theirs, 0, 240)]);
    await until(async () => {
      const [a, b] = await Promise.all([position(mine), position(theirs)]);
      return JSON.stringify(a) === JSON.stringify(b) && (a.x !== start.x || a.y !== start.y);
    }, { message: 'both views to agree' });
    expect(await layout(alice)).toEqual(await layout(bob));

    // From the keyboard: arrows move the focused krate by the grid, shift+arrows resize it.
    const here = await position(mine);
    await mine.focus();
    await alice.keyboard.press('ArrowRight');
    await alice.keyboard.press('Shift+ArrowDown');
    await until(async () => (await position(theirs)).x === here.x + 20, { message: "bob's view of the keyboard move" });
    await until(async () => JSON.stringify(await layout(alice)) === JSON.stringify(await layout(bob)), { message: 'the resize seen by bob' });
    await alice.context().close();
    await bob.context().close();
  });

  it('brings a person who was offline during the edits up to date when they reconnect, with their own offline change', async () => {
    const alice = await openYard('alice', 'team-a');
    const bob = await openYard('bob', 'team-a');
    const third = await openYard('alice', 'team-a');
    await addKrate(alice, 'events', 'team-a', pod);
    await krate(third, `events`).first().waitFor();

    const before = (await layout(alice)).length;
    await until(async () => (await layout(third)).length === before, { message: 'the third view in step' });
    await third.context().setOffline(true);
    await third.locator('.yard[data-connected="false"]').waitFor();
    await addKrate(alice, 'yaml', 'team-a', 'web', 'deployments');
    await drag(bob, krate(bob, 'events').first(), 120, 60);
    // The offline person changes something too: it waits in their browser.
    const offlineKrate = krate(third, pod).first();
    const id = await offlineKrate.getAttribute('data-krate');
    const width = Number(await offlineKrate.getAttribute('data-w'));
    await offlineKrate.focus();
    await third.keyboard.press('Shift+ArrowRight');
    await until(async () => Number(await offlineKrate.getAttribute('data-w')) === width + 20, { message: 'the offline resize, here' });
    await until(async () => {
      const [a, b] = await Promise.all([layout(alice), layout(bob)]);
      return a.length === before + 1 && JSON.stringify(a) === JSON.stringify(b);
    }, { message: 'alice and bob in step' });
    expect(await layout(third)).toHaveLength(before);

    await third.context().setOffline(false);
    await third.locator('.yard[data-connected="true"][data-synced="true"]').waitFor();
    await until(async () => {
      const [a, b, c] = await Promise.all([layout(alice), layout(bob), layout(third)]);
      return JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(b) === JSON.stringify(c) && a.length === before + 1 ? a : null;
    }, { message: 'all three views to agree', timeoutMs: 20_000 });
    // The change made offline is everyone's now.
    expect(Number(await alice.locator(`[data-krate="${id}"]`).getAttribute('data-w'))).toBe(width + 20);
    for (const page of [alice, bob, third]) await page.context().close();
  });

  it("shows bob Kubernetes' reason for a krate he may not read while his other krates stream", async () => {
    const alice = await openYard('alice', 'team-a');
    await addKrate(alice, 'object', 'team-b', 'payments-db', 'secrets');
    await addKrate(alice, 'logs', 'team-a', pod);
    // Alice may read the secret: her krate shows it.
    await until(async () => (await krate(alice, 'payments-db').locator('.krate-facts').count()) > 0, { message: "alice's secret krate" });

    const bob = await openYard('bob', 'team-a');
    const refused = krate(bob, 'payments-db').locator('.krate-error');
    await refused.waitFor();
    const text = (await refused.textContent()) ?? '';
    expect(text).toContain('Forbidden');
    expect(text).toMatch(/secrets "payments-db" is forbidden: User "bob" cannot get resource "secrets"/);
    // His other krates stream meanwhile: the pod's log lines and its card.
    await until(async () => (await krate(bob, pod).locator('.krate-facts').first().textContent())?.includes('Running'), { message: "bob's pod card" });
    await until(async () => (await bob.locator('[data-krate][data-type="logs"] [data-testid="log-lines"] .log-line').count()) > 0, { message: "bob's log lines" });
    for (const theme of THEMES) {
      await bob.emulateMedia({ colorScheme: theme });
      await screenshot(bob, `yard-forbidden-${theme}`);
    }
    await alice.context().close();
    await bob.context().close();
  });

  it("shows each person's cursor and who is here to the other, and follows a colleague to what they look at", async () => {
    const alice = await openYard('alice', 'team-a');
    const bob = await openYard('bob', 'team-a');
    await alice.locator('.yard-people [data-person="bob"]').waitFor();
    await bob.locator('.yard-people [data-person="alice"]').waitFor();

    const viewport = await alice.locator('.yard-viewport').boundingBox();
    if (!viewport) throw new Error('no canvas');
    await alice.mouse.move(viewport.x + viewport.width - 120, viewport.y + viewport.height - 80);
    await alice.mouse.move(viewport.x + viewport.width - 100, viewport.y + viewport.height - 60, { steps: 4 });
    await bob.locator('[data-cursor="alice"]').waitFor({ timeout: 5_000 });

    // Bob follows alice; she looks at a krate far down the canvas, and bob's view goes there.
    await bob.locator('[data-person="alice"]').getByRole('button', { name: 'Follow' }).click();
    const target = krate(alice, 'payments-db').first();
    await target.focus();
    await until(async () => (await krate(bob, 'payments-db').first().getAttribute('data-followed')) === 'true', { message: 'bob following alice to her krate' });
    await bob.getByRole('status').filter({ hasText: 'Following' }).waitFor();
    await alice.mouse.move(viewport.x + 300, viewport.y + 200, { steps: 2 });
    for (const theme of THEMES) {
      await bob.emulateMedia({ colorScheme: theme });
      await alice.emulateMedia({ colorScheme: theme });
      await screenshot(alice, `yard-two-people-alice-${theme}`);
      await screenshot(bob, `yard-two-people-bob-following-${theme}`);
    }
    await bob.keyboard.press('Escape');
    await until(async () => (await bob.getByRole('status').filter({ hasText: 'Following' }).count()) === 0, { message: 'follow mode left on Escape' });
    await alice.context().close();
    await bob.context().close();
  });

  it('lets a viewer see the yard but change nothing, and says why', async () => {
    const alice = await openYard('alice', 'data');
    await addKrate(alice, 'object', 'team-a', pod);
    const bob = await openYard('bob', 'data');
    const k = krate(bob, pod);
    await k.waitFor();
    await bob.getByRole('note').filter({ hasText: 'You may look at this yard but not change it' }).waitFor();
    expect(await bob.getByRole('button', { name: 'Add krate' }).isDisabled()).toBe(true);
    expect(await k.getByRole('button', { name: /^Remove/ }).isDisabled()).toBe(true);
    const before = await position(k);
    await k.focus();
    await bob.keyboard.press('ArrowRight');
    await drag(bob, k, 200, 0);
    expect(await position(k)).toEqual(before);
    expect(await position(krate(alice, pod))).toEqual(before);
    await alice.context().close();
    await bob.context().close();
  });

  it('keeps carol, who is in no group, out of team yards with a clear message, and gives her her own', async () => {
    const carol = await person('carol', '/yards/team-a');
    const refusal = carol.getByRole('alert').filter({ hasText: 'You may not open this yard' });
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.textContent()).toContain('you are in none of the groups that may open yard');
    await carol.goto(portal.url + '/yards');
    const cards = carol.getByRole('list', { name: 'Your yards' }).locator('[data-yard]');
    await until(async () => (await cards.count()) > 0, { message: "carol's yards" });
    expect(await cards.allTextContents()).toEqual([expect.stringContaining('My yard')]);
    await carol.context().close();
  });

  it('lists, creates, renames and deletes yards, and pins an object from its page and from the palette', async () => {
    const bob = await person('bob', '/yards');
    const cards = bob.getByRole('list', { name: 'Your yards' }).locator('[data-yard]');
    await until(async () => (await cards.count()) >= 2, { message: "bob's yards" });
    expect(await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-yard')))).toEqual([expect.stringMatching(/^~/), 'data', 'team-a']);

    await bob.getByLabel('Id', { exact: true }).fill('incident-42');
    await bob.getByLabel('Title', { exact: true }).fill('Incident 42');
    await bob.getByRole('button', { name: 'Create' }).click();
    const card = bob.locator('[data-yard="incident-42"]');
    await card.waitFor();
    await card.getByRole('button', { name: 'Rename' }).click();
    await card.getByLabel('New title for Incident 42').fill('Incident 42: checkout slow');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.getByRole('link', { name: 'Incident 42: checkout slow' }).waitFor();
    for (const theme of THEMES) {
      await bob.emulateMedia({ colorScheme: theme });
      await screenshot(bob, `yard-list-${theme}`);
    }

    // Pin from the pod's page into the new yard.
    await bob.goto(`${portal.url}/clusters/sim/pods/team-a/${pod}`);
    await bob.locator('#detail-title').waitFor({ timeout: 30_000 });
    await bob.getByRole('button', { name: 'Pin to yard…' }).click();
    const panel = bob.getByRole('dialog', { name: `Pin ${pod} to a yard` });
    await panel.getByLabel('Yard').selectOption('incident-42');
    await panel.getByLabel('Shows').selectOption('logs');
    await panel.getByRole('button', { name: 'Pin' }).click();
    await panel.getByRole('status').filter({ hasText: 'Pinned to' }).waitFor();

    // And from the palette: Ctrl+K, the deployment, "Pin web to yard…".
    await bob.keyboard.press('Control+k');
    await bob.getByRole('combobox', { name: 'Search objects by name' }).fill('web');
    const pinButton = bob.getByRole('button', { name: /^Pin web.* to yard…$/ }).first();
    await pinButton.waitFor();
    const pinned = ((await pinButton.textContent()) ?? '').replace(/^Pin (.*) to yard…$/, '$1');
    await pinButton.click();
    const palettePanel = bob.getByRole('dialog', { name: `Pin ${pinned} to a yard` });
    await palettePanel.getByLabel('Yard').selectOption('incident-42');
    await palettePanel.getByRole('button', { name: 'Pin' }).click();
    await palettePanel.getByRole('status').filter({ hasText: 'Pinned to' }).waitFor();

    await bob.goto(`${portal.url}/yards/incident-42`);
    await bob.locator('.yard[data-synced="true"]').waitFor();
    await until(async () => (await bob.locator('[data-krate]').count()) === 2, { message: 'the two pinned krates' });
    expect(await bob.locator('[data-krate][data-type="logs"]').count()).toBe(1);
    await krate(bob, pinned).first().waitFor();

    // Delete, with a confirmation.
    await bob.goto(`${portal.url}/yards`);
    await card.getByRole('button', { name: 'Delete…' }).click();
    await card.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await until(async () => (await card.count()) === 0, { message: 'the yard gone from the list' });
    await bob.context().close();
  });

  it('stacks the krates as a list on a phone', async () => {
    const bob = await openYard('bob', 'team-a', { width: 390, height: 844 });
    await until(async () => (await bob.locator('[data-krate]').count()) >= 3, { message: 'the krates' });
    // Their content in, as bob: the forbidden secret, the pod's live card, the log lines.
    await bob.locator('[data-krate] .krate-error').first().waitFor();
    await until(async () => (await bob.locator('[data-krate][data-type="object"] .krate-facts').allTextContents()).some((t) => t.includes('Running')), { message: "the pod's card" });
    await bob.locator('[data-krate][data-type="logs"] [data-testid="log-lines"] .log-line').first().waitFor();
    const boxes = await bob.locator('[data-krate]').evaluateAll((els) => els.map((e) => ({ position: getComputedStyle(e).position, ...JSON.parse(JSON.stringify(e.getBoundingClientRect())) as DOMRect })));
    for (const [i, box] of boxes.entries()) {
      expect(box.position).toBe('static');
      expect(box.width).toBeLessThanOrEqual(390);
      if (i > 0) expect(box.top).toBeGreaterThanOrEqual(boxes[i - 1].bottom);
    }
    const overflow = await bob.evaluate(() => {
      const main = document.querySelector('main');
      return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, main ? main.scrollWidth - main.clientWidth : 0);
    });
    expect(overflow).toBe(0);
    for (const theme of THEMES) {
      await bob.emulateMedia({ colorScheme: theme });
      await screenshot(bob, `yard-phone-${theme}`);
    }
    await bob.context().close();
  });
});
