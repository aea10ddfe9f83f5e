import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readWatch, startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;
let core: CoreV1Api;

const fault = (action: string, body: object = {}, user: 'admin' | 'alice' | 'bob' | null = 'admin') =>
  h.api(`/sim/faults/${action}`, { method: 'POST', body: JSON.stringify(body), user });

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  const kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});

afterEach(() => h.sim.faults.reset());

afterAll(async () => {
  await h?.close();
});

async function configMap(name: string): Promise<void> {
  const r = await h.api('/api/v1/namespaces/team-a/configmaps', { method: 'POST', body: JSON.stringify({ metadata: { name }, data: { v: '1' } }) });
  expect(r.status).toBe(201);
}

describe('the faults endpoint', () => {
  it('is for the admin user only: no token → 401, others → 403', async () => {
    expect((await fault('reset', {}, null)).status).toBe(401);
    const denied = await fault('reset', {}, 'alice');
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect((await fault('reset', {}, 'bob')).status).toBe(403);
    expect((await fault('reset')).status).toBe(200);
    expect((await fault('no-such-fault')).status).toBe(404);
    expect((await fault('fail-next', { count: 1, status: 418 })).status).toBe(400);
    // Only large:<pods> has a churn rate to set.
    expect((await fault('churn', { rate: 5 })).status).toBe(400);
  });

  it('counts the watches open now, for the admin user only', async () => {
    const count = async () => ((await (await h.api('/sim/faults/watches')).json()) as { open: number }).open;
    const before = await count();
    const controller = new AbortController();
    const watch = await h.api('/api/v1/configmaps?watch=1', { signal: controller.signal });
    expect(watch.status).toBe(200);
    await until(async () => (await count()) === before + 1, { message: 'the watch to be counted' });
    controller.abort();
    await until(async () => (await count()) === before, { message: 'the closed watch to be uncounted' });
    expect((await h.api('/sim/faults/watches', { user: 'alice' })).status).toBe(403);
  });

  it('fail-next answers the next N requests with 500, then serves again', async () => {
    expect((await fault('fail-next', { count: 2, status: 500 })).status).toBe(200);
    await expect(core.listNamespace()).rejects.toMatchObject({ code: 500 });
    const raw = await h.api('/api/v1/namespaces');
    expect(raw.status).toBe(500);
    expect(await raw.json()).toMatchObject({ kind: 'Status', reason: 'InternalError' });
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
  });

  it('fail-next with 429 sends Retry-After', async () => {
    h.sim.faults.failNext(1, 429);
    const r = await h.api('/api/v1/namespaces');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(await r.json()).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 1 } });
  });

  it('latency delays every response until cleared', async () => {
    await fault('latency', { ms: 400 });
    const t0 = Date.now();
    expect((await h.api('/api/v1/namespaces')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    await fault('latency', { ms: 0 });
    expect(h.sim.faults.snapshot().latencyMs).toBe(0);
  });

  it('drop-watches ends every open watch', async () => {
    const res = await h.api('/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=' + h.sim.store.currentRv());
    const reading = readWatch(res, () => false);
    const dropped = await (await fault('drop-watches')).json();
    expect(dropped.dropped).toBeGreaterThanOrEqual(1);
    expect(await reading).toEqual([]);
  });

  it('compact makes a watch from an older resourceVersion get 410 Expired', async () => {
    const old = h.sim.store.currentRv();
    await configMap('before-compact');
    await fault('compact');
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${old}`);
    const events = await readWatch(res, () => false);
    expect(events).toHaveLength(1);
    expect(events[0].object).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('freeze-watches holds events (connection open) until unfrozen', async () => {
    const res = await h.api('/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=' + h.sim.store.currentRv());
    await fault('freeze-watches', { on: true });
    await configMap('while-frozen');
    const seen: string[] = [];
    const reading = readWatch(res, (e) => {
      seen.splice(0, seen.length, ...e.map((x) => x.object.metadata.name));
      return e.length >= 1;
    });
    // The event is stored (a list sees it) but the frozen watch has not sent it.
    const list = await (await h.api('/api/v1/namespaces/team-a/configmaps')).json();
    expect(list.items.map((o: any) => o.metadata.name)).toContain('while-frozen');
    expect(seen).toEqual([]);
    await fault('freeze-watches', { on: false });
    const events = await reading;
    expect(events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:while-frozen']);
  });

  it('restart closes connections and refuses new ones for N seconds, then serves the same state', async () => {
    await configMap('survives-restart');
    const watch = await h.api('/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=' + h.sim.store.currentRv());
    const ended = readWatch(watch, () => false).catch(() => 'reset');
    expect((await fault('restart', { seconds: 1 })).status).toBe(200);
    await ended;
    await until(async () => !(await h.api('/healthz').then(() => true, () => false)), { message: 'refused while restarting', timeoutMs: 2_000 });
    await until(async () => (await h.api('/api/v1/namespaces/team-a/configmaps/survives-restart').catch(() => undefined))?.status === 200, { message: 'serving again' });
  });

  it('reset clears every fault', async () => {
    h.sim.faults.failNext(5, 500);
    h.sim.faults.latency(1000);
    await fault('reset');
    expect(h.sim.faults.snapshot()).toMatchObject({ failNext: { count: 0 }, latencyMs: 0, watchesFrozen: false });
    const state = await (await h.api('/sim/faults')).json();
    expect(state.failNext.count).toBe(0);
  });
});
