import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../support/browser';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { openTab, signedInPage } from './portal-support';

/** A pod that crash-loops, reads a Secret and a ConfigMap, and says what it needs: what an SRE opens in an incident. */
const CRASHING_POD = `
apiVersion: v1
kind: Pod
metadata:
  name: checkout
  namespace: team-a
  labels: { app: checkout }
spec:
  nodeSelector: { kubernetes.io/os: linux }
  tolerations:
    - { key: dedicated, operator: Equal, value: payments, effect: NoSchedule }
  volumes:
    - name: settings
      configMap: { name: web-config }
  containers:
    - name: app
      image: ghcr.io/acme/checkout-crashloop:1.0.0
      ports: [{ name: http, containerPort: 8080 }]
      env:
        - { name: LOG_LEVEL, value: debug }
        - name: DATABASE_PASSWORD
          valueFrom: { secretKeyRef: { name: api-credentials, key: DATABASE_PASSWORD } }
      volumeMounts:
        - { name: settings, mountPath: /etc/checkout, readOnly: true }
      resources:
        requests: { cpu: 100m, memory: 128Mi }
        limits: { memory: 256Mi }
      livenessProbe:
        httpGet: { path: /healthz, port: 8080 }
        periodSeconds: 5
`;

describe('triage-grade detail pages', () => {
  let harness: SimHarness;
  let portal: Portal;
  let browser: Browser;
  let alice: Page;

  const json = async (path: string) => (await (await harness.api(path)).json()) as any;
  /** Clicks a detail tab until it is selected (a click before hydration does nothing). */
  const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ');
  const bothThemes = async (page: Page, name: string) => {
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await screenshot(page, `${name}-light`);
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await screenshot(page, `${name}-dark`);
    await page.evaluate(() => delete document.documentElement.dataset.theme);
  };

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

  it('shows a crashing pod’s containers: state, restarts, last termination, env sources without Secret values, mounts, resources, probes, QoS, node, tolerations', async () => {
    const created = await harness.kubectl(['apply', '-f', await harness.file('checkout.yaml', CRASHING_POD)]);
    expect(created.code, created.stderr).toBe(0);
    await until(async () => ((await json('/api/v1/namespaces/team-a/pods/checkout')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, { message: 'the pod to have restarted', timeoutMs: 60_000 });

    await alice.goto(`${portal.url}/clusters/sim/pods/team-a/checkout`);
    const card = alice.getByTestId('container-app');
    await card.waitFor({ timeout: 30_000 });
    await until(async () => /exit code 1/.test(await text(alice, '[data-testid="container-app"] [data-testid="last-termination"]')), { message: 'the last termination', timeoutMs: 30_000 });
    const cardText = ((await card.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(cardText).toMatch(/Error/);
    expect(Number(await card.getByTestId('restarts').textContent())).toBeGreaterThanOrEqual(1);
    expect(cardText).toContain('ghcr.io/acme/checkout-crashloop:1.0.0');
    expect(cardText).toContain('http 8080/TCP');
    expect(cardText).toContain('from secret api-credentials key DATABASE_PASSWORD');
    expect(cardText).toContain('LOG_LEVEL');
    expect(cardText).toContain('/etc/checkout ← settings');
    expect(cardText).toContain('configMap web-config');
    expect(cardText).toContain('cpu 100m, memory 128Mi');
    expect(cardText).toContain('memory 256Mi');
    expect(cardText).toContain('GET http://:8080/healthz');
    // The Secret's value never reaches the page.
    expect(await alice.content()).not.toContain('s3cr3t-demo-only');
    // The class Kubernetes reported for the pod.
    expect(await alice.getByTestId('qos').textContent()).toBe((await json('/api/v1/namespaces/team-a/pods/checkout')).status.qosClass);
    expect(await alice.getByTestId('tolerations').textContent()).toContain('dedicated=payments:NoSchedule');
    const node = (await json('/api/v1/namespaces/team-a/pods/checkout')).spec.nodeName as string;
    await expect(alice.getByTestId('pod-node').getByRole('link').getAttribute('href')).resolves.toContain(`/clusters/sim/nodes/_/${node}`);
    await bothThemes(alice, 'triage-crashing-pod');

    // Events: last seen first, with whole messages and counts.
    await openTab(alice, 'Events');
    await alice.getByTestId('events').waitFor({ timeout: 30_000 });
    await until(async () => (await alice.locator('[data-testid="events"] tbody tr').count()) >= 2, { message: 'several events' });
    const seen = await alice.locator('[data-testid="events"] tbody tr td:first-child').evaluateAll((cells) => cells.map((c) => Date.parse(c.getAttribute('title') ?? '')));
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    await bothThemes(alice, 'triage-crashing-pod-events');

    // The ConfigMap and the Secret name the pod that uses them, live.
    await alice.goto(`${portal.url}/clusters/sim/configmaps/team-a/web-config`);
    await alice.locator('[data-related="pods/team-a/checkout"]').waitFor({ timeout: 30_000 });
    await alice.goto(`${portal.url}/clusters/sim/secrets/team-a/api-credentials`);
    await alice.locator('[data-related="pods/team-a/checkout"]').waitFor({ timeout: 30_000 });
  });

  it('reads a pod whose containers have no status yet without failing', async () => {
    // Asks for more CPU than any node has: never scheduled, no container statuses.
    const pending = (await json('/api/v1/namespaces/team-b/pods?labelSelector=app%3Dbatch-importer')).items[0].metadata.name as string;
    await alice.goto(`${portal.url}/clusters/sim/pods/team-b/${pending}`);
    await alice.getByTestId('container-importer').waitFor({ timeout: 30_000 });
    await expect(alice.getByTestId('container-importer').getByTestId('container-state').textContent()).resolves.toBe('No status yet');
    await expect(alice.getByTestId('pod-node').textContent()).resolves.toBe('not scheduled yet');
  });

  it('flags a workload short of available pods in its list', async () => {
    await alice.goto(`${portal.url}/clusters/sim/deployments?namespaces=team-b`);
    const ready = alice.locator('[data-row="team-b/batch-importer"] .status');
    await ready.waitFor({ timeout: 30_000 });
    await expect(ready.textContent()).resolves.toBe('0/1');
    await expect(ready.getAttribute('class')).resolves.toContain('tone-warning');
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-b/batch-importer`);
    await until(async () => /0\/1 ready/.test(await text(alice, '[data-testid="replicas"]')), { message: 'the replicas headline', timeoutMs: 30_000 });
    expect(await text(alice, '[data-testid="replicas"]')).toContain('0/1 available');
  });

  it('shows a Deployment’s history with images, its ReplicaSets and Pods live, and rolls back to a revision after a confirm step', async () => {
    const set = await harness.kubectl(['set', 'image', 'deployment/web', 'web=ghcr.io/acme/storefront-web:2.15.0', '-n', 'team-a']);
    expect(set.code, set.stderr).toBe(0);
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
    const history = alice.getByTestId('rollout-history');
    await until(async () => (await history.locator('tr[data-revision]').count()) === 2, { message: 'two revisions', timeoutMs: 30_000 });
    await expect(history.locator('tr[data-revision="2"]').textContent()).resolves.toMatch(/2\s*current.*storefront-web:2\.15\.0/);
    await expect(history.locator('tr[data-revision="1"]').textContent()).resolves.toContain('storefront-web:2.14.1');

    await until(async () => (await alice.locator('[data-testid="related-replicasets"] li[data-related]').count()) === 2, { message: 'two ReplicaSets', timeoutMs: 30_000 });
    await until(async () => (await alice.locator('[data-testid="related-pods"] li[data-related]').count()) === 3, { message: 'three pods', timeoutMs: 60_000 });
    // Live: a scale made elsewhere shows up without a reload.
    expect((await harness.kubectl(['scale', 'deployment/web', '--replicas=4', '-n', 'team-a'])).code).toBe(0);
    await until(async () => (await alice.locator('[data-testid="related-pods"] li[data-related]').count()) === 4, { message: 'the fourth pod to appear', timeoutMs: 60_000 });
    await bothThemes(alice, 'triage-deployment-history-related');

    await history.getByRole('button', { name: 'Roll back to 1' }).click();
    const dialog = alice.getByRole('alertdialog');
    await expect(dialog.textContent()).resolves.toMatch(/Roll web back to revision 1 \(ghcr\.io\/acme\/storefront-web:2\.14\.1\)\?/);
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await until(async () => (await json('/apis/apps/v1/namespaces/team-a/deployments/web')).spec.template.spec.containers[0].image === 'ghcr.io/acme/storefront-web:2.14.1', { message: 'the deployment to run 2.14.1 again', timeoutMs: 45_000 });
    await until(async () => /3\s*current.*storefront-web:2\.14\.1/.test((await history.locator('tr[data-revision="3"]').textContent().catch(() => '')) ?? ''), { message: 'revision 3 to be current', timeoutMs: 30_000 });
  });

  it('reads a StatefulSet’s history from its ControllerRevisions', async () => {
    await alice.goto(`${portal.url}/clusters/sim/statefulsets/team-b/postgres`);
    const history = alice.getByTestId('rollout-history');
    await until(async () => /1\s*current.*postgres:16\.4/.test((await history.locator('tr[data-revision="1"]').textContent().catch(() => '')) ?? ''), { message: 'revision 1 of postgres', timeoutMs: 30_000 });
    await alice.locator('[data-testid="related-pods"] [data-related="pods/team-b/postgres-0"]').waitFor({ timeout: 30_000 });
  });

  it('answers a rollback to a revision that does not exist with a 404 that says so', async () => {
    const answer = await alice.evaluate(async () => {
      const res = await fetch('/api/clusters/sim/deployments/team-a/web/rollback', { method: 'POST', headers: { 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' }, body: JSON.stringify({ revision: 99 }) });
      return { status: res.status, body: await res.json() };
    });
    expect(answer.status).toBe(404);
    expect(answer.body.error.message).toMatch(/unable to find specified revision 99 in history of deployment "web"/);
    const bad = await alice.evaluate(async () => (await fetch('/api/clusters/sim/deployments/team-a/web/rollback', { method: 'POST', headers: { 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' }, body: '{"revision":"two"}' })).status);
    expect(bad).toBe(400);
  });

  it('shows related objects across kinds: Service, Ingress, claim and volume, node, owner chain', async () => {
    await alice.goto(`${portal.url}/clusters/sim/services/team-a/web`);
    await alice.locator('[data-testid="related-endpointslices"] li[data-related]').first().waitFor({ timeout: 30_000 });
    await until(async () => (await alice.locator('[data-testid="related-pods"] li[data-related]').count()) >= 3, { message: 'the pods the Service selects', timeoutMs: 30_000 });
    await alice.locator('[data-testid="related-ingresses"] [data-related="ingresses/team-a/shop"]').waitFor();

    await alice.goto(`${portal.url}/clusters/sim/ingresses/team-a/shop`);
    await alice.locator('[data-related="services/team-a/web"] a').waitFor({ timeout: 30_000 });
    await alice.locator('[data-related="services/team-a/api"] a').waitFor();

    await until(async () => Boolean((await json('/api/v1/namespaces/team-b/persistentvolumeclaims/data-postgres-0')).spec.volumeName), { message: 'the claim to be bound' });
    const volume = (await json('/api/v1/namespaces/team-b/persistentvolumeclaims/data-postgres-0')).spec.volumeName as string;
    await alice.goto(`${portal.url}/clusters/sim/pvcs/team-b/data-postgres-0`);
    await alice.locator(`[data-related="pvs/_/${volume}"] a`).waitFor({ timeout: 30_000 });
    await alice.locator('[data-related="pods/team-b/postgres-0"]').waitFor({ timeout: 30_000 });
    await alice.goto(`${portal.url}/clusters/sim/pvs/_/${volume}`);
    await alice.locator('[data-related="pvcs/team-b/data-postgres-0"] a').waitFor({ timeout: 30_000 });
    await alice.locator('[data-related="pods/team-b/postgres-0"]').waitFor({ timeout: 30_000 });

    const node = (await json('/api/v1/namespaces/team-b/pods/postgres-0')).spec.nodeName as string;
    await alice.goto(`${portal.url}/clusters/sim/nodes/_/${node}`);
    await alice.locator('[data-related="pods/team-b/postgres-0"]').waitFor({ timeout: 30_000 });

    const pod = (await json('/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb')).items[0].metadata.name as string;
    await alice.goto(`${portal.url}/clusters/sim/pods/team-a/${pod}`);
    await until(async () => /ReplicaSet\s*web-[a-z0-9]+.*Deployment\s*web/.test(await text(alice, '[data-testid="owner-chain"]')), { message: 'the owner chain up to the Deployment', timeoutMs: 30_000 });
    await alice.locator('[data-testid="related-services"] [data-related="services/team-a/web"]').waitFor();
    await bothThemes(alice, 'triage-pod-related');
  });

  it('moves focus with the selected tab on arrow keys (WAI-ARIA tabs)', async () => {
    await alice.goto(`${portal.url}/clusters/sim/deployments/team-a/web`);
    const summary = alice.getByRole('tab', { name: 'Summary' });
    await summary.waitFor({ timeout: 30_000 });
    await summary.focus();
    await until(async () => {
      await alice.keyboard.press('ArrowRight');
      return (await alice.getByRole('tab', { name: 'YAML' }).getAttribute('aria-selected')) === 'true';
    }, { message: 'the YAML tab selected by the arrow key', intervalMs: 300 });
    expect(await alice.evaluate(() => document.activeElement?.textContent)).toBe('YAML');
    await alice.keyboard.press('End');
    expect(await alice.evaluate(() => document.activeElement?.textContent)).toBe('Logs');
    await alice.keyboard.press('Home');
    expect(await alice.evaluate(() => [document.activeElement?.textContent, document.activeElement?.getAttribute('aria-selected')])).toEqual(['Summary', 'true']);
  });
});
