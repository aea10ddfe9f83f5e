import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod } from '../../sim/scenarios/builders';
import { header, tableRows } from '../support/kubectl';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

function deployment(name: string, replicas: number, image = 'nginx:1.27'): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'team-a', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] } },
    },
  });
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  const running = pod({ name: 'web-1', namespace: 'team-a', node: 'node-1', ip: '10.244.1.7', state: 'Running', labels: { app: 'web' } });
  const crashing = pod({ name: 'worker-1', namespace: 'team-b', node: 'node-2', ip: '10.244.2.9', state: 'CrashLoopBackOff', restarts: 7 });
  for (const p of [running, crashing]) {
    delete (p.metadata as Record<string, unknown>).uid;
    const res = await h.api(`/api/v1/namespaces/${p.metadata.namespace}/pods`, { method: 'POST', body: JSON.stringify(p) });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await h?.close();
});

describe('kubectl get', () => {
  it('prints pods with the server-side Table columns READY, STATUS and RESTARTS', async () => {
    const r = await h.kubectl(['get', 'pods', '-n', 'team-a']);
    expect(r.stderr).toBe('');
    expect(header(r.stdout)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(tableRows(r.stdout)[1].slice(0, 4)).toEqual(['web-1', '1/1', 'Running', '0']);
  });

  it('shows a CrashLoopBackOff pod with its restarts across all namespaces with -A', async () => {
    const r = await h.kubectl(['get', 'pods', '-A']);
    expect(header(r.stdout)).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const worker = tableRows(r.stdout).find((row) => row[1] === 'worker-1');
    expect(worker?.[0]).toBe('team-b');
    expect(worker?.[3]).toBe('CrashLoopBackOff');
    expect(worker?.[4]).toMatch(/^7 \(\d+m\d*s? ago\)$/);
  });

  it('adds IP and NODE with -o wide', async () => {
    const r = await h.kubectl(['get', 'pods', '-n', 'team-a', '-o', 'wide']);
    expect(header(r.stdout)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(tableRows(r.stdout)[1].slice(5, 7)).toEqual(['10.244.1.7', 'node-1']);
  });

  it('gets a single object by short name and as JSON', async () => {
    const r = await h.kubectl(['get', 'po', 'web-1', '-n', 'team-a', '-o', 'json']);
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.stdout);
    expect(obj.metadata).toMatchObject({ name: 'web-1', namespace: 'team-a' });
    expect(obj.metadata.uid).toMatch(/[0-9a-f-]{36}/);
  });

  it('reports a missing object the way Kubernetes words it', async () => {
    const r = await h.kubectl(['get', 'pod', 'nope', '-n', 'team-a']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (NotFound): pods "nope" not found');
  });

  it('lists namespaces with STATUS', async () => {
    const r = await h.kubectl(['get', 'ns']);
    expect(header(r.stdout)).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(tableRows(r.stdout).map((row) => row[0])).toEqual(expect.arrayContaining(['default', 'kube-system', 'team-a', 'team-b']));
  });

  it('sees an add and a delete with get -w', async () => {
    const w = h.kubectlSpawn(['get', 'configmaps', '-n', 'team-b', '-w', '--output-watch-events']);
    try {
      await until(async () => (await h.kubectl(['create', 'configmap', 'watched', '-n', 'team-b', '--from-literal=a=1'])).code === 0, { message: 'configmap created' });
      await until(() => /ADDED\s+watched/.test(w.stdout()), { message: `ADDED in get -w output: ${w.stdout()} ${w.stderr()}` });
      expect((await h.kubectl(['delete', 'configmap', 'watched', '-n', 'team-b'])).code).toBe(0);
      await until(() => /DELETED\s+watched/.test(w.stdout()), { message: `DELETED in get -w output: ${w.stdout()}` });
    } finally {
      await w.stop();
    }
  });

  it('lists every served kind in api-resources with short names', async () => {
    const r = await h.kubectl(['api-resources']);
    expect(r.code).toBe(0);
    const rows = tableRows(r.stdout);
    // The first row of a name is the core group's (metrics.k8s.io also serves `pods` and `nodes`, as on a real cluster).
    const byName = new Map<string, string[]>();
    for (const row of rows) if (!byName.has(row[0])) byName.set(row[0], row);
    expect(byName.get('pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(byName.get('deployments')).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(byName.get('customresourcedefinitions')?.[1]).toBe('crd,crds');
  });
});

describe('kubectl apply, edit verbs and delete', () => {
  it('applies a deployment with default validation and reads it back as YAML', async () => {
    const file = await h.file('web.json', deployment('web', 2));
    const r = await h.kubectl(['apply', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('deployment.apps/web created');
    const y = await h.kubectl(['get', 'deployment', 'web', '-n', 'team-a', '-o', 'yaml']);
    expect(y.stdout).toContain('kubectl.kubernetes.io/last-applied-configuration');
    expect(y.stdout).toMatch(/replicas: 2/);
    expect(y.stdout).toMatch(/generation: 1/);
  });

  it('applies a change through the client-side apply patch and bumps generation', async () => {
    const file = await h.file('web2.json', deployment('web', 3, 'nginx:1.28'));
    const r = await h.kubectl(['apply', '-f', file]);
    expect(r.stdout.trim()).toBe('deployment.apps/web configured');
    const obj = JSON.parse((await h.kubectl(['get', 'deploy', 'web', '-n', 'team-a', '-o', 'json'])).stdout);
    expect(obj.spec.replicas).toBe(3);
    expect(obj.spec.template.spec.containers).toHaveLength(1);
    expect(obj.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(obj.metadata.generation).toBe(2);
    const again = await h.kubectl(['apply', '-f', file]);
    expect(again.stdout.trim()).toBe('deployment.apps/web unchanged');
  });

  it('applies server-side with a field manager', async () => {
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa', namespace: 'team-a' }, data: { a: '1' } });
    const file = await h.file('ssa.json', cm);
    const r = await h.kubectl(['apply', '--server-side', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('configmap/ssa serverside-applied');
    const file2 = await h.file('ssa2.json', cm.replace('"a":"1"', '"a":"2","b":"3"'));
    expect((await h.kubectl(['apply', '--server-side', '-f', file2])).code).toBe(0);
    const obj = JSON.parse((await h.kubectl(['get', 'cm', 'ssa', '-n', 'team-a', '-o', 'json'])).stdout);
    expect(obj.data).toEqual({ a: '2', b: '3' });
  });

  it('labels and annotates', async () => {
    expect((await h.kubectl(['label', 'deploy', 'web', '-n', 'team-a', 'tier=frontend'])).stdout.trim()).toBe('deployment.apps/web labeled');
    expect((await h.kubectl(['annotate', 'deploy', 'web', '-n', 'team-a', 'owner=team-a'])).stdout.trim()).toBe('deployment.apps/web annotated');
    const r = await h.kubectl(['get', 'deploy', '-n', 'team-a', '-l', 'tier=frontend', '-o', 'jsonpath={.items[*].metadata.annotations.owner}']);
    expect(r.stdout).toBe('team-a');
  });

  it('patches with strategic, merge and json patch types', async () => {
    const smp = await h.kubectl(['patch', 'deploy', 'web', '-n', 'team-a', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.29"}]}}}}']);
    expect(smp.stdout.trim()).toBe('deployment.apps/web patched');
    const merge = await h.kubectl(['patch', 'deploy', 'web', '-n', 'team-a', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']);
    expect(merge.code).toBe(0);
    const json = await h.kubectl(['patch', 'deploy', 'web', '-n', 'team-a', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":5}]']);
    expect(json.code).toBe(0);
    const obj = JSON.parse((await h.kubectl(['get', 'deploy', 'web', '-n', 'team-a', '-o', 'json'])).stdout);
    expect(obj.spec.template.spec.containers.map((c: { name: string; image: string }) => [c.name, c.image])).toEqual([['web', 'nginx:1.29']]);
    expect(obj.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(obj.metadata.labels.patched).toBe('merge');
    expect(obj.spec.replicas).toBe(5);
  });

  it('scales through the scale subresource', async () => {
    const r = await h.kubectl(['scale', 'deploy', 'web', '-n', 'team-a', '--replicas=1']);
    expect(r.stdout.trim()).toBe('deployment.apps/web scaled');
    const obj = JSON.parse((await h.kubectl(['get', 'deploy', 'web', '-n', 'team-a', '-o', 'json'])).stdout);
    expect(obj.spec.replicas).toBe(1);
  });

  it('deletes and returns once the object is gone', async () => {
    const r = await h.kubectl(['delete', 'deploy', 'web', '-n', 'team-a'], { timeoutMs: 20_000 });
    expect(r.stdout.trim()).toBe('deployment.apps "web" deleted from team-a namespace');
    expect((await h.kubectl(['get', 'deploy', 'web', '-n', 'team-a'])).code).toBe(1);
  });

  it('creates a namespace from a file and deletes it', async () => {
    const file = await h.file('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-file\n');
    expect((await h.kubectl(['create', '-f', file])).stdout.trim()).toBe('namespace/from-file created');
    expect((await h.kubectl(['get', 'ns', 'from-file', '-o', 'jsonpath={.status.phase}'])).stdout).toBe('Active');
    const del = await h.kubectl(['delete', 'ns', 'from-file'], { timeoutMs: 20_000 });
    expect(del.stdout.trim()).toBe('namespace "from-file" deleted');
    expect((await h.kubectl(['get', 'ns', 'from-file'])).code).toBe(1);
  });
});

describe('custom resources', () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, shortNames: [wd] }
  versions:
    - name: v1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
      additionalPrinterColumns:
        - { name: Size, type: integer, jsonPath: .spec.size }
        - { name: Color, type: string, jsonPath: .spec.color }
`;

  it('serves a new CRD, its objects by short name and its printer columns', async () => {
    const f = await h.file('crd.yaml', crd);
    expect((await h.kubectl(['apply', '-f', f])).stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/widgets.example.com created');
    const cr = await h.file('cr.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: blue-one\n  namespace: team-a\nspec:\n  size: 3\n  color: blue\n');
    const applied = await h.kubectl(['apply', '-f', cr]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim()).toBe('widget.example.com/blue-one created');
    const r = await h.kubectl(['get', 'wd', '-n', 'team-a']);
    expect(header(r.stdout)).toEqual(['NAME', 'SIZE', 'COLOR']);
    expect(tableRows(r.stdout)[1]).toEqual(['blue-one', '3', 'blue']);
    const changed = await h.file('cr2.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: blue-one\n  namespace: team-a\nspec:\n  size: 4\n  color: blue\n');
    expect((await h.kubectl(['apply', '-f', changed])).stdout.trim()).toBe('widget.example.com/blue-one configured');
    expect((await h.kubectl(['get', 'widget', 'blue-one', '-n', 'team-a', '-o', 'jsonpath={.spec.size}'])).stdout).toBe('4');
  });

  it('stops serving the kind and its objects when the CRD is deleted', async () => {
    expect((await h.kubectl(['delete', 'crd', 'widgets.example.com'])).code).toBe(0);
    const r = await h.kubectl(['get', 'widgets', '-n', 'team-a']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the server doesn't have a resource type "widgets"`);
  });
});
