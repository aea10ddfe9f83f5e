import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

const SECRET_VALUE = 'hunter2-correct-horse-battery-staple';

describe('streams, secrets and writes as the person', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  let bob: CookieJar;
  const open: SseClient[] = [];

  const post = (path: string, body: unknown) =>
    harness.api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    await post('/api/v1/namespaces/team-a/pods', aPod('team-a', 'web-1'));
    await post('/api/v1/namespaces/team-b/pods', aPod('team-b', 'api-1'));
    await post('/apis/apps/v1/namespaces/team-a/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team-a' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    await post('/api/v1/namespaces/team-a/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'team-a' },
      data: { password: Buffer.from(SECRET_VALUE).toString('base64'), user: Buffer.from('app').toString('base64') },
    });
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({
      KUBECONFIG: path,
      CROWSNEST_DEMO: '0',
      CROWSNEST_ADMIN_GROUPS: 'platform-admins',
      CROWSNEST_STREAM_BUFFER_BYTES: '65536',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    });
    [alice, bob] = await Promise.all([signInAs(portal.url, 'alice'), signInAs(portal.url, 'bob')]);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const watch = async (path: string, jar: CookieJar, headers: Record<string, string> = {}) => {
    const client = await SseClient.open(`${portal.url}${path}`, { Cookie: jar.header(), ...headers });
    open.push(client);
    return client;
  };
  const mutate = (method: string, path: string, jar: CookieJar, body?: unknown) =>
    fetch(`${portal.url}${path}`, {
      method,
      headers: { Cookie: jar.header(), 'X-Crowsnest-CSRF': '1', Origin: portal.url, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('carries several kinds on one stream, with a position per kind in every id, and resumes them all', async () => {
    const client = await watch('/api/clusters/sim/watch?kinds=pods,deployments', alice);
    await client.waitFor((c) => c.of('snapshot').length === 2, 'both snapshots');
    expect(client.names('deployments')).toEqual(['team-a/web']);
    expect(client.lastId).toMatch(/^pods:[a-z0-9]+-\d+,deployments:[a-z0-9]+-\d+$/);
    const lastId = client.lastId!;
    await client.close();
    await post('/api/v1/namespaces/team-a/pods', aPod('team-a', 'multi-1'));
    await harness.api('/apis/apps/v1/namespaces/team-a/deployments/web', { method: 'PATCH', body: JSON.stringify({ metadata: { labels: { touched: 'yes' } } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    const resumed = await watch('/api/clusters/sim/watch?kinds=pods,deployments', alice, { 'Last-Event-ID': lastId });
    await resumed.waitFor((c) => c.of('added').length === 1 && c.of('modified').length === 1, 'one replayed delta per kind');
    expect(resumed.of('snapshot')).toHaveLength(0);
    expect(resumed.of('added')[0].data.row.name).toBe('multi-1');
    expect(resumed.of('modified')[0].data.kind).toBe('deployments');
  });

  it("tells bob's stream that team-b was revoked mid-stream, then closes it when nothing is left", async () => {
    const client = await watch('/api/clusters/sim/pods/watch?namespaces=team-b', bob);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    expect(client.names('pods')).toEqual(['team-b/api-1']);
    const removed = await harness.kubectl(['delete', 'rolebinding', 'team-a-view', '-n', 'team-b']);
    expect(removed.code).toBe(0);
    await client.waitFor((c) => c.of('error').some((e) => e.data.code === 403 && e.data.namespace === 'team-b'), 'a 403 for team-b');
    await client.waitFor((c) => c.ended, 'the stream to close');
    const restored = await harness.kubectl(['create', 'rolebinding', 'team-a-view', '-n', 'team-b', '--clusterrole=view', '--group=team-a']);
    expect(restored.code).toBe(0);
  });

  it('drops a consumer that stops reading once its buffer passes the bound', async () => {
    const cookie = alice.header();
    let received = 0;
    const { port } = new URL(portal.url);
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/clusters/sim/pods/watch', headers: { Cookie: cookie } }, resolve);
      req.on('error', reject);
      req.end();
    });
    // Read the opening, then stop reading altogether.
    await new Promise<void>((resolve) =>
      res.once('data', (chunk: Buffer) => {
        received += chunk.length;
        res.pause();
        resolve();
      }),
    );
    const labels = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`label-${i}`, 'x'.repeat(60)]));
    const debug = async () => (await (await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: cookie } })).json()) as any;
    const before = (await debug()).counters.droppedSlow;
    // Flood the stream in batches until the server gives up on the reader that never reads.
    let created = 0;
    while (created < 3000 && (await debug()).counters.droppedSlow === before) {
      for (const end = created + 300; created < end; created++) {
        harness.sim.store.create('/pods', { ...aPod('team-a', `flood-${created}`, labels), metadata: { name: `flood-${created}`, namespace: 'team-a', labels } });
      }
      await until(async () => ((await debug()).informers[0].informers.find((x: any) => x.kind === 'pods')?.status?.rows ?? 0) >= created, { message: 'the informer to catch up' });
    }
    await until(async () => (await debug()).counters.droppedSlow > before, { message: 'the slow consumer to be dropped', timeoutMs: 30_000 });
    res.destroy();
    expect(received).toBeGreaterThan(0);
    for (let j = 0; j < created; j++) harness.sim.store.delete('/pods', 'team-a', `flood-${j}`);
  });

  it('lists this replica’s streams for admins only', async () => {
    const client = await watch('/api/clusters/sim/pods/watch', bob);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const asAdmin = await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: alice.header() } });
    expect(asAdmin.status).toBe(200);
    const body = (await asAdmin.json()) as any;
    expect(body.streams, JSON.stringify(body.streams)).toBeTruthy();
    expect(body.streams.some((s: any) => s.actor === 'bob' && s.kinds.includes('pods') && s.cluster === 'sim')).toBe(true);
    const asBob = await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: bob.header() } });
    expect(asBob.status).toBe(403);
    // A client that goes away frees its stream (and its place under the per-user cap).
    await client.close();
    await until(async () => {
      const now = (await (await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: alice.header() } })).json()) as any;
      return !now.streams.some((s: any) => s.actor === 'bob');
    }, { message: "bob's stream to be gone from the list" });
  });

  it('exposes Prometheus metrics of streams and informers', async () => {
    const client = await watch('/api/clusters/sim/pods/watch', alice);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    expect(text).toMatch(/crowsnest_streams_open\{kind="pods"\} [1-9]/);
    expect(text).toMatch(/crowsnest_informer_up\{cluster="sim",kind="pods",phase="watching",mode="watch"\} 1/);
    expect(text).toContain('crowsnest_delivery_lag_seconds_bucket');
    expect(text).toContain('crowsnest_stream_snapshots_total');
    // The process as Prometheus knows it (CPU, memory, descriptors, the event loop), without the metrics that walk
    // every libuv handle on each scrape: with thousands of streams they held the event loop for milliseconds.
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_max_fds', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_gc_duration_seconds_bucket']) {
      expect(text).toMatch(new RegExp(`^crowsnest_process_${name}[ {]`, 'm'));
    }
    expect(text).not.toMatch(/^crowsnest_process_nodejs_active_(handles|resources)/m);

    // Streams are counted per kind as they open and close.
    const open = async (kind: string) => Number(new RegExp(`^crowsnest_streams_open\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(await (await fetch(`${portal.url}/metrics`)).text())?.[1] ?? 0);
    const before = { pods: await open('pods'), services: await open('services') };
    const both = await watch('/api/clusters/sim/watch?kinds=pods,services', alice);
    await both.waitFor((c) => c.of('snapshot').length === 2, 'both snapshots');
    expect({ pods: await open('pods'), services: await open('services') }).toEqual({ pods: before.pods + 1, services: before.services + 1 });
    await client.close();
    await both.close();
    await until(async () => (await open('pods')) === before.pods - 1 && (await open('services')) === before.services, { message: 'the closed streams no longer counted' });
  });

  it('makes a custom resource kind appear with its CRD', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] }],
      },
    };
    // Pages: an unknown kind is a 404, as the API answers for it; a built-in kind's page is not held up.
    const page = async (path: string) => (await fetch(`${portal.url}${path}`, { headers: { Cookie: alice.header() }, redirect: 'manual' })).status;
    expect(await page('/clusters/sim/widgets.example.com')).toBe(404);
    expect(await page('/clusters/sim/widgets.example.com/team-a/w1')).toBe(404);
    expect(await page('/clusters/sim/nope')).toBe(404);
    expect(await page('/clusters/sim/pods')).toBe(200);
    expect((await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    await until(async () => {
      const res = await post('/apis/example.com/v1/namespaces/team-a/widgets', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'team-a' }, spec: { size: 3 } });
      return res.status === 201;
    }, { message: 'the CRD to be served' });
    const kinds = async () => ((await (await fetch(`${portal.url}/api/clusters/sim/kinds`, { headers: { Cookie: alice.header() } })).json()) as any).kinds;
    await until(async () => (await kinds()).some((k: any) => k.token === 'widgets.example.com' && k.alias === 'custom'), { message: 'the custom kind' });
    const snapshot = (await (await fetch(`${portal.url}/api/clusters/sim/widgets.example.com`, { headers: { Cookie: alice.header() } })).json()) as any;
    expect(snapshot.items.map((r: any) => [r.name, r.cells['pc:size']])).toEqual([['w1', 3]]);
    expect(await page('/clusters/sim/widgets.example.com')).toBe(200);
    expect(await page('/clusters/sim/widgets.example.com/team-a/w1')).toBe(200);
  });

  it('redacts Secret values, reveals one to a permitted person, and never logs it', async () => {
    const detail = (await (await fetch(`${portal.url}/api/clusters/sim/secrets/team-a/db`, { headers: { Cookie: alice.header() } })).json()) as any;
    expect(detail.data).toEqual({ password: '<redacted: use Reveal>', user: '<redacted: use Reveal>' });
    const list = await (await fetch(`${portal.url}/api/clusters/sim/secrets?namespaces=team-a`, { headers: { Cookie: alice.header() } })).text();
    expect(list).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));

    const revealed = await mutate('POST', '/api/clusters/sim/secrets/team-a/db/reveal', bob, { key: 'password' });
    expect(revealed.status).toBe(200);
    expect(revealed.headers.get('cache-control')).toBe('no-store');
    expect(await revealed.json()).toEqual({ key: 'password', value: SECRET_VALUE });

    const carol = await signInAs(portal.url, 'carol');
    const refused = await mutate('POST', '/api/clusters/sim/secrets/team-a/db/reveal', carol, { key: 'password' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toContain('User "carol" cannot get resource "secrets"');

    const noCsrf = await fetch(`${portal.url}/api/clusters/sim/secrets/team-a/db/reveal`, { method: 'POST', headers: { Cookie: bob.header(), Origin: portal.url }, body: '{"key":"password"}' });
    expect(noCsrf.status).toBe(403);

    await until(() => portal.logs.some((l) => l.msg === 'secret value revealed' && l.actor === 'bob' && l.key === 'password'), { message: 'the audit line' });
    expect(portal.output()).not.toContain(SECRET_VALUE);
    expect(portal.output()).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
  });

  it("passes Kubernetes' refusal of bob's write in team-b on to him, and lets him write in team-a", async () => {
    const refused = await mutate('DELETE', '/api/clusters/sim/pods/team-b/api-1', bob);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toBe('pods "api-1" is forbidden: User "bob" cannot delete resource "pods" in API group "" in the namespace "team-b"');
    const scaled = await mutate('POST', '/api/clusters/sim/deployments/team-a/web/scale', bob, { replicas: 2 });
    expect(scaled.status).toBe(200);
    const bad = await mutate('POST', '/api/clusters/sim/deployments/team-a/web/scale', bob, { replicas: -1 });
    expect(bad.status).toBe(400);
  });
});
