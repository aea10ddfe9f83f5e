/**
 * Query-parameter semantics seen over raw HTTP, where no client library smooths them
 * over: the apiserver's boolean rule, continue tokens it cannot read, and the watch
 * cache's time window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWatch, startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

async function createConfigMap(harness: SimHarness, name: string): Promise<any> {
  const r = await harness.api('/api/v1/namespaces/team-a/configmaps', { method: 'POST', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: '1' } }) });
  expect(r.status).toBe(201);
  return r.json();
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', controllers: false });
  await createConfigMap(h, 'flag');
});

afterAll(async () => {
  await h?.close();
});

describe('boolean query parameters', () => {
  const path = (value: string) => `/api/v1/namespaces/team-a/configmaps?fieldSelector=metadata.name%3Dflag&watch=${value}`;

  it.each(['true', 'True', 'TRUE', 'yes', '1', ''])('treats watch=%s as a watch', async (value) => {
    const res = await h.api(path(value));
    expect(res.status).toBe(200);
    const events = await readWatch(res, (e) => e.length >= 1);
    expect(events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:flag']);
  });

  it.each(['0', 'false', 'False', 'FALSE'])('treats watch=%s as a one-shot list', async (value) => {
    const res = await h.api(path(value));
    expect(res.status).toBe(200);
    const list = (await res.json()) as any;
    expect(list.kind).toBe('ConfigMapList');
    expect(list.items.map((o: any) => o.metadata.name)).toEqual(['flag']);
  });

  it('reads allowWatchBookmarks and sendInitialEvents by the same rule', async () => {
    const res = await h.api(`${path('True')}&sendInitialEvents=Yes&allowWatchBookmarks=TRUE&resourceVersionMatch=NotOlderThan`);
    const events = await readWatch(res, (e) => e.some((x) => x.type === 'BOOKMARK'));
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK']);
    expect(events[1].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });
});

describe('continue tokens', () => {
  const list = (token: string) => h.api(`/api/v1/namespaces/team-a/configmaps?limit=1&continue=${encodeURIComponent(token)}`);

  it('refuses a token that is not base64 with 400 BadRequest in the apiserver wording', async () => {
    const res = await list('not*a*token');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message: 'invalid continue token: continue key is not valid: illegal base64 data at input byte 3' });
  });

  it('refuses a token of another encoding version', async () => {
    const res = await list(Buffer.from(JSON.stringify({ v: 'other/v9', rv: 5, start: 'team-a/x' })).toString('base64url'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).message).toBe('invalid continue token: continue key is not valid: server does not recognize this encoded version other/v9');
  });

  it('refuses a token without a start key', async () => {
    const res = await list(Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: 5, start: '' })).toString('base64url'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).message).toBe('invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  });

  it('still follows the tokens it hands out', async () => {
    await createConfigMap(h, 'paged');
    const first = (await (await h.api('/api/v1/namespaces/team-a/configmaps?limit=1')).json()) as any;
    expect(first.metadata.continue).toBeTruthy();
    const pages = [first];
    for (let token = first.metadata.continue; token; token = pages[pages.length - 1].metadata.continue) {
      const res = await list(token);
      expect(res.status).toBe(200);
      pages.push(await res.json());
    }
    // Every namespace also holds the cluster's kube-root-ca.crt, as on a real cluster.
    expect(pages.map((p) => p.items.map((o: any) => o.metadata.name))).toEqual([['flag'], ['kube-root-ca.crt'], ['paged']]);
  });
});

describe('the watch cache window', () => {
  let fast: SimHarness;

  beforeAll(async () => {
    // 300 simulated seconds of history at 600x pass in half a real second.
    fast = await startSim({ scenario: 'empty', controllers: false, clockSpeed: 600, historySeconds: 300 });
  });

  afterAll(async () => {
    await fast?.close();
  });

  it('answers 410 Expired to a client resuming after a longer gap than the window, with no fault injected', async () => {
    const before = fast.sim.store.currentRv();
    await createConfigMap(fast, 'during-gap');
    const watchFrom = (rv: number) => fast.api(`/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${rv}`);
    const expired = await until(
      async () => {
        const events = await readWatch(await watchFrom(before), (e) => e.length >= 1);
        return events[0].type === 'ERROR' ? events[0] : undefined;
      },
      { message: 'the resume to be refused once its events left the window' },
    );
    expect(expired.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(expired.object.message).toMatch(new RegExp(`^too old resource version: ${before} \\(\\d+\\)$`));
    // Resuming from the newest resourceVersion still works after the gap.
    const now = fast.sim.store.currentRv();
    const live = await watchFrom(now);
    await createConfigMap(fast, 'after-gap');
    expect((await readWatch(live, (e) => e.length >= 1)).map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(['ADDED:after-gap']);
  });
});
