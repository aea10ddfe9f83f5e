import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

describe('the live data plane', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  let bob: CookieJar;
  const open: SseClient[] = [];

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false, bookmarkIntervalMs: 500 });
    for (const [ns, name] of [['team-a', 'web-1'], ['team-a', 'web-2'], ['team-b', 'api-1'], ['kube-system', 'dns-1']]) {
      const res = await harness.api(`/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify(aPod(ns, name)), headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(201);
    }
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({
      KUBECONFIG: path,
      CROWSNEST_DEMO: '0',
      CROWSNEST_WATCH_LIVENESS_SECONDS: '2',
      CROWSNEST_RESUME_BUFFER: '20',
      CROWSNEST_HEARTBEAT_SECONDS: '1',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    });
    [alice, bob] = await Promise.all([signInAs(portal.url, 'alice'), signInAs(portal.url, 'bob')]);
  });
  afterEach(async () => {
    harness.sim.faults.reset();
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
  const createPod = async (ns: string, name: string) => {
    const res = await harness.api(`/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify(aPod(ns, name)), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
  };
  const deletePod = async (ns: string, name: string) => {
    // At once (as `kubectl delete --force --grace-period=0`): these tests count the deltas of a deletion exactly.
    const res = await harness.api(`/api/v1/namespaces/${ns}/pods/${name}?gracePeriodSeconds=0`, { method: 'DELETE' });
    expect(res.status).toBe(200);
  };
  /** The truth: a fresh LIST from the simulator. */
  const listed = async () => {
    const res = await harness.api('/api/v1/pods');
    const list = (await res.json()) as { items: Array<{ metadata: { namespace: string; name: string } }> };
    return list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
  };
  const converges = async (client: SseClient, message: string) => {
    await until(async () => JSON.stringify(client.names('pods')) === JSON.stringify(await listed()), { message, timeoutMs: 45_000 });
  };

  it('opens with the snapshot and shows a pod created with kubectl, then its deletion', async () => {
    const client = await watch('/api/clusters/sim/pods/watch', alice);
    expect(client.status).toBe(200);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    expect(client.names('pods')).toEqual(await listed());

    const created = await harness.kubectl(['run', 'from-kubectl', '-n', 'team-a', '--image', 'nginx']);
    expect(created.code).toBe(0);
    await client.waitFor((c) => c.names('pods').includes('team-a/from-kubectl'), 'the new pod on the stream');
    expect(client.of('added').some((e) => e.data.row.name === 'from-kubectl')).toBe(true);
    const deleted = await harness.kubectl(['delete', 'pod', 'from-kubectl', '-n', 'team-a', '--wait=false']);
    expect(deleted.code).toBe(0);
    await client.waitFor((c) => !c.names('pods').includes('team-a/from-kubectl'), 'the deletion on the stream');
  });

  it('frames SSE as specified: headers, retry, ids of <epoch>-<seq>, heartbeats', async () => {
    const res = await fetch(`${portal.url}/api/clusters/sim/pods/watch`, { headers: { Cookie: alice.header() } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('content-encoding')).toBeNull();
    await res.body?.cancel();
    const client = await watch('/api/clusters/sim/pods/watch', alice);
    await client.waitFor((c) => c.of('comment').some((e) => e.data === 'ping'), 'a heartbeat');
    expect(client.of('snapshot')[0].id).toMatch(/^[a-z0-9]+-\d+$/);
  });

  it('resumes from Last-Event-ID with exactly the missed deltas', async () => {
    const first = await watch('/api/clusters/sim/pods/watch', alice);
    await first.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const lastId = first.lastId!;
    await first.close();
    await createPod('team-b', 'missed-1');
    await deletePod('team-b', 'missed-1');
    await createPod('team-b', 'missed-2');

    const resumed = await watch('/api/clusters/sim/pods/watch', alice, { 'Last-Event-ID': lastId });
    await resumed.waitFor((c) => c.of('added').some((e) => e.data.row.name === 'missed-2'), 'the replayed deltas');
    expect(resumed.of('snapshot')).toHaveLength(0);
    const replayed = resumed.events.filter((e) => ['added', 'modified', 'deleted'].includes(e.event));
    expect(replayed.map((e) => `${e.event}:${e.data.row?.name ?? e.data.key.name}`)).toEqual(['added:missed-1', 'deleted:missed-1', 'added:missed-2']);
    const seqs = replayed.map((e) => Number(e.id!.split('-')[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await deletePod('team-b', 'missed-2');
  });

  it('sends a fresh snapshot when the missed deltas are no longer held', async () => {
    const first = await watch('/api/clusters/sim/pods/watch', alice);
    await first.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const lastId = first.lastId!;
    await first.close();
    for (let i = 0; i < 15; i++) {
      await createPod('team-b', `burst-${i}`);
      await deletePod('team-b', `burst-${i}`);
    }
    const resumed = await watch('/api/clusters/sim/pods/watch', alice, { 'Last-Event-ID': lastId });
    await resumed.waitFor((c) => c.of('snapshot').length === 1, 'a fresh snapshot instead of a partial replay');
    await converges(resumed, 'the snapshot to match the cluster');
  });

  it("carries only bob's namespaces, naming no namespace he may not list", async () => {
    const client = await watch('/api/clusters/sim/pods/watch', bob);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const namespaces = new Set(client.names('pods').map((n) => n.split('/')[0]));
    expect([...namespaces].sort()).toEqual(['team-a', 'team-b']);
    // Which other namespaces exist is not bob's to learn (he may not list namespaces).
    expect(client.of('error')).toEqual([]);
    const snapshot = (await (await fetch(`${portal.url}/api/clusters/sim/pods`, { headers: { Cookie: bob.header() } })).json()) as any;
    expect(snapshot.errors).toEqual([]);
  });

  it('shares one serialisation between streams that see the same rows, and keeps views apart', async () => {
    const groups = async () => {
      const text = await (await fetch(`${portal.url}/metrics`)).text();
      return Number(text.split('\n').find((l) => l.startsWith('crowsnest_stream_groups '))?.split(' ')[1]);
    };
    // The streams of earlier tests are gone once the server has noticed their clients left.
    await until(async () => (await groups()) === 0, { message: 'no stream groups left from earlier tests' });
    const [a1, a2, b1, b2] = await Promise.all([
      watch('/api/clusters/sim/pods/watch', alice),
      watch('/api/clusters/sim/watch?kinds=pods', alice),
      watch('/api/clusters/sim/pods/watch', bob),
      watch('/api/clusters/sim/pods/watch?namespaces=team-a', alice),
    ]);
    for (const c of [a1, a2, b1, b2]) await c.waitFor((x) => x.of('snapshot').length === 1, 'the snapshot');
    // alice's two streams share a group; bob's view (his namespaces) and the team-a view are groups of their own.
    expect(await groups()).toBe(3);
    await createPod('team-a', 'shared-1');
    await createPod('kube-system', 'shared-2');
    for (const c of [a1, a2]) await c.waitFor((x) => x.names('pods').includes('kube-system/shared-2') && x.names('pods').includes('team-a/shared-1'), 'both new pods for alice');
    await b1.waitFor((x) => x.names('pods').includes('team-a/shared-1'), 'the team-a pod for bob');
    await b2.waitFor((x) => x.names('pods').includes('team-a/shared-1'), 'the team-a pod in the team-a view');
    expect(b1.names('pods')).not.toContain('kube-system/shared-2');
    expect(b2.names('pods')).not.toContain('kube-system/shared-2');
    // The same change, the same id, for every stream of one kind; the multi-kind stream names its kind in the id.
    const added = (c: SseClient) => c.of('added').find((e) => e.data.row.name === 'shared-1')!;
    expect(added(a1).id).toBe(added(b1).id);
    expect(added(a2).id).toBe(`pods:${added(a1).id}`);
    await deletePod('team-a', 'shared-1');
    await deletePod('kube-system', 'shared-2');
    for (const c of [a1, a2, b1, b2]) await c.waitFor((x) => !x.names('pods').some((n) => n.endsWith('/shared-1')), 'the deleted pod to be gone');
  });

  it("sends counts of the kinds asked for, as far as the person may see them, without their rows", async () => {
    await harness.api('/api/v1/namespaces/team-a/configmaps', { method: 'POST', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counted', namespace: 'team-a' } }) });
    await harness.api('/api/v1/namespaces/kube-system/configmaps', { method: 'POST', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hidden', namespace: 'kube-system' } }) });
    const truth = async (namespaces: string[] | null) => {
      const items = ((await (await harness.api('/api/v1/configmaps')).json()) as any).items as any[];
      return items.filter((i) => namespaces === null || namespaces.includes(i.metadata.namespace)).length;
    };
    const asAlice = await watch('/api/clusters/sim/watch?kinds=pods&counts=configmaps,nodes', alice);
    const asBob = await watch('/api/clusters/sim/watch?counts=configmaps,nodes', bob);
    await asAlice.waitFor(async (c) => c.of('counts').at(-1)?.data.configmaps === (await truth(null)), "alice's count of every configmap");
    await asBob.waitFor(async (c) => c.of('counts').at(-1)?.data.configmaps === (await truth(['team-a', 'team-b'])), "bob's count of his namespaces' configmaps");
    // bob may not list nodes: no count at all; and no rows of counted kinds reach anybody.
    expect(asBob.of('counts').every((e) => !('nodes' in e.data))).toBe(true);
    expect(asAlice.rows.get('configmaps')).toBeUndefined();
    expect(asBob.of('snapshot')).toEqual([]);
    // A change moves the count (throttled), for the people who may see it.
    await harness.api('/api/v1/namespaces/team-a/configmaps', { method: 'POST', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'counted-2', namespace: 'team-a' } }) });
    await asBob.waitFor(async (c) => c.of('counts').at(-1)?.data.configmaps === (await truth(['team-a', 'team-b'])), "bob's count to follow");
    const bad = await fetch(`${portal.url}/api/clusters/sim/watch?counts=Not_A_Kind`, { headers: { Cookie: bob.header() } });
    expect(bad.status).toBe(400);
  });

  it('opens at once for a kind still loading from the cluster: syncing, then its snapshot', async () => {
    const policy = (i: number) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `policy-${i}`, namespace: 'team-a' }, spec: { podSelector: {} } });
    for (let i = 0; i < 600; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => harness.api('/apis/networking.k8s.io/v1/namespaces/team-a/networkpolicies', { method: 'POST', body: JSON.stringify(policy(i + j)) })));
    }
    // A slow apiserver: the kind's first list takes seconds.
    harness.sim.faults.latency(700);
    try {
      const [stream, snapshot] = await Promise.all([
        watch('/api/clusters/sim/networkpolicies/watch', alice),
        fetch(`${portal.url}/api/clusters/sim/networkpolicies`, { headers: { Cookie: alice.header() } }).then((r) => r.json() as Promise<any>),
      ]);
      expect(snapshot).toMatchObject({ kind: 'networkpolicies', syncing: true, items: [] });
      await stream.waitFor((c) => c.of('status').some((e) => e.data.state === 'syncing'), 'the stream to say the kind is syncing');
      expect(stream.of('snapshot')).toEqual([]);
      await stream.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot once loaded', 30_000);
      expect(stream.names('networkpolicies')).toHaveLength(600);
      await stream.waitFor((c) => c.of('status').some((e) => e.data.state === 'synced'), 'synced');
    } finally {
      harness.sim.faults.latency(0);
    }
    const loaded = (await (await fetch(`${portal.url}/api/clusters/sim/networkpolicies`, { headers: { Cookie: alice.header() } })).json()) as any;
    expect(loaded.syncing).toBeUndefined();
    expect(loaded.items).toHaveLength(600);
  });

  it('gives bob an error for each namespace he asked for by name and may not list, while the others go on', async () => {
    const client = await watch('/api/clusters/sim/pods/watch?namespaces=team-a,kube-system', bob);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    expect(new Set(client.names('pods').map((n) => n.split('/')[0]))).toEqual(new Set(['team-a']));
    expect(client.of('error').map((e) => e.data)).toEqual([expect.objectContaining({ kind: 'pods', namespace: 'kube-system', code: 403 })]);
  });

  it('gives carol 403 before any stream opens, and unsigned requests 401', async () => {
    const carol = await signInAs(portal.url, 'carol');
    const refused = await fetch(`${portal.url}/api/clusters/sim/pods/watch`, { headers: { Cookie: carol.header() } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toMatch(/User "carol" cannot list resource "pods"/);
    expect((await fetch(`${portal.url}/api/clusters/sim/pods/watch`)).status).toBe(401);
  });

  it('answers bad input with 400 or 404 and says what was wrong', async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${portal.url}${path}`, { headers: { Cookie: alice.header(), ...headers } });
    const expectError = async (res: Response, status: number, pattern: RegExp) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as any).error.message).toMatch(pattern);
    };
    await expectError(await get('/api/clusters/nope/pods'), 404, /unknown cluster "nope"/);
    await expectError(await get('/api/clusters/sim/widgets/watch'), 404, /unknown kind "widgets"/);
    await expectError(await get('/api/clusters/sim/pods?namespaces=Bad_Name'), 400, /not a valid namespace/);
    await expectError(await get('/api/clusters/sim/pods/watch?since=garbage'), 400, /malformed Last-Event-ID\/since/);
    // A malformed Last-Event-ID is what a browser last saw: it gets a snapshot (an EventSource refused once gives up for good).
    const odd = await watch('/api/clusters/sim/pods/watch', alice, { 'Last-Event-ID': 'x-y-z' });
    await odd.waitFor((c) => c.of('snapshot').length === 1, 'a snapshot for a malformed Last-Event-ID');
    await expectError(await get('/api/clusters/sim/pods?labelSelector=app%20in%20(a'), 400, /labelSelector/);
    await expectError(await get('/api/clusters/sim/watch'), 400, /kinds is required/);
  });

  it('answers a repeated snapshot with 304 when nothing changed, and 200 once it did or for another person', async () => {
    const first = await fetch(`${portal.url}/api/clusters/sim/pods`, { headers: { Cookie: alice.header() } });
    expect(first.status).toBe(200);
    const body = (await first.json()) as any;
    expect(body.items.map((r: any) => `${r.namespace}/${r.name}`).sort()).toEqual(await listed());
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${portal.url}/api/clusters/sim/pods`, { headers: { Cookie: alice.header(), 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    const asBob = await fetch(`${portal.url}/api/clusters/sim/pods`, { headers: { Cookie: bob.header(), 'If-None-Match': etag } });
    expect(asBob.status).toBe(200);
    await createPod('team-a', 'etag-breaker');
    await until(async () => (await fetch(`${portal.url}/api/clusters/sim/pods`, { headers: { Cookie: alice.header(), 'If-None-Match': etag } })).status === 200, { message: 'a new ETag' });
    await deletePod('team-a', 'etag-breaker');
  });

  it('filters by label selector, sending deleted when a row stops matching', async () => {
    await createPod('team-a', 'labelled');
    const client = await watch('/api/clusters/sim/pods/watch?labelSelector=tier%3Dfront', alice);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    expect(client.names('pods')).toEqual([]);
    await harness.api('/api/v1/namespaces/team-a/pods/labelled', { method: 'PATCH', body: JSON.stringify({ metadata: { labels: { tier: 'front' } } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    await client.waitFor((c) => c.names('pods').includes('team-a/labelled'), 'the pod once it matches');
    await harness.api('/api/v1/namespaces/team-a/pods/labelled', { method: 'PATCH', body: JSON.stringify({ metadata: { labels: { tier: null } } }), headers: { 'Content-Type': 'application/merge-patch+json' } });
    await client.waitFor((c) => !c.names('pods').includes('team-a/labelled'), 'the pod gone once it stops matching');
    await deletePod('team-a', 'labelled');
  });

  describe('after simulator faults the stream still equals a fresh LIST', () => {
    it('survives every open watch being dropped', async () => {
      const client = await watch('/api/clusters/sim/pods/watch', alice);
      await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
      harness.sim.faults.dropWatches();
      await createPod('team-a', 'after-drop');
      await converges(client, 'the stream to match after dropped watches');
      await deletePod('team-a', 'after-drop');
      await converges(client, 'the deletion after dropped watches');
    });

    it('relists after 410 Expired and publishes only the real differences', async () => {
      const client = await watch('/api/clusters/sim/pods/watch', alice);
      await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
      harness.sim.faults.freezeWatches(true);
      await createPod('team-b', 'during-410');
      await deletePod('team-a', 'web-2');
      harness.sim.faults.compact();
      harness.sim.faults.dropWatches();
      harness.sim.faults.freezeWatches(false);
      await converges(client, 'the stream to match after 410');
      expect(client.of('snapshot')).toHaveLength(1);
      await deletePod('team-b', 'during-410');
      await createPod('team-a', 'web-2');
      await converges(client, 'the stream to match again');
    });

    it('restarts a watch that went silent (frozen) and catches up', async () => {
      const client = await watch('/api/clusters/sim/pods/watch', alice);
      await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
      const before = portal.logs.filter((l) => String(l.msg).startsWith('watch went silent')).length;
      harness.sim.faults.freezeWatches(true);
      await until(() => portal.logs.filter((l) => String(l.msg).startsWith('watch went silent')).length > before, { message: 'the liveness timer to fire', timeoutMs: 15_000 });
      await createPod('team-b', 'after-freeze');
      harness.sim.faults.freezeWatches(false);
      await converges(client, 'the stream to match after a frozen watch');
      await deletePod('team-b', 'after-freeze');
    });

    it('rides out a simulator restart and a run of 500s', async () => {
      const client = await watch('/api/clusters/sim/pods/watch', alice);
      await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
      harness.sim.faults.restart(2);
      harness.sim.store.delete('/pods', 'team-b', 'api-1');
      await converges(client, 'the stream to match after a restart');
      harness.sim.faults.failNext(5, 500);
      harness.sim.faults.dropWatches();
      // The portal's retries use up the failures (ours would too: wait for them to be spent).
      await until(() => harness.sim.faults.snapshot().failNext.count === 0, { message: 'the 500s to be spent', timeoutMs: 20_000 });
      await createPod('team-b', 'api-1');
      await converges(client, 'the stream to match after 500s');
      expect(client.ended).toBe(false);
    });
  });
});

describe('stream limits', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({
      KUBECONFIG: path,
      CROWSNEST_DEMO: '0',
      CROWSNEST_WATCH_PER_USER_LIMIT: '2',
      CROWSNEST_STREAM_MAX_SECONDS: '2',
      CROWSNEST_WATCH_STREAMS: '-configmaps',
      CROWSNEST_MAX_NAMESPACES_PER_STREAM: '3',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('ends a stream at its maximum lifetime with done, and the reconnect resumes without loss', async () => {
    const client = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header() });
    await client.waitFor((c) => c.ended, 'the stream to end');
    expect(client.of('done').at(-1)?.data).toEqual({ reason: 'max-lifetime' });
    const res = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'between')), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
    const next = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header(), 'Last-Event-ID': client.lastId! });
    await next.waitFor((c) => c.of('added').some((e) => e.data.row.name === 'between'), 'the delta missed between the two streams');
    expect(next.of('snapshot')).toHaveLength(0);
    await next.close();
  });

  it('refuses a stream over the per-user cap with 429 and Retry-After', async () => {
    const a = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header() });
    const b = await SseClient.open(`${portal.url}/api/clusters/sim/deployments/watch`, { Cookie: alice.header() });
    const res = await fetch(`${portal.url}/api/clusters/sim/services/watch`, { headers: { Cookie: alice.header() } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    await Promise.all([a.close(), b.close()]);
  });

  it('answers 404 for a switched-off stream while its snapshot still works', async () => {
    const stream = await fetch(`${portal.url}/api/clusters/sim/configmaps/watch`, { headers: { Cookie: alice.header() } });
    expect(stream.status).toBe(404);
    expect(((await stream.json()) as any).error.message).toMatch(/switched off/);
    const snapshot = await fetch(`${portal.url}/api/clusters/sim/configmaps`, { headers: { Cookie: alice.header() } });
    expect(snapshot.status).toBe(200);
    const kinds = (await (await fetch(`${portal.url}/api/clusters/sim/kinds`, { headers: { Cookie: alice.header() } })).json()) as any;
    expect(kinds.kinds.find((k: any) => k.token === 'configmaps')).toMatchObject({ stream: false, state: 'polling' });
    expect(kinds.kinds.find((k: any) => k.token === 'pods')).toMatchObject({ stream: true, state: 'streaming' });
  });

  it('refuses more namespaces than the limit with 400', async () => {
    const res = await fetch(`${portal.url}/api/clusters/sim/pods/watch?namespaces=a,b,c,d`, { headers: { Cookie: alice.header() } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/too many namespaces/);
  });
});
