import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';

let h: SimHarness;

async function call(path: string, init: RequestInit & { user?: 'admin' | 'alice' | 'bob' | 'carol' | null } = {}): Promise<{ status: number; body: any }> {
  const res = await h.api(path, init);
  expect(res.headers.get('content-type')).toBeTruthy();
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

const cm = (name: string | undefined, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { a: '1' } });

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', controllers: false });
});

afterAll(async () => {
  await h?.close();
});

describe('bad input never crashes the simulator or corrupts the store', () => {
  it('answers an unknown resource with a 404 Status', async () => {
    const r = await call('/api/v1/namespaces/default/gizmos');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    expect((await call('/apis/nope.example.com/v1')).status).toBe(404);
  });

  it('answers malformed JSON and YAML with 400', async () => {
    expect((await post('/api/v1/namespaces/default/configmaps', '{"apiVersion": "v1", ')).status).toBe(400);
    expect((await post('/api/v1/namespaces/default/configmaps', 'a: [b', { 'Content-Type': 'application/yaml' })).status).toBe(400);
    expect((await post('/api/v1/namespaces/default/configmaps', '[1,2]')).status).toBe(400);
  });

  it('accepts YAML bodies', async () => {
    const r = await post('/api/v1/namespaces/default/configmaps', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n', { 'Content-Type': 'application/yaml' });
    expect(r.status).toBe(201);
    expect(r.body.metadata.namespace).toBe('default');
  });

  it('answers a missing name with 422 Invalid worded like Kubernetes', async () => {
    const r = await post('/api/v1/namespaces/default/configmaps', cm(undefined));
    expect(r.status).toBe(422);
    expect(r.body.message).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
  });

  it('answers an invalid name with 422', async () => {
    const r = await post('/api/v1/namespaces/default/configmaps', cm('Not_Valid'));
    expect(r.status).toBe(422);
    expect(r.body.details.causes[0].field).toBe('metadata.name');
  });

  it('generates a name from generateName', async () => {
    const r = await post('/api/v1/namespaces/default/configmaps', { ...cm(undefined), metadata: { generateName: 'gen-' } });
    expect(r.status).toBe(201);
    expect(r.body.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('answers a kind or group mismatch with 400', async () => {
    expect((await post('/api/v1/namespaces/default/configmaps', { ...cm('x'), kind: 'Secret' })).status).toBe(400);
    const r = await post('/api/v1/namespaces/default/configmaps', { ...cm('x'), apiVersion: 'apps/v1' });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('the API version in the data (apps/v1) does not match the expected API version (v1)');
  });

  it('answers a body namespace that differs from the URL with 400', async () => {
    const r = await post('/api/v1/namespaces/default/configmaps', cm('x', { namespace: 'team-a' }));
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  it('refuses to create a namespaced object without a namespace in the path (405, as the apiserver)', async () => {
    const r = await post('/api/v1/configmaps', cm('x'));
    expect(r.status).toBe(405);
    expect(r.body.kind).toBe('Status');
  });

  it('answers a cluster-scoped resource under a namespace with 404', async () => {
    expect((await call('/api/v1/namespaces/default/nodes')).status).toBe(404);
  });

  it('answers creation in a missing namespace with 404 namespaces "x" not found', async () => {
    const r = await post('/api/v1/namespaces/ghost/configmaps', cm('x'));
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('namespaces "ghost" not found');
  });

  it('answers a duplicate with 409 AlreadyExists', async () => {
    const r = await post('/api/v1/namespaces/default/configmaps', cm('from-yaml'));
    expect(r.status).toBe(409);
    expect(r.body.message).toBe('configmaps "from-yaml" already exists');
  });

  it('answers an update with a stale resourceVersion with 409 Conflict', async () => {
    const current = (await call('/api/v1/namespaces/default/configmaps/from-yaml')).body;
    const ok = await call('/api/v1/namespaces/default/configmaps/from-yaml', { method: 'PUT', body: JSON.stringify({ ...current, data: { a: '2' } }) });
    expect(ok.status).toBe(200);
    expect(Number(ok.body.metadata.resourceVersion)).toBeGreaterThan(Number(current.metadata.resourceVersion));
    const stale = await call('/api/v1/namespaces/default/configmaps/from-yaml', { method: 'PUT', body: JSON.stringify({ ...current, data: { a: '3' } }) });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe('Operation cannot be fulfilled on configmaps "from-yaml": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('answers a name mismatch between body and URL on update with 400', async () => {
    const r = await call('/api/v1/namespaces/default/configmaps/from-yaml', { method: 'PUT', body: JSON.stringify(cm('other')) });
    expect(r.status).toBe(400);
  });

  it('answers a body over 3 MiB with 413', async () => {
    const huge = JSON.stringify(cm('huge', {})).replace('"a":"1"', `"a":"${'x'.repeat(3 * 1024 * 1024 + 10)}"`);
    const r = await post('/api/v1/namespaces/default/configmaps', huge);
    expect(r.status).toBe(413);
  });

  it('answers an unknown patch type with 415 and a bad JSON patch with 422', async () => {
    const wrong = await call('/api/v1/namespaces/default/configmaps/from-yaml', { method: 'PATCH', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(wrong.status).toBe(415);
    const bad = await call('/api/v1/namespaces/default/configmaps/from-yaml', { method: 'PATCH', body: '[{"op":"remove","path":"/nope"}]', headers: { 'Content-Type': 'application/json-patch+json' } });
    expect(bad.status).toBe(422);
  });

  it('answers a missing or wrong token with 401 and an unauthorised user with 403', async () => {
    expect((await call('/api/v1/namespaces', { user: null })).status).toBe(401);
    expect((await call('/api/v1/namespaces', { headers: { Authorization: 'Bearer nope' }, user: null })).status).toBe(401);
    const denied = await call('/api/v1/namespaces/team-a/secrets', { user: 'carol' });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" in the namespace "team-a"');
    expect((await call('/api/v1/namespaces/team-a/configmaps', { user: 'bob' })).status).toBe(200);
  });

  it('serves health checks without credentials', async () => {
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await call(p, { user: null });
      expect(r).toEqual({ status: 200, body: 'ok' });
    }
  });

  it('still serves a consistent store after all of the above', async () => {
    const list = (await call('/api/v1/namespaces/default/configmaps')).body;
    expect(list.items.map((i: any) => i.metadata.name).sort()).toEqual(expect.arrayContaining(['from-yaml']));
    expect(list.items.some((i: any) => i.metadata.name === 'huge' || i.metadata.name === 'x')).toBe(false);
    expect((await call('/version')).body.gitVersion).toBe('v1.32.0-crowsnest-sim');
  });
});

describe('metadata bookkeeping', () => {
  it('bumps generation on spec changes only, and keeps status out of main-resource updates', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'gen', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'gen' } }, template: { metadata: { labels: { app: 'gen' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    const created = await post('/apis/apps/v1/namespaces/default/deployments', dep);
    expect(created.body.metadata.generation).toBe(1);
    const patch = (body: object, sub = '') => call(`/apis/apps/v1/namespaces/default/deployments/gen${sub}`, { method: 'PATCH', body: JSON.stringify(body), headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect((await patch({ metadata: { labels: { x: 'y' } } })).body.metadata.generation).toBe(1);
    expect((await patch({ spec: { replicas: 2 } })).body.metadata.generation).toBe(2);
    const status = await patch({ status: { readyReplicas: 2 } }, '/status');
    expect(status.body.status.readyReplicas).toBe(2);
    expect(status.body.metadata.generation).toBe(2);
    const ignored = await patch({ status: { readyReplicas: 9 } });
    expect(ignored.body.status.readyReplicas).toBe(2);
    const scale = await call('/apis/apps/v1/namespaces/default/deployments/gen/scale');
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { selector: 'app=gen' } });
  });

  it('moves a deleted namespace through Terminating and removes its contents', async () => {
    expect((await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } })).status).toBe(201);
    expect((await post('/api/v1/namespaces/doomed/configmaps', cm('inside'))).status).toBe(201);
    const del = await call('/api/v1/namespaces/doomed', { method: 'DELETE' });
    expect(del.body.status.phase).toBe('Terminating');
    expect((await post('/api/v1/namespaces/doomed/configmaps', cm('late'))).status).toBe(403);
    const { until } = await import('../support/until');
    await until(async () => (await call('/api/v1/namespaces/doomed')).status === 404, { message: 'namespace gone' });
    expect(h.sim.store.get('/configmaps', 'doomed', 'inside')).toBeUndefined();
  });

  it('returns the deleted object and honours a uid precondition', async () => {
    await post('/api/v1/namespaces/default/configmaps', cm('pre'));
    const wrong = await call('/api/v1/namespaces/default/configmaps/pre', { method: 'DELETE', body: JSON.stringify({ preconditions: { uid: 'nope' } }) });
    expect(wrong.status).toBe(409);
    const ok = await call('/api/v1/namespaces/default/configmaps/pre', { method: 'DELETE' });
    expect(ok.status).toBe(200);
    expect(ok.body.metadata.name).toBe('pre');
  });
});
