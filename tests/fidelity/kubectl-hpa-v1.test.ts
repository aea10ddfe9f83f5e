/**
 * autoscaling/v1 HorizontalPodAutoscalers: one stored object served at v1 and v2,
 * converted as the API server converts them, proven with real kubectl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import { kubectlCreate, kubectlJson, tableRows } from '../support/kubectl';
import { readWatch, startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  for (const [i, name] of ['node-a', 'node-b'].entries()) h.sim.store.create('/nodes', node(name, i));
});

afterAll(async () => {
  await h?.close();
});

const create = (name: string, obj: object) => kubectlCreate(h, name, obj);
const get = (args: string[]) => kubectlJson(h, args);

async function raw(path: string): Promise<any> {
  const r = await h.kubectl(['get', '--raw', path]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function deployment(name: string, resources: object = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'team-a' },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', resources }] } } },
  };
}

const target = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });
const HPAS = '/apis/autoscaling/v1/namespaces/team-a/horizontalpodautoscalers';

describe('autoscaling/v1 HorizontalPodAutoscalers', () => {
  it('are listed by discovery, legacy and aggregated, with their status subresource', async () => {
    const legacy = await raw('/apis/autoscaling/v1');
    expect(legacy.resources.map((x: any) => x.name).sort()).toEqual(['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
    const group = await raw('/apis/autoscaling');
    expect(group.versions.map((v: any) => v.version)).toEqual(['v2', 'v1']);
    expect(group.preferredVersion.version).toBe('v2');
    const res = await h.api('/apis', { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
    const autoscaling = (await res.json()).items.find((g: any) => g.metadata.name === 'autoscaling');
    const v1 = autoscaling.versions.find((v: any) => v.version === 'v1');
    expect(v1.resources[0]).toMatchObject({ resource: 'horizontalpodautoscalers', responseKind: { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' } });
    expect(v1.resources[0].subresources.map((s: any) => s.subresource)).toContain('status');
  });

  it('serves the v1 schema in OpenAPI, so kubectl explain knows targetCPUUtilizationPercentage', async () => {
    const r = await h.kubectl(['explain', 'hpa.spec.targetCPUUtilizationPercentage', '--api-version=autoscaling/v1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('VERSION:    v1');
    const doc = await raw('/openapi/v3/apis/autoscaling/v1');
    expect(doc.components.schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec'].properties.targetCPUUtilizationPercentage).toBeDefined();
  });

  it('a v1 HPA created by kubectl is stored once and reads at v2 with its CPU metric, and is scaled by the controller', async () => {
    await create('busy', deployment('busy', { requests: { cpu: '1m' } }));
    await create('hpa-busy', {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'busy', namespace: 'team-a' },
      spec: { scaleTargetRef: target('busy'), minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
    });
    const v2 = await get(['get', 'horizontalpodautoscalers.v2.autoscaling', 'busy', '-n', 'team-a']);
    expect(v2.apiVersion).toBe('autoscaling/v2');
    expect(v2.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    expect(v2.spec.targetCPUUtilizationPercentage).toBeUndefined();

    await until(async () => (await get(['get', 'deploy', 'busy', '-n', 'team-a'])).spec.replicas === 3, { message: 'busy scaled to 3', timeoutMs: 30_000 });
    const v1 = await until(async () => {
      const o = await get(['get', 'horizontalpodautoscalers.v1.autoscaling', 'busy', '-n', 'team-a']);
      return o.status?.desiredReplicas === 3 && o.status.currentCPUUtilizationPercentage !== undefined && o;
    }, { message: 'v1 status', timeoutMs: 30_000 });
    expect(v1.apiVersion).toBe('autoscaling/v1');
    expect(v1.spec).toEqual({ scaleTargetRef: target('busy'), minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 });
    expect(v1.status.currentCPUUtilizationPercentage).toBeGreaterThan(100);
    // What v1 cannot say rides in annotations: every current metric and the conditions.
    const current = JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/current-metrics']);
    expect(current[0]).toMatchObject({ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: v1.status.currentCPUUtilizationPercentage } });
    const conditions = JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/conditions']);
    expect(conditions.map((c: any) => c.type)).toContain('ScalingActive');

    const table = await h.kubectl(['get', 'horizontalpodautoscalers.v1.autoscaling', 'busy', '-n', 'team-a']);
    expect(table.code, table.stderr).toBe(0);
    // The controller keeps measuring, so the figure may have moved since the read above: its shape, and still over target.
    const [name, reference, targets] = tableRows(table.stdout)[1];
    expect([name, reference]).toEqual(['busy', 'Deployment/busy']);
    expect(targets).toMatch(/^cpu: \d+%\/50%$/);
    expect(Number(/\d+/.exec(targets)![0])).toBeGreaterThan(100);
  });

  it('a v2 HPA reads at v1 with its other metrics and behavior in annotations, and a v1 write keeps them', async () => {
    await create('mixed', deployment('mixed'));
    await create('hpa-mixed', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'mixed', namespace: 'team-a', annotations: { team: 'a' } },
      spec: {
        scaleTargetRef: target('mixed'),
        maxReplicas: 4,
        metrics: [
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] } },
      },
    });
    const v1 = await raw(`${HPAS}/mixed`);
    expect(v1.apiVersion).toBe('autoscaling/v1');
    expect(v1.spec).toEqual({ scaleTargetRef: target('mixed'), minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 });
    expect(v1.metadata.annotations.team).toBe('a');
    expect(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics'])).toEqual([{ type: 'Resource', resource: { name: 'memory', targetAverageValue: '100Mi' } }]);
    expect(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/behavior'])).toEqual({
      ScaleUp: null,
      ScaleDown: { StabilizationWindowSeconds: 60, SelectPolicy: null, Policies: [{ Type: 'Pods', Value: 1, PeriodSeconds: 30 }] },
    });

    // A v1 patch of the CPU target keeps the metrics v1 cannot express.
    const patched = await h.kubectl(['patch', 'horizontalpodautoscalers.v1.autoscaling', 'mixed', '-n', 'team-a', '--type=merge', '-p', '{"spec":{"targetCPUUtilizationPercentage":75}}']);
    expect(patched.code, patched.stderr).toBe(0);
    const v2 = await get(['get', 'horizontalpodautoscalers.v2.autoscaling', 'mixed', '-n', 'team-a']);
    expect(v2.metadata.annotations).toEqual({ team: 'a' });
    expect(v2.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
    ]);
    expect(v2.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 30 }] });
  });

  it('defaults a v1 HPA without a target to 80% CPU, and kubectl autoscale’s HPA reads at v1', async () => {
    await create('plain', deployment('plain'));
    await create('hpa-plain', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'plain', namespace: 'team-a' }, spec: { scaleTargetRef: target('plain'), maxReplicas: 2 } });
    expect((await raw(`${HPAS}/plain`)).spec.targetCPUUtilizationPercentage).toBe(80);
    expect((await get(['get', 'horizontalpodautoscalers.v2.autoscaling', 'plain', '-n', 'team-a'])).spec.metrics[0].resource.target).toEqual({ type: 'Utilization', averageUtilization: 80 });

    await create('auto', deployment('auto'));
    const r = await h.kubectl(['autoscale', 'deployment', 'auto', '--min=2', '--max=5', '--cpu=70%', '-n', 'team-a']);
    expect(r.code, r.stderr).toBe(0);
    const v1 = await get(['get', 'horizontalpodautoscalers.v1.autoscaling', 'auto', '-n', 'team-a']);
    expect(v1.spec).toEqual({ scaleTargetRef: target('auto'), minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 });
  });

  it('a watch at v1 sees v1 objects', async () => {
    const res = await h.api(`${HPAS}?watch=1`);
    expect(res.status).toBe(200);
    const watching = readWatch(res, (events) => events.some((e) => e.object?.metadata?.name === 'watched'));
    await create('hpa-watched', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'watched', namespace: 'team-a' }, spec: { scaleTargetRef: target('plain'), maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 40 } } }] } });
    const events = await watching;
    expect(events.every((e) => e.object.apiVersion === 'autoscaling/v1')).toBe(true);
    const watched = events.find((e) => e.object.metadata.name === 'watched')!;
    expect(watched.object.spec.targetCPUUtilizationPercentage).toBe(40);
    expect(watched.object.spec.metrics).toBeUndefined();
  });
});
