import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { signedInPage } from './portal-support';
import { screenshotBothThemes } from './themeShots';

describe('the YAML editor, as the signed-in person', () => {
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

  /** The deployment as stored, read by the simulator's admin. */
  const stored = async (name = 'api') => (await (await harness.api(`/apis/apps/v1/namespaces/team-a/deployments/${name}`)).json()) as Record<string, any>;
  const editorText = () => alice.getByLabel('Edit YAML').evaluate((el) => (el as HTMLElement).innerText);

  /** Opens the deployment's YAML tab and starts editing. */
  async function startEditing(name = 'api'): Promise<void> {
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/${name}`);
    await alice.getByRole('tab', { name: 'YAML' }).click();
    const edit = alice.getByRole('button', { name: 'Edit', exact: true });
    await edit.waitFor({ timeout: 30_000 });
    await until(async () => edit.isEnabled(), { message: 'the Edit button to be enabled' });
    await edit.click();
    await alice.getByLabel('Edit YAML').waitFor();
  }

  /** Replaces the whole draft with `text` (inserted as typed text is, without the auto-indent of Enter). */
  async function replaceDraft(text: string): Promise<void> {
    await alice.getByLabel('Edit YAML').click();
    await alice.keyboard.press('Control+A');
    await alice.keyboard.insertText(text);
    await until(async () => (await editorText()).includes(text.split('\n')[0]), { message: 'the draft in the editor' });
  }

  /** Replaces the whole draft by pasting `text` (as a person pastes a large manifest; typing a megabyte takes too long). */
  async function pasteDraft(text: string): Promise<void> {
    await alice.getByLabel('Edit YAML').click();
    await alice.keyboard.press('Control+A');
    await alice.getByLabel('Edit YAML').evaluate((el, pasted) => {
      const data = new DataTransfer();
      data.setData('text/plain', pasted);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
  }

  /** The stored object without status, spec last: what a person would edit. */
  const editable = async (change: (o: Record<string, any>) => void = () => {}, name = 'api') => {
    const { status: _status, ...o } = await stored(name);
    change(o);
    return stringify(o, { lineWidth: 0 });
  };

  it('keeps focus while typing: every keystroke lands in the editor', async () => {
    await startEditing();
    await alice.getByLabel('Edit YAML').click();
    await alice.keyboard.press('Control+Home');
    await alice.keyboard.type('# XYZ');
    await until(async () => (await editorText()).startsWith('# XYZ'), { message: 'all three letters typed' });
    expect(await alice.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit YAML');
  });

  it("reviews an edit: the diff against the live object and Kubernetes' dry-run errors per field, nothing stored", async () => {
    await startEditing();
    const before = await stored();
    await replaceDraft(await editable((o) => ((o.spec.replicas = -1), (o.spec.template.metadata.labels = { app: 'not-api' }))));
    await alice.getByRole('button', { name: 'Review changes' }).click();
    const diff = alice.getByTestId('yaml-diff');
    await diff.waitFor();
    await until(async () => /replicas: -1/.test((await diff.textContent()) ?? ''), { message: 'the changed line in the diff' });
    const alert = alice.locator('.kube-error');
    await until(async () => /Dry run refused/.test((await alert.textContent()) ?? ''), { message: "the dry run's refusal" });
    const causes = alice.getByRole('list', { name: 'Field errors' });
    await expect(causes.textContent()).resolves.toMatch(/spec\.replicas.*must be greater than or equal to 0/);
    await expect(causes.textContent()).resolves.toMatch(/spec\.template\.metadata\.labels.*`selector` does not match template `labels`/);
    expect((await stored()).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    await screenshotBothThemes(alice, 'portal-editor-review');
  });

  it('marks unknown fields and wrong types inline, and the dry run refuses the wrong type in Kubernetes words', async () => {
    await startEditing();
    await replaceDraft(await editable((o) => ((o.spec.replica = 3), (o.spec.paused = 'yes'))));
    const marked = alice.locator('.cm-lintRange-error');
    await until(async () => (await marked.allTextContents()).join('|') === 'replica|yes', { message: 'the unknown field and the wrong type marked' });
    await alice.getByRole('button', { name: 'Review changes' }).click();
    // Kubernetes reports a value of the wrong type before unknown fields, as a decoding error.
    await until(async () => /cannot unmarshal string into Go struct field DeploymentSpec\.spec\.paused of type bool/.test((await alice.locator('.kube-error').textContent()) ?? ''), { message: "the dry run's type error" });
    await screenshotBothThemes(alice, 'portal-editor-lint');
  });

  it('completes field names from the schema at the cursor', async () => {
    await startEditing();
    await replaceDraft((await editable()) + '  progressDeadl');
    await alice.keyboard.press('Control+End');
    await alice.keyboard.press('Control+Space');
    const option = alice.locator('.cm-tooltip-autocomplete li', { hasText: 'progressDeadlineSeconds' });
    await option.waitFor();
    await option.click();
    await until(async () => /^\s+progressDeadlineSeconds:\s*$/m.test(await editorText()), { message: 'the completed field name' });
  });

  it('applies and says so with the new resourceVersion', async () => {
    await startEditing();
    const before = await stored();
    await replaceDraft(await editable((o) => (o.metadata.labels = { ...o.metadata.labels, reviewed: 'yes' })));
    await alice.getByRole('button', { name: 'Apply' }).click();
    const ok = alice.getByRole('status').filter({ hasText: 'Applied' });
    await ok.waitFor();
    const after = await stored();
    expect(after.metadata.labels.reviewed).toBe('yes');
    // The new version, which the controllers may have moved on from since (status updates).
    const shown = /resourceVersion (\d+) → (\d+)/.exec((await ok.textContent()) ?? '');
    expect(shown?.[1]).toBe(before.metadata.resourceVersion);
    expect(Number(shown?.[2])).toBeGreaterThan(Number(before.metadata.resourceVersion));
    expect(Number(shown?.[2])).toBeLessThanOrEqual(Number(after.metadata.resourceVersion));
  });

  it('on a conflict, carries the edit onto the latest version and applies it', async () => {
    await startEditing('web');
    await replaceDraft(await editable((o) => (o.metadata.annotations = { ...o.metadata.annotations, owner: 'alice' }), 'web'));
    expect((await harness.kubectl(['label', 'deployment', 'web', '-n', 'team-a', 'edited-elsewhere=yes'])).code).toBe(0);
    await alice.getByRole('button', { name: 'Apply' }).click();
    await until(async () => /changed since you opened it/.test((await alice.locator('.kube-error').textContent({ timeout: 5_000 }).catch(() => '')) ?? ''), { message: 'the conflict', timeoutMs: 45_000 });
    await expect(alice.locator('.kube-error').textContent()).resolves.toMatch(/Operation cannot be fulfilled on deployments\.apps "web"/);
    await alice.getByRole('button', { name: 'Rebase my edit onto the latest' }).click();
    await until(async () => (await editorText()).includes('edited-elsewhere'), { message: 'the latest version in the editor' });
    expect(await editorText()).toContain('owner: alice');
    await alice.getByRole('button', { name: 'Apply' }).click();
    await alice.getByRole('status').filter({ hasText: 'Applied' }).waitFor({ timeout: 60_000 });
    const after = await stored('web');
    expect(after.metadata.labels['edited-elsewhere']).toBe('yes');
    expect(after.metadata.annotations.owner).toBe('alice');
  }, 150_000);

  it('says clearly what is wrong with bad input, and stores nothing', async () => {
    const refusal = async () => (await alice.locator('.kube-error').textContent()) ?? '';
    await startEditing();
    await replaceDraft('spec: [unclosed');
    await alice.getByRole('button', { name: 'Apply' }).click();
    await until(async () => /not valid YAML or JSON \(line \d+, column \d+\)/.test(await refusal()), { message: 'the YAML error' });

    await replaceDraft(await editable((o) => (o.metadata.name = 'api-copy')));
    await alice.getByRole('button', { name: 'Apply' }).click();
    await until(async () => /renames the object to "api-copy"/.test(await refusal()), { message: 'the rename refused' });

    await replaceDraft(await editable((o) => (o.kind = 'StatefulSet')));
    await alice.getByRole('button', { name: 'Apply' }).click();
    await until(async () => /the edit is a StatefulSet, not a Deployment/.test(await refusal()), { message: 'the kind change refused' });

    await pasteDraft(await editable((o) => (o.metadata.annotations = { big: 'x'.repeat(1100 * 1024) })));
    await alice.getByRole('button', { name: 'Apply' }).click();
    await until(async () => /the portal accepts at most 1,048,576 \(1 MiB\)\. Nothing was sent\./.test(await refusal()), { message: 'the size refused', timeoutMs: 30_000 });

    const after = await stored();
    expect(after.kind).toBe('Deployment');
    expect(after.metadata.annotations?.big).toBeUndefined();
    expect((await harness.api('/apis/apps/v1/namespaces/team-a/deployments/api-copy')).status).toBe(404);
  });
});
