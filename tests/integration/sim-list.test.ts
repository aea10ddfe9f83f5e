import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';

let h: SimHarness;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any; type: string | null }> {
  const res = await h.api(path, init);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
}

/** The ConfigMaps the tests start with, in list order: their own, and each namespace's root CA. */
const ALL = [
  'default/kube-root-ca.crt',
  'kube-node-lease/kube-root-ca.crt',
  'kube-public/kube-root-ca.crt',
  'kube-system/kube-root-ca.crt',
  'team-a/a1',
  'team-a/a2',
  'team-a/a3',
  'team-a/kube-root-ca.crt',
  'team-b/b1',
  'team-b/b2',
  'team-b/kube-root-ca.crt',
];

function aConfigMap(ns: string, name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { k: name } };
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  // Created out of order on purpose: lists come back sorted by namespace, then name.
  for (const [ns, name, env] of [['team-b', 'b2', 'prod'], ['team-a', 'a3', 'dev'], ['team-b', 'b1', 'dev'], ['team-a', 'a1', 'prod'], ['team-a', 'a2', 'prod']]) {
    const r = await h.api(`/api/v1/namespaces/${ns}/configmaps`, { method: 'POST', body: JSON.stringify(aConfigMap(ns, name, { env })) });
    expect(r.status).toBe(201);
  }
});

afterAll(async () => {
  await h?.close();
});

describe('list', () => {
  it('returns a typed list sorted by namespace then name, with the current resourceVersion', async () => {
    const { status, body, type } = await json('/api/v1/configmaps');
    expect(status).toBe(200);
    expect(type).toBe('application/json');
    expect(body.kind).toBe('ConfigMapList');
    // Every namespace holds the cluster's kube-root-ca.crt too, as on a real cluster.
    expect(body.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(ALL);
    expect(Number(body.metadata.resourceVersion)).toBe(h.sim.store.currentRv());
  });

  it('pages with limit and continue, keeping one resourceVersion across pages', async () => {
    const keys = (page: any) => page.body.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`);
    const first = await json('/api/v1/configmaps?limit=4');
    expect(keys(first)).toEqual(ALL.slice(0, 4));
    expect(first.body.metadata.remainingItemCount).toBe(ALL.length - 4);
    const rv = first.body.metadata.resourceVersion;
    // A write between pages does not change the resourceVersion the pages report.
    await h.api('/api/v1/namespaces/team-b/configmaps', { method: 'POST', body: JSON.stringify(aConfigMap('team-b', 'between')) });
    const second = await json(`/api/v1/configmaps?limit=4&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    expect(keys(second)).toEqual(ALL.slice(4, 8));
    expect(second.body.metadata.resourceVersion).toBe(rv);
    const third = await json(`/api/v1/configmaps?limit=4&continue=${encodeURIComponent(second.body.metadata.continue)}`);
    expect(keys(third)).toEqual(ALL.slice(8));
    expect(third.body.metadata.continue).toBeUndefined();
    await h.api('/api/v1/namespaces/team-b/configmaps/between', { method: 'DELETE' });
  });

  it('answers 410 Expired for a continue token older than the history window', async () => {
    const first = await json('/api/v1/configmaps?limit=1');
    await h.api('/api/v1/namespaces/default/configmaps', { method: 'POST', body: JSON.stringify(aConfigMap('default', 'bump')) });
    h.sim.store.compact();
    const next = await json(`/api/v1/configmaps?limit=1&continue=${encodeURIComponent(first.body.metadata.continue)}`);
    expect(next.status).toBe(410);
    expect(next.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(next.body.message).toContain('The provided continue parameter is too old');
    await h.api('/api/v1/namespaces/default/configmaps/bump', { method: 'DELETE' });
  });

  it('rejects a garbled continue token', async () => {
    const r = await json('/api/v1/configmaps?continue=garbage');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ reason: 'BadRequest', message: expect.stringMatching(/^invalid continue token: continue key is not valid/) });
  });

  it('filters by label and field selectors within a namespace', async () => {
    const byLabel = await json('/api/v1/namespaces/team-a/configmaps?labelSelector=env%3Dprod');
    expect(byLabel.body.items.map((i: any) => i.metadata.name)).toEqual(['a1', 'a2']);
    const byField = await json('/api/v1/configmaps?fieldSelector=metadata.name%3Db1');
    expect(byField.body.items.map((i: any) => i.metadata.name)).toEqual(['b1']);
    const both = await json('/api/v1/configmaps?labelSelector=env%20in%20(dev)&fieldSelector=metadata.namespace!%3Dteam-b');
    expect(both.body.items.map((i: any) => i.metadata.name)).toEqual(['a3']);
  });

  it('refuses an unsupported field selector with 400', async () => {
    const r = await json('/api/v1/configmaps?fieldSelector=data.k%3Da1');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('field label not supported: data.k');
  });

  it('applies the resourceVersionMatch rules', async () => {
    expect((await json('/api/v1/configmaps?resourceVersionMatch=NotOlderThan')).status).toBe(422);
    expect((await json('/api/v1/configmaps?resourceVersionMatch=Exact&resourceVersion=0')).status).toBe(422);
    expect((await json('/api/v1/configmaps?resourceVersionMatch=Sometimes&resourceVersion=1')).status).toBe(422);
    expect((await json('/api/v1/configmaps?resourceVersionMatch=NotOlderThan&resourceVersion=1')).status).toBe(200);
    expect((await json('/api/v1/configmaps?sendInitialEvents=true')).status).toBe(422);
  });

  it('serves a Table with kubectl columns and metadata-only row objects', async () => {
    const { body } = await json('/api/v1/namespaces/team-a/configmaps', { headers: { Accept: TABLE } });
    expect(body.kind).toBe('Table');
    expect(body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(body.columnDefinitions[0].format).toBe('name');
    expect(body.rows[0].cells.slice(0, 2)).toEqual(['a1', 1]);
    expect(body.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a1' } });
    const full = await json('/api/v1/namespaces/team-a/configmaps?includeObject=Object', { headers: { Accept: TABLE } });
    expect(full.body.rows[0].object.data).toEqual({ k: 'a1' });
    const none = await json('/api/v1/namespaces/team-a/configmaps?includeObject=None', { headers: { Accept: TABLE } });
    expect(none.body.rows[0].object).toBeUndefined();
  });

  it('serves a single object as a Table too', async () => {
    const { body } = await json('/api/v1/namespaces/team-a/configmaps/a1', { headers: { Accept: TABLE } });
    expect(body.kind).toBe('Table');
    expect(body.rows).toHaveLength(1);
  });

  it('serves PartialObjectMetadataList when asked', async () => {
    const { body } = await json('/api/v1/namespaces/team-a/configmaps', { headers: { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } });
    expect(body.kind).toBe('PartialObjectMetadataList');
    expect(body.items[0]).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: expect.objectContaining({ name: 'a1' }) });
    expect(body.items[0].data).toBeUndefined();
  });

  it('deletes a collection by label selector and returns what it deleted', async () => {
    const r = await json('/api/v1/namespaces/team-b/configmaps?labelSelector=env%3Ddev', { method: 'DELETE' });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: any) => i.metadata.name)).toEqual(['b1']);
    const left = await json('/api/v1/namespaces/team-b/configmaps');
    expect(left.body.items.map((i: any) => i.metadata.name)).toEqual(['b2', 'kube-root-ca.crt']);
  });
});
