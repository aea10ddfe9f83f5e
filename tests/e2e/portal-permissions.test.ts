import type { Browser, Page } from 'playwright-core';
import type { ObjectAccess } from '../../lib/access';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';
import { screenshotBothThemes } from './themeShots';

describe('actions that know what the person may do', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'demo' });
    const { path } = await portalKubeconfig(harness);
    [portal, browser] = await Promise.all([startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' }), launchBrowser()]);
    [alice, bob] = await Promise.all([signedInPage(browser, portal.url, 'alice'), signedInPage(browser, portal.url, 'bob')]);
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

  it('shows bob Scale, Restart, Delete and Edit disabled in team-b, where he may only view, with the reason', async () => {
    await bob.goto(`${portal.url}/clusters/sim/deployments/team-b/queue-worker`);
    await button(bob, 'Delete').waitFor({ timeout: 30_000 });
    await until(async () => (await button(bob, 'Delete').isDisabled()) && (await button(bob, 'Scale').isDisabled()) && (await button(bob, 'Restart').isDisabled()), { message: "bob's actions disabled" });
    const reasons = bob.getByRole('list', { name: 'Actions you may not take' });
    await expect(reasons.textContent()).resolves.toContain('Scale not permitted: User "bob" cannot patch resource "deployments/scale" in API group "apps" in the namespace "team-b"');
    await expect(reasons.textContent()).resolves.toContain('Delete not permitted: User "bob" cannot delete resource "deployments" in API group "apps" in the namespace "team-b"');
    await expect(button(bob, 'Delete').getAttribute('title')).resolves.toMatch(/cannot delete resource "deployments"/);
    await expect(bob.getByLabel('Replicas', { exact: true }).isDisabled()).resolves.toBe(true);
    await screenshotBothThemes(bob, 'portal-bob-view-only');

    await bob.getByRole('tab', { name: 'YAML' }).click();
    await until(async () => button(bob, 'Edit').isDisabled(), { message: 'Edit disabled' });
    await expect(bob.locator('#edit-denied').textContent()).resolves.toMatch(/You may not edit this: User "bob" cannot update resource "deployments"/);
  });

  it('still refuses on the server what the page would not offer', async () => {
    const answer = await bob.evaluate(async () => {
      const res = await fetch('/api/clusters/sim/deployments/team-b/queue-worker/scale', { method: 'POST', headers: { 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' }, body: JSON.stringify({ replicas: 9 }) });
      return { status: res.status, body: (await res.json()) as { error: { message: string } } };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain('User "bob" cannot patch resource "deployments/scale"');
  });

  it('offers bob every action in team-a, where he may edit', async () => {
    // The answer has arrived when the access request is done (waited for from before the page asks); then nothing is disabled.
    const answered = bob.waitForResponse((r) => r.url().endsWith('/deployments/team-a/web/access') && r.ok(), { timeout: 30_000 });
    await bob.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
    await button(bob, 'Delete').waitFor({ timeout: 30_000 });
    await answered;
    await until(async () => (await bob.getByRole('list', { name: 'Actions you may not take' }).count()) === 0 && (await button(bob, 'Delete').isEnabled()), { message: 'all actions offered' });
    expect(await button(bob, 'Scale').isEnabled()).toBe(true);
    expect(await button(bob, 'Restart').isEnabled()).toBe(true);
  });

  it('shows bob Roll back disabled in team-b with the reason, and still refuses it on the server', async () => {
    // A second revision, so the history has one to roll back to.
    const set = await harness.kubectl(['set', 'image', 'deployment/batch-importer', 'importer=ghcr.io/acme/importer:3.0.2', '-n', 'team-b']);
    expect(set.code, set.stderr).toBe(0);
    await bob.goto(`${portal.url}/clusters/sim/deployments/team-b/batch-importer`);
    const rollBack = bob.getByTestId('rollout-history').getByRole('button', { name: 'Roll back to 1', exact: true });
    await rollBack.waitFor({ timeout: 30_000 });
    await until(async () => rollBack.isDisabled(), { message: 'Roll back disabled' });
    const reason = 'User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "team-b"';
    await expect(rollBack.getAttribute('title')).resolves.toBe(reason);
    await expect(rollBack.getAttribute('aria-describedby')).resolves.toBe('denied-rollback');
    await expect(bob.locator('#denied-rollback').textContent()).resolves.toBe(`Roll back not permitted: ${reason}`);

    const answer = await bob.evaluate(async () => {
      const res = await fetch('/api/clusters/sim/deployments/team-b/batch-importer/rollback', { method: 'POST', headers: { 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' }, body: JSON.stringify({ revision: 1 }) });
      return { status: res.status, body: (await res.json()) as { error: { message: string } } };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.message).toContain(reason);
  });

  it('offers bob Roll back in team-a, behind a confirm step that keeps the keyboard inside and gives focus back', async () => {
    const set = await harness.kubectl(['set', 'image', 'deployment/web', 'web=ghcr.io/acme/storefront-web:2.15.0', '-n', 'team-a']);
    expect(set.code, set.stderr).toBe(0);
    const accessAnswer = bob.waitForResponse((r) => r.url().endsWith('/deployments/team-a/web/access') && r.ok());
    await bob.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
    expect(((await (await accessAnswer).json()) as ObjectAccess).actions.rollback).toEqual({ allowed: true });
    const rollBack = bob.getByTestId('rollout-history').getByRole('button', { name: 'Roll back to 1', exact: true });
    await rollBack.waitFor({ timeout: 30_000 });
    expect(await rollBack.isEnabled()).toBe(true);
    expect(await bob.locator('#denied-rollback').count()).toBe(0);

    await rollBack.focus();
    await bob.keyboard.press('Enter');
    const dialog = bob.getByRole('alertdialog');
    await dialog.waitFor();
    await expect(dialog.locator('#confirm-q').textContent()).resolves.toBe('Roll web back to revision 1 (ghcr.io/acme/storefront-web:2.14.1)? Its pods are replaced with that template.');
    const focused = () => bob.evaluate(() => `${document.activeElement?.closest('[role="alertdialog"]') ? 'in' : 'out'}:${document.activeElement?.textContent ?? ''}`);
    await until(async () => (await focused()) === 'in:Cancel', { message: 'focus on Cancel' });
    await bob.keyboard.press('Tab');
    expect(await focused()).toBe('in:Roll back');
    await bob.keyboard.press('Tab');
    expect(await focused()).toBe('in:Cancel');
    await bob.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('in:Roll back');
    await bob.keyboard.press('Escape');
    await until(async () => (await dialog.count()) === 0, { message: 'the dialog closed' });
    expect(await focused()).toBe('out:Roll back to 1');
  });

  it("closes bob's shell tab in team-b with the reason, and leaves logs open", async () => {
    const pods = (await (await harness.api('/api/v1/namespaces/team-b/pods?labelSelector=app%3Dqueue-worker')).json()) as { items: Array<{ metadata: { name: string } }> };
    const pod = pods.items[0].metadata.name;
    await bob.goto(`${portal.url}/clusters/sim/pods/team-b/${pod}`);
    // The tab itself says no before it is opened: disabled for assistive technology, its reason attached, still focusable.
    const shellTab = bob.getByRole('tab', { name: 'Shell' });
    await until(async () => (await shellTab.getAttribute('aria-disabled')) === 'true', { message: 'the Shell tab disabled', timeoutMs: 30_000 });
    await expect(shellTab.getAttribute('title')).resolves.toContain('User "bob" cannot create resource "pods/exec"');
    const describedBy = (await shellTab.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).not.toBe('');
    await expect(bob.locator(`[id="${describedBy}"]`).textContent()).resolves.toContain('User "bob" cannot create resource "pods/exec" in API group "" in the namespace "team-b"');
    await expect(bob.getByRole('tab', { name: 'Logs' }).getAttribute('aria-disabled')).resolves.not.toBe('true');
    await bob.getByRole('tab', { name: 'Summary' }).focus();
    await bob.keyboard.press('End');
    await until(async () => bob.evaluate(() => document.activeElement?.id === 'tab-shell'), { message: 'the disabled Shell tab focusable by keyboard' });
    // End selected it too: its panel says why nothing opens.
    const denied = bob.getByTestId('denied-shell');
    await denied.waitFor({ timeout: 30_000 });
    await expect(denied.textContent()).resolves.toContain('User "bob" cannot create resource "pods/exec" in API group "" in the namespace "team-b"');
    await screenshotBothThemes(bob, 'portal-bob-shell-denied');
    await bob.getByRole('tab', { name: 'Logs' }).click();
    await until(async () => (await bob.getByTestId('denied-logs').count()) === 0 && (await bob.locator('#panel-logs').textContent())?.includes('Loading') === false, { message: 'the logs tab open' });
  });

  it('words the confirm step with the singular kind name: "Delete Ingress grafana?"', async () => {
    await alice.goto(`${portal.url}/clusters/sim/ingresses/monitoring/grafana`);
    await button(alice, 'Delete').waitFor({ timeout: 30_000 });
    await until(async () => button(alice, 'Delete').isEnabled(), { message: 'Delete offered' });
    await button(alice, 'Delete').click();
    await expect(alice.getByRole('alertdialog').locator('#confirm-q').textContent()).resolves.toBe('Delete Ingress grafana? This cannot be undone.');
    await alice.keyboard.press('Escape');
  });

  it('keeps the keyboard inside the confirm dialog: Tab cycles, Escape closes, focus returns to the button', async () => {
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/api`);
    const restart = button(alice, 'Restart');
    await restart.waitFor({ timeout: 30_000 });
    await until(async () => restart.isEnabled(), { message: 'Restart offered' });
    await restart.focus();
    await alice.keyboard.press('Enter');
    const dialog = alice.getByRole('alertdialog');
    await dialog.waitFor();
    const focused = () => alice.evaluate(() => `${document.activeElement?.closest('[role="alertdialog"]') ? 'in' : 'out'}:${document.activeElement?.textContent ?? ''}`);
    await until(async () => (await focused()) === 'in:Cancel', { message: 'focus on Cancel' });
    await alice.keyboard.press('Tab');
    expect(await focused()).toBe('in:Restart');
    await alice.keyboard.press('Tab');
    expect(await focused()).toBe('in:Cancel');
    await alice.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('in:Restart');
    await alice.keyboard.press('Escape');
    await until(async () => (await dialog.count()) === 0, { message: 'the dialog closed' });
    expect(await focused()).toBe('out:Restart');
  });
});
