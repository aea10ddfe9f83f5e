import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from '../support/kubectl';
import { startSim, type SimHarness } from '../support/sim';

let h: SimHarness;

const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
});

afterAll(async () => {
  await h?.close();
});

async function json(path: string, accept = 'application/json'): Promise<{ contentType: string; body: any }> {
  const res = await h.api(path, { headers: { Accept: accept } });
  expect(res.status).toBe(200);
  return { contentType: res.headers.get('content-type') ?? '', body: await res.json() };
}

function subresources(list: any, group: string, resource: string): Record<string, any> {
  const g = list.items.find((i: any) => (i.metadata.name ?? '') === group);
  const r = g.versions[0].resources.find((x: any) => x.resource === resource);
  return Object.fromEntries((r.subresources ?? []).map((s: any) => [s.subresource, { kind: s.responseKind, verbs: s.verbs }]));
}

describe('discovery', () => {
  it('serves aggregated discovery for /api and /apis when asked first, as kubectl asks', async () => {
    const core = await json('/api', AGGREGATED);
    expect(core.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(core.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const pods = subresources(core.body, '', 'pods');
    expect(Object.keys(pods).sort()).toEqual(['attach', 'eviction', 'exec', 'log', 'portforward', 'status']);
    expect(pods.eviction).toEqual({ kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] });
    expect(pods.exec).toEqual({ kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] });
    expect(subresources(core.body, '', 'serviceaccounts').token).toEqual({ kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] });
    const apis = await json('/apis', AGGREGATED);
    expect(apis.body.items.map((i: any) => i.metadata.name)).toEqual(expect.arrayContaining(['apps', 'coordination.k8s.io', 'events.k8s.io', 'autoscaling']));
    expect(subresources(apis.body, 'apps', 'deployments').scale).toEqual({ kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
    const deployments = apis.body.items.find((i: any) => i.metadata.name === 'apps').versions[0].resources.find((r: any) => r.resource === 'deployments');
    expect(deployments).toMatchObject({ responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, scope: 'Namespaced', singularResource: 'deployment', shortNames: ['deploy'], categories: ['all'] });
  });

  it('answers v2beta1 when only that is asked, and legacy JSON to a plain Accept', async () => {
    const beta = await json('/apis', 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    expect(beta.body.apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
    const legacy = await json('/apis');
    expect(legacy.contentType).toBe('application/json');
    expect(legacy.body.kind).toBe('APIGroupList');
  });

  it('lists every subresource a resource serves in the legacy group-version lists too', async () => {
    const r = await h.kubectl(['get', '--raw', '/api/v1']);
    expect(r.code, r.stderr).toBe(0);
    const names = JSON.parse(r.stdout).resources.map((x: any) => x.name);
    expect(names).toEqual(expect.arrayContaining(['pods/log', 'pods/exec', 'pods/attach', 'pods/portforward', 'pods/eviction', 'pods/status', 'serviceaccounts/token']));
    const apps = JSON.parse((await h.kubectl(['get', '--raw', '/apis/apps/v1'])).stdout);
    expect(apps.resources.find((x: any) => x.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('kubectl api-resources shows the kinds a real cluster always has', async () => {
    const r = await h.kubectl(['api-resources', '-o', 'wide']);
    expect(r.code, r.stderr).toBe(0);
    const rows = tableRows(r.stdout).map((row) => `${row[0]} ${row.find((c) => c.includes('/') || c === 'v1')}`);
    for (const want of ['endpoints v1', 'resourcequotas v1', 'limitranges v1', 'leases coordination.k8s.io/v1', 'controllerrevisions apps/v1', 'events events.k8s.io/v1', 'horizontalpodautoscalers autoscaling/v2']) {
      expect(rows).toContain(want);
    }
  });
});

describe('OpenAPI', () => {
  it('kubectl explain deployment.spec.template describes the field from the real schema', async () => {
    const r = await h.kubectl(['explain', 'deployment.spec.template']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('KIND:       Deployment');
    expect(r.stdout).toContain('FIELD: template <PodTemplateSpec>');
    expect(r.stdout).toContain('Template describes the pods that will be created.');
    expect(r.stdout).toMatch(/metadata\s+<ObjectMeta>/);
    expect(r.stdout).toMatch(/spec\s+<PodSpec>/);
  });

  it('kubectl explain pods.spec.containers.ports lists the fields with their types and required ones', async () => {
    const r = await h.kubectl(['explain', 'pods.spec.containers.ports']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('FIELD: ports <[]ContainerPort>');
    expect(r.stdout).toMatch(/containerPort\s+<integer> -required-/);
    expect(r.stdout).toMatch(/protocol\s+<string>/);
    expect(r.stdout).toContain('Protocol for port. Must be UDP, TCP, or SCTP.');
  });

  it("explains a custom resource from its CRD's schema", async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'backups.ops.example.com' },
      spec: {
        group: 'ops.example.com',
        scope: 'Namespaced',
        names: { plural: 'backups', singular: 'backup', kind: 'Backup' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { schedule: { type: 'string', description: 'When the backup runs, in cron syntax.' } } } } } } }],
      },
    };
    expect((await h.kubectl(['create', '-f', await h.file('crd.json', JSON.stringify(crd))])).code).toBe(0);
    const r = await h.kubectl(['explain', 'backups.spec']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/schedule\s+<string>/);
    expect(r.stdout).toContain('When the backup runs, in cron syntax.');
  });

  it('serves OpenAPI v2 as JSON with the kinds and their group-version-kind, and refuses protobuf with 406', async () => {
    const doc = await json('/openapi/v2');
    expect(doc.body.swagger).toBe('2.0');
    const dep = doc.body.definitions['io.k8s.api.apps.v1.Deployment'];
    expect(dep['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect(dep.properties.spec.$ref).toBe('#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    expect(doc.body.definitions['io.k8s.api.apps.v1.DeploymentSpec'].required).toEqual(['selector', 'template']);
    const proto = await h.api('/openapi/v2', { headers: { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    expect(proto.status).toBe(406);
  });

  it('keeps client-side apply merging lists by key: an env var dropped from the file is removed', async () => {
    const deployment = (env: { name: string; value: string }[]) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'envs', namespace: 'default' },
        spec: { selector: { matchLabels: { app: 'envs' } }, template: { metadata: { labels: { app: 'envs' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', env }] } } },
      });
    expect((await h.kubectl(['apply', '-f', await h.file('envs1.json', deployment([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]))])).code).toBe(0);
    const r = await h.kubectl(['apply', '-f', await h.file('envs2.json', deployment([{ name: 'A', value: '1' }]))]);
    expect(r.code, r.stderr).toBe(0);
    const live = JSON.parse((await h.kubectl(['get', 'deploy', 'envs', '-o', 'json'])).stdout);
    expect(live.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
  });
});
