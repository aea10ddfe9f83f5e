import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWatch, startSim, type SimHarness } from '../support/sim';

let h: SimHarness;
type Ev = { type: string; object: any };

function aConfigMap(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team-a', labels }, data: { v: '1' } };
}

async function create(name: string, labels: Record<string, string> = {}): Promise<any> {
  const r = await h.api('/api/v1/namespaces/team-a/configmaps', { method: 'POST', body: JSON.stringify(aConfigMap(name, labels)) });
  expect(r.status).toBe(201);
  return r.json();
}

async function mergePatch(name: string, patch: object): Promise<void> {
  const r = await h.api(`/api/v1/namespaces/team-a/configmaps/${name}`, { method: 'PATCH', body: JSON.stringify(patch), headers: { 'Content-Type': 'application/merge-patch+json' } });
  expect(r.status).toBe(200);
}

const names = (events: Ev[]) => events.map((e) => `${e.type}:${e.object.metadata?.name ?? ''}`);

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', bookmarkIntervalMs: 100, tooLargeWaitMs: 200, historyWindow: 50 });
});

afterAll(async () => {
  await h?.close();
});

describe('watch', () => {
  it('starts with synthetic ADDED events for current objects when resourceVersion is unset', async () => {
    await create('w-existing');
    const res = await h.api('/api/v1/namespaces/team-a/configmaps?watch=true&fieldSelector=metadata.name%3Dw-existing');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const events = await readWatch(res, (e) => e.length >= 1);
    expect(names(events)).toEqual(['ADDED:w-existing']);
  });

  it('replays only later changes when watching from a list resourceVersion, one JSON object per line', async () => {
    const list = await (await h.api('/api/v1/namespaces/team-a/configmaps')).json();
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=1&resourceVersion=${list.metadata.resourceVersion}`);
    await create('w-new');
    await mergePatch('w-new', { data: { v: '2' } });
    await h.api('/api/v1/namespaces/team-a/configmaps/w-new', { method: 'DELETE' });
    const events = await readWatch(res, (e) => e.length >= 3);
    expect(names(events)).toEqual(['ADDED:w-new', 'MODIFIED:w-new', 'DELETED:w-new']);
    expect(events[1].object.data).toEqual({ v: '2' });
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  });

  it('resumes from history after a disconnect', async () => {
    const rv = h.sim.store.currentRv();
    await create('w-missed');
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${rv}`);
    expect(names(await readWatch(res, (e) => e.length >= 1))).toEqual(['ADDED:w-missed']);
  });

  it('answers a too old resourceVersion with 200 and one ERROR 410 Expired event, then closes', async () => {
    const old = h.sim.store.currentRv();
    await create('w-compacted');
    h.sim.store.compact();
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${old}`);
    expect(res.status).toBe(200);
    const events = await readWatch(res, () => false);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('ERROR');
    expect(events[0].object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(events[0].object.message).toMatch(new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  });

  it('expires history beyond the configured window', async () => {
    const old = h.sim.store.currentRv();
    for (let i = 0; i < 70; i++) await create(`w-flood-${i}`);
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${old}`);
    const events = await readWatch(res, () => false);
    expect(events.map((e) => e.type)).toEqual(['ERROR']);
  });

  it('answers a future resourceVersion with 504 ResourceVersionTooLarge', async () => {
    const future = h.sim.store.currentRv() + 1000;
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${future}`);
    expect(res.status).toBe(504);
    const body = await res.json();
    expect(body.details.causes[0].reason).toBe('ResourceVersionTooLarge');
    expect(body.message).toContain(`Too large resource version: ${future}`);
  });

  it('turns selector transitions into ADDED and DELETED, as the watch cache does', async () => {
    await create('w-moving', { stage: 'a' });
    const rv = h.sim.store.currentRv();
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${rv}&labelSelector=stage%3Db`);
    await mergePatch('w-moving', { metadata: { labels: { stage: 'b' } } });
    await mergePatch('w-moving', { data: { v: '3' } });
    await mergePatch('w-moving', { metadata: { labels: { stage: 'c' } } });
    const events = await readWatch(res, (e) => e.length >= 3);
    expect(names(events)).toEqual(['ADDED:w-moving', 'MODIFIED:w-moving', 'DELETED:w-moving']);
  });

  it('sends BOOKMARK events with the current resourceVersion only when allowed', async () => {
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${h.sim.store.currentRv()}&allowWatchBookmarks=true`);
    const events = await readWatch(res, (e) => e.length >= 2);
    expect(events.map((e) => e.type)).toEqual(['BOOKMARK', 'BOOKMARK']);
    expect(events[0].object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: String(h.sim.store.currentRv()) } });
  });

  it('closes cleanly at timeoutSeconds', async () => {
    const started = Date.now();
    const res = await h.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${h.sim.store.currentRv()}&timeoutSeconds=1`);
    const events = await readWatch(res, () => false);
    expect(events).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('implements sendInitialEvents with the initial-events-end bookmark', async () => {
    const bad = await h.api('/api/v1/namespaces/team-a/configmaps?watch=true&sendInitialEvents=true');
    expect(bad.status).toBe(422);
    const res = await h.api('/api/v1/namespaces/team-a/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dw-existing');
    const events = await readWatch(res, (e) => e.some((x) => x.type === 'BOOKMARK'));
    expect(events[0].type).toBe('ADDED');
    const end = events.find((e) => e.type === 'BOOKMARK')!;
    expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('closes a watch whose reader falls too far behind instead of buffering without bound', async () => {
    const small = await (await import('../support/sim')).startSim({ scenario: 'empty', watchBufferLimit: 64 * 1024 });
    try {
      const res = await small.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${small.sim.store.currentRv()}`);
      // Never read the body; write far more than the limit.
      const big = 'x'.repeat(200_000);
      for (let i = 0; i < 40; i++) {
        small.sim.store.create('/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}`, namespace: 'team-a' }, data: { big } });
      }
      await expect(readWatch(res, () => false)).rejects.toThrow();
    } finally {
      await small.close();
    }
  });

  it('ends open watches when the simulator closes', async () => {
    const other = await (await import('../support/sim')).startSim({ scenario: 'empty' });
    const res = await other.api('/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=0');
    const reading = readWatch(res, () => false).catch(() => 'closed');
    await other.close();
    await expect(reading).resolves.toBeDefined();
  });
});
