import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';

let h: SimHarness;

function aDeployment(name: string, spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'team-a' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', ...container }] } },
      ...spec,
    },
  };
}

async function kubectlWith(args: string[], manifest: unknown) {
  return h.kubectl([...args, '-f', await h.file(`m-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(manifest))]);
}

async function exists(resource: string, name: string, ns = 'team-a'): Promise<boolean> {
  const r = await h.api(`/apis/apps/v1/namespaces/${ns}/${resource}/${name}`);
  return r.status === 200;
}

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const r = await h.api(path, { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
});

afterAll(async () => {
  await h?.close();
});

describe('strict field validation', () => {
  it('refuses an unknown field on client-side apply (kubectl validates strictly by default) and stores nothing', async () => {
    const m = aDeployment('typo', { replica: 3 });
    const r = await kubectlWith(['apply'], m);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"');
    expect(await exists('deployments', 'typo')).toBe(false);
  });

  it('names every unknown field, with list indexes, in document order', async () => {
    const m = aDeployment('typos', { replica: 3 }, { imagePullPolice: 'Always' });
    const r = await kubectlWith(['create'], m);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagePullPolice"');
  });

  it('refuses a value of the wrong type whatever the directive, in Go decoder words', async () => {
    const m = aDeployment('three', { replicas: 'three' });
    for (const validate of ['strict', 'false']) {
      const r = await kubectlWith(['apply', `--validate=${validate}`], m);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    }
    expect(await exists('deployments', 'three')).toBe(false);
  });

  it('with --validate=warn stores the object without the field and prints the warning', async () => {
    const r = await kubectlWith(['apply', '--validate=warn'], aDeployment('warned', { replica: 3 }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Warning: unknown field "spec.replica"');
    const stored = await (await h.api('/apis/apps/v1/namespaces/team-a/deployments/warned')).json();
    expect(stored.spec.replica).toBeUndefined();
    expect(stored.spec.replicas).toBe(1);
  });

  it('with --validate=false drops the field silently', async () => {
    const r = await kubectlWith(['apply', '--validate=false'], aDeployment('ignored', { replica: 3 }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('Warning');
    const stored = await (await h.api('/apis/apps/v1/namespaces/team-a/deployments/ignored')).json();
    expect(stored.spec.replica).toBeUndefined();
  });

  it('refuses an unknown field in a client-side apply over an existing object (the strategic patch) and keeps the object', async () => {
    expect((await kubectlWith(['apply'], aDeployment('patched'))).code).toBe(0);
    const r = await kubectlWith(['apply'], aDeployment('patched', { replicas: 2, replica: 5 }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('patch: Invalid value: "map[');
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.replica"');
    const stored = await (await h.api('/apis/apps/v1/namespaces/team-a/deployments/patched')).json();
    expect(stored.spec.replicas).toBe(1);
  });

  it('refuses an unknown field and a wrong type in kubectl apply --server-side', async () => {
    const unknown = await kubectlWith(['apply', '--server-side'], aDeployment('ssa-typo', { replica: 3 }));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('failed to create typed patch object (team-a/ssa-typo; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema');
    const typed = await kubectlWith(['apply', '--server-side'], aDeployment('ssa-type', { replicas: 'three' }));
    expect(typed.code).toBe(1);
    expect(typed.stderr).toContain('.spec.replicas: expected numeric (int or float), got string');
    expect(await exists('deployments', 'ssa-typo')).toBe(false);
    expect(await exists('deployments', 'ssa-type')).toBe(false);
  });

  it('answers a raw request with fieldValidation=Warn with a 299 Warning header', async () => {
    const r = await h.api('/api/v1/namespaces/team-a/configmaps?fieldValidation=Warn', {
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-warn' }, data: { a: '1' }, spec: {} }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('warning')).toBe('299 - "unknown field \\"spec\\""');
    expect((await r.json()).spec).toBeUndefined();
  });
});

describe('422 Invalid for the built-in kinds', () => {
  it('requires a selector that matches the template labels, with one cause per field', async () => {
    const m = aDeployment('nosel');
    delete m.spec.selector;
    const r = await post('/apis/apps/v1/namespaces/team-a/deployments', m);
    expect(r.status).toBe(422);
    expect(r.json.reason).toBe('Invalid');
    expect(r.json.message).toBe(
      'Deployment.apps "nosel" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"nosel"}: `selector` does not match template `labels`]',
    );
    expect(r.json.details.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: map[string]string{"app":"nosel"}: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' },
    ]);
    expect(await exists('deployments', 'nosel')).toBe(false);
  });

  it('shows kubectl the causes of a refused create', async () => {
    const m = aDeployment('badport', {}, { ports: [{ containerPort: 70000 }], resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } });
    const r = await kubectlWith(['create'], m);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Deployment "badport" is invalid');
    expect(r.stderr).toContain('spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive');
    expect(r.stderr).toContain('spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1');
  });

  it('requires containers, their names and images', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'empty' }, spec: { containers: [] } };
    const r = await post('/api/v1/namespaces/team-a/pods', pod);
    expect(r.status).toBe(422);
    expect(r.json.message).toBe('Pod "empty" is invalid: spec.containers: Required value');
    const noImage = await post('/api/v1/namespaces/team-a/pods', { ...pod, spec: { containers: [{ name: 'Main' }] } });
    expect(noImage.json.details.causes.map((c: any) => c.field)).toEqual(['spec.containers[0].name', 'spec.containers[0].image']);
  });

  it('checks Service ports and names', async () => {
    const svc = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec });
    const none = await post('/api/v1/namespaces/team-a/services', svc({ selector: { app: 'x' } }));
    expect(none.json.message).toBe('Service "svc" is invalid: spec.ports: Required value');
    const two = await post('/api/v1/namespaces/team-a/services', svc({ ports: [{ port: 80 }, { port: 0, name: 'b' }] }));
    expect(two.json.details.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[0].name' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[1].port' },
    ]);
  });
});

describe('immutable fields', () => {
  it('refuses a changed Deployment selector', async () => {
    expect((await kubectlWith(['apply'], aDeployment('fixed'))).code).toBe(0);
    const m = aDeployment('fixed');
    m.spec.selector = { matchLabels: { app: 'other' } };
    m.spec.template.metadata.labels = { app: 'other' };
    const r = await kubectlWith(['apply'], m);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
  });

  it("lets a pod's image change but nothing else of its spec", async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fixed-pod', namespace: 'team-a' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } };
    expect((await kubectlWith(['apply'], pod)).code).toBe(0);
    expect((await h.kubectl(['set', 'image', 'pod/fixed-pod', 'main=nginx:1.28', '-n', 'team-a'])).code).toBe(0);
    const r = await h.kubectl(['patch', 'pod', 'fixed-pod', '-n', 'team-a', '-p', '{"spec":{"containers":[{"name":"main","workingDir":"/srv"}]}}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`');
  });

  it("keeps a Service's cluster IP on replace and refuses a different one", async () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fixed-svc', namespace: 'team-a' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } };
    expect((await kubectlWith(['create'], svc)).code).toBe(0);
    const ip = (await (await h.api('/api/v1/namespaces/team-a/services/fixed-svc')).json()).spec.clusterIP;
    expect((await kubectlWith(['replace'], svc)).code).toBe(0);
    expect((await (await h.api('/api/v1/namespaces/team-a/services/fixed-svc')).json()).spec.clusterIP).toBe(ip);
    const r = await kubectlWith(['replace'], { ...svc, spec: { ...svc.spec, clusterIP: '10.96.200.200', clusterIPs: ['10.96.200.200'] } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.clusterIPs[0]: Invalid value: []string{"10.96.200.200"}: may not change once set');
  });
});

describe('custom resources against their CRD schema', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    size: { type: 'integer', minimum: 1, maximum: 10 },
                    color: { type: 'string', enum: ['red', 'blue'] },
                    name: { type: 'string', pattern: '^[a-z]+$' },
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
              },
            },
          },
        },
      ],
    },
  };
  const widget = (spec: Record<string, unknown>, name = 'w') => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'team-a' }, spec });

  beforeAll(async () => {
    expect((await kubectlWith(['create'], crd)).code).toBe(0);
  });

  it('refuses wrong types, bounds, enums, patterns and missing required fields', async () => {
    const path = '/apis/example.com/v1/namespaces/team-a/widgets';
    const typed = await post(path, widget({ size: 'big' }));
    expect(typed.status).toBe(422);
    expect(typed.json.message).toBe('Widget.example.com "w" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"');
    const bounds = await post(path, widget({ size: 11, color: 'pink', name: 'A1' }));
    expect(bounds.json.details.causes.map((c: any) => c.message)).toEqual([
      'Invalid value: 11: spec.size in body should be less than or equal to 10',
      'Unsupported value: "pink": supported values: "red", "blue"',
      "Invalid value: \"A1\": spec.name in body should match '^[a-z]+$'",
    ]);
    const missing = await post(path, widget({ color: 'red' }));
    expect(missing.json.message).toBe('Widget.example.com "w" is invalid: spec.size: Required value');
    const r = await kubectlWith(['create'], widget({ size: 0 }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.size in body should be greater than or equal to 1');
  });

  it('prunes undeclared fields, keeps those under x-kubernetes-preserve-unknown-fields, and refuses them with Strict', async () => {
    const strict = await kubectlWith(['create'], widget({ size: 2, shape: 'round' }, 'strict'));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('strict decoding error: unknown field "spec.shape"');
    const r = await kubectlWith(['create', '--validate=false'], widget({ size: 2, shape: 'round', extra: { anything: { goes: 1 } } }, 'pruned'));
    expect(r.code, r.stderr).toBe(0);
    const stored = await (await h.api('/apis/example.com/v1/namespaces/team-a/widgets/pruned')).json();
    expect(stored.spec).toEqual({ size: 2, extra: { anything: { goes: 1 } } });
    const applied = await kubectlWith(['apply', '--server-side'], widget({ size: 2, shape: 'round' }, 'applied'));
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('failed to create typed patch object (team-a/applied; example.com/v1, Kind=Widget): .spec.shape: field not declared in schema');
  });
});
