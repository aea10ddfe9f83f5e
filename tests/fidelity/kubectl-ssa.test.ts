import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';

const HELM = new URL('../../.tools/bin/helm', import.meta.url).pathname;

function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(HELM, args, { env: { ...process.env, HOME: h.dir, KUBECONFIG: h.kubeconfigPath } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let h: SimHarness;

function aDeployment(name: string, opts: { replicas?: number; image?: string; labels?: Record<string, string>; sidecar?: boolean } = {}): Record<string, any> {
  const containers: Record<string, unknown>[] = [{ name: 'main', image: opts.image ?? 'nginx:1.27' }];
  if (opts.sidecar) containers.push({ name: 'sidecar', image: 'envoy:1.30' });
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers } },
  };
  if (opts.replicas !== undefined) spec.replicas = opts.replicas;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'team-a', ...(opts.labels ? { labels: opts.labels } : {}) }, spec };
}

async function apply(manifest: unknown, ...flags: string[]) {
  const file = await h.file(`ssa-${Math.random().toString(36).slice(2)}.json`, JSON.stringify(manifest));
  return h.kubectl(['apply', '--server-side', ...flags, '-f', file]);
}

async function live(name: string): Promise<any> {
  return (await h.api(`/apis/apps/v1/namespaces/team-a/deployments/${name}`)).json();
}

function owners(obj: any): Record<string, any> {
  return Object.fromEntries(obj.metadata.managedFields.map((e: any) => [`${e.manager}/${e.operation}`, e]));
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
});

afterAll(async () => {
  await h?.close();
});

describe('server-side apply', () => {
  it('creates the object and records the applier as owner of exactly the fields it applied', async () => {
    const r = await apply(aDeployment('web', { replicas: 2 }));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('deployment.apps/web serverside-applied');
    const o = owners(await live('web'));
    expect(Object.keys(o)).toEqual(['kubectl/Apply']);
    expect(o['kubectl/Apply'].fieldsType).toBe('FieldsV1');
    expect(o['kubectl/Apply'].fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(o['kubectl/Apply'].fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"main"}']).toEqual({ '.': {}, 'f:image': {}, 'f:name': {} });
    expect(o['kubectl/Apply'].fieldsV1['f:spec']['f:revisionHistoryLimit']).toBeUndefined();
  });

  it('refuses a second manager changing an owned field with a 409 naming the manager and the field', async () => {
    const r = await apply(aDeployment('web', { replicas: 5 }), '--field-manager=autoscaler');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect((await live('web')).spec.replicas).toBe(2);

    const raw = await h.api('/apis/apps/v1/namespaces/team-a/deployments/web?fieldManager=autoscaler', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: JSON.stringify(aDeployment('web', { replicas: 5, image: 'nginx:1.28' })),
    });
    expect(raw.status).toBe(409);
    const status = await raw.json();
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.spec.containers[name="main"].image');
    expect(status.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' },
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.template.spec.containers[name="main"].image' },
    ]);
  });

  it('shares a field applied with the same value, without conflict', async () => {
    const r = await apply(aDeployment('web', { replicas: 2 }), '--field-manager=mirror');
    expect(r.code, r.stderr).toBe(0);
    const o = owners(await live('web'));
    expect(o['mirror/Apply'].fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(o['kubectl/Apply'].fieldsV1['f:spec']['f:replicas']).toEqual({});
  });

  it('takes a field over with --force-conflicts', async () => {
    const r = await apply(aDeployment('web', { replicas: 4 }), '--field-manager=autoscaler', '--force-conflicts');
    expect(r.code, r.stderr).toBe(0);
    const obj = await live('web');
    expect(obj.spec.replicas).toBe(4);
    const o = owners(obj);
    expect(o['autoscaler/Apply'].fieldsV1['f:spec']['f:replicas']).toEqual({});
    expect(o['kubectl/Apply'].fieldsV1['f:spec']['f:replicas']).toBeUndefined();
    expect(o['mirror/Apply'].fieldsV1['f:spec']['f:replicas']).toBeUndefined();
  });

  it('removes fields a manager stops applying when it was their only owner, and keeps shared ones', async () => {
    expect((await apply(aDeployment('trim', { replicas: 1, labels: { team: 'a', tier: 'web' }, sidecar: true }))).code).toBe(0);
    expect((await apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'trim', namespace: 'team-a', labels: { tier: 'web' } } }, '--field-manager=other')).code).toBe(0);
    const r = await apply(aDeployment('trim', { replicas: 1 }));
    expect(r.code, r.stderr).toBe(0);
    const obj = await live('trim');
    expect(obj.metadata.labels).toEqual({ tier: 'web' });
    expect(obj.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['main']);
  });

  it('records other writes as Update entries, and an apply conflicting with them names the updater', async () => {
    expect((await apply(aDeployment('mixed', { replicas: 1 }))).code).toBe(0);
    expect((await h.kubectl(['label', 'deployment', 'mixed', 'owner=bob', '-n', 'team-a'])).code).toBe(0);
    expect((await h.kubectl(['scale', 'deployment', 'mixed', '--replicas=3', '-n', 'team-a'])).code).toBe(0);
    const o = owners(await live('mixed'));
    expect(o['kubectl-label/Update'].fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:owner': {} } } });
    expect(o['kubectl-label/Update'].apiVersion).toBe('apps/v1');
    expect(o['kubectl-label/Update'].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(o['kubectl/Apply'].fieldsV1['f:spec']['f:replicas']).toBeUndefined();

    const r = await apply(aDeployment('mixed', { replicas: 1, labels: { owner: 'alice' } }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Apply failed with 2 conflicts: conflicts with "kubectl" using apps\/v1 at \S+:\n- \.spec\.replicas\nconflicts with "kubectl-label" using apps\/v1 at \S+:\n- \.metadata\.labels\.owner\n/);
    expect(o['kubectl/Update'].subresource).toBe('scale');
  });

  it('takes over from client-side apply without conflicts (kubectl migrates the ownership first)', async () => {
    const file = await h.file('csa.json', JSON.stringify(aDeployment('moved', { replicas: 1 })));
    expect((await h.kubectl(['apply', '-f', file])).code).toBe(0);
    expect(Object.keys(owners(await live('moved')))).toEqual(['kubectl-client-side-apply/Update']);
    const r = await apply(aDeployment('moved', { replicas: 2 }));
    expect(r.code, r.stderr).toBe(0);
    const obj = await live('moved');
    expect(obj.spec.replicas).toBe(2);
    expect(owners(obj)['kubectl/Apply'].fieldsV1['f:spec']['f:replicas']).toEqual({});
  });

  it('is what helm-style appliers rely on: re-applying the same configuration changes nothing', async () => {
    const before = await live('web');
    const r = await apply(aDeployment('web', { replicas: 4 }), '--field-manager=autoscaler');
    expect(r.code, r.stderr).toBe(0);
    expect((await live('web')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });
});

describe('helm 4 (which applies every object server-side)', () => {
  it('installs with helm as the owner, and an upgrade that stops rendering a field removes it', async () => {
    const chart = join(h.dir, 'chart');
    await mkdir(join(chart, 'templates'), { recursive: true });
    await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    await writeFile(join(chart, 'values.yaml'), 'tier: web\n');
    await writeFile(
      join(chart, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  labels:\n    app: demo\n    {{- if .Values.tier }}\n    tier: {{ .Values.tier }}\n    {{- end }}\ndata:\n  a: "1"\n',
    );
    const install = await helm(['install', 'rel', chart, '-n', 'team-a']);
    expect(install.code, install.stderr).toBe(0);
    const cm = await (await h.api('/api/v1/namespaces/team-a/configmaps/demo')).json();
    expect(cm.metadata.labels.tier).toBe('web');
    expect(owners(cm)['helm/Apply'].fieldsV1['f:metadata']['f:labels']['f:tier']).toEqual({});

    const upgrade = await helm(['upgrade', 'rel', chart, '-n', 'team-a', '--set', 'tier=']);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    const after = await (await h.api('/api/v1/namespaces/team-a/configmaps/demo')).json();
    expect(after.metadata.labels.tier).toBeUndefined();
    expect(after.metadata.labels.app).toBe('demo');
  });
});
