import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; type: string | null }> {
  const res = await h.api(path, { headers });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, type: res.headers.get('content-type') };
}

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Cluster',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', shortNames: ['gd'] },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
});

afterAll(async () => {
  await h?.close();
});

describe('discovery', () => {
  it('answers aggregated discovery when it is asked for first, and legacy discovery in plain JSON otherwise', async () => {
    const aggregated = await get('/apis', { Accept: AGGREGATED });
    expect(aggregated.type).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(aggregated.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const api = await get('/api', { Accept: 'application/json' });
    expect(api.type).toBe('application/json');
    expect(api.body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = await get('/apis', { Accept: 'application/json' });
    expect(apis.type).toBe('application/json');
    expect(apis.body.kind).toBe('APIGroupList');
    const apps = apis.body.groups.find((g: any) => g.name === 'apps');
    expect(apps).toEqual({ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
  });

  it('lists resources with scope, kind, verbs, short names, categories and subresources', async () => {
    const core = (await get('/api/v1')).body;
    const pods = core.resources.find((r: any) => r.name === 'pods');
    expect(pods).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect(pods.verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(core.resources.find((r: any) => r.name === 'pods/status')).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(core.resources.find((r: any) => r.name === 'nodes').namespaced).toBe(false);
    const apps = (await get('/apis/apps/v1')).body;
    expect(apps.resources.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const reviews = (await get('/apis/authorization.k8s.io/v1')).body;
    expect(reviews.resources.find((r: any) => r.name === 'selfsubjectaccessreviews').verbs).toEqual(['create']);
  });

  it('serves /version with the full field set', async () => {
    const v = (await get('/version')).body;
    for (const field of ['major', 'minor', 'gitVersion', 'gitCommit', 'gitTreeState', 'buildDate', 'goVersion', 'compiler', 'platform']) expect(v[field], field).toBeTruthy();
    expect(v.gitVersion).toBe('v1.32.0-crowsnest-sim');
  });

  it('needs authentication for discovery', async () => {
    const res = await h.api('/apis', { user: null });
    expect(res.status).toBe(401);
  });

  it('serves OpenAPI v3 with fieldValidation on PATCH operations and GVK extensions', async () => {
    const index = (await get('/openapi/v3')).body;
    const url = index.paths['apis/apps/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
    const doc = (await get(url)).body;
    const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(item.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(item.patch.parameters.map((p: any) => p.name)).toContain('fieldValidation');
    const v2 = await get('/openapi/v2', { Accept: 'application/json' });
    expect(v2.status).toBe(200);
    expect(v2.body.swagger).toBe('2.0');
  });

  it('adds a CRD to discovery and OpenAPI (with a new hash) and removes it and its objects on delete', async () => {
    const before = (await get('/openapi/v3')).body;
    expect(before.paths['apis/example.com/v1']).toBeUndefined();
    const created = await h.api('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: JSON.stringify(crd) });
    expect(created.status).toBe(201);
    expect((await created.json()).status.conditions.find((c: any) => c.type === 'Established').status).toBe('True');
    const group = (await get('/apis/example.com/v1')).body;
    expect(group.resources.map((r: any) => r.name)).toEqual(['gadgets', 'gadgets/status', 'gadgets/scale']);
    expect(group.resources[0]).toMatchObject({ namespaced: false, kind: 'Gadget', shortNames: ['gd'] });
    const after = (await get('/openapi/v3')).body;
    expect(after.paths['apis/example.com/v1']).toBeDefined();
    const obj = await h.api('/apis/example.com/v1/gadgets', { method: 'POST', body: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { replicas: 2 } }) });
    expect(obj.status).toBe(201);
    const scale = (await get('/apis/example.com/v1/gadgets/g1/scale')).body;
    expect(scale.spec.replicas).toBe(2);
    expect((await h.api('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com', { method: 'DELETE' })).status).toBe(200);
    expect((await get('/apis/example.com/v1')).status).toBe(404);
    expect((await get('/apis/example.com/v1/gadgets')).status).toBe(404);
    await until(() => h.sim.store.count('example.com/gadgets') === 0, { message: 'custom objects dropped' });
    expect((await get('/openapi/v3')).body.paths['apis/example.com/v1']).toBeUndefined();
  });

  it('refuses an invalid CRD with 422', async () => {
    const bad = { ...crd, metadata: { name: 'wrong.example.com' } };
    const res = await h.api('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: JSON.stringify(bad) });
    expect(res.status).toBe(422);
    expect((await res.json()).message).toContain('must be spec.names.plural+"."+spec.group');
  });
});
