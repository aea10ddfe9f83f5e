import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import { kubectlCreate, kubectlJson, tableRows } from '../support/kubectl';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  for (const [i, name] of ['node-a', 'node-b', 'node-c'].entries()) h.sim.store.create('/nodes', node(name, i));
});

afterAll(async () => {
  await h?.close();
});

const create = (name: string, obj: object) => kubectlCreate(h, name, obj);
const get = (args: string[]) => kubectlJson(h, args);

function deployment(name: string, image: string, replicas: number, resources: object = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'team-a' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image, resources }] } } },
  };
}

describe('HorizontalPodAutoscaler', () => {
  it('scales its target up to maxReplicas when usage is over target, and says it is limited', async () => {
    await create('busy', deployment('busy', 'nginx:1.27', 1, { requests: { cpu: '1m' } }));
    await create('hpa', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'busy', namespace: 'team-a' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'busy' }, minReplicas: 1, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    });
    await until(async () => (await get(['get', 'deploy', 'busy', '-n', 'team-a'])).spec.replicas === 3, { message: 'busy scaled to 3', timeoutMs: 30_000 });
    const hpa = await until(async () => {
      const o = await get(['get', 'hpa', 'busy', '-n', 'team-a']);
      return o.status?.desiredReplicas === 3 && o.status.currentMetrics && o;
    }, { message: 'hpa status', timeoutMs: 30_000 });
    expect(hpa.status.currentMetrics[0].resource.current.averageUtilization).toBeGreaterThan(100);
    expect(hpa.status.lastScaleTime).toBeDefined();
    const conditions = Object.fromEntries(hpa.status.conditions.map((c: any) => [c.type, [c.status, c.reason]]));
    expect(conditions.ScalingActive).toEqual(['True', 'ValidMetricFound']);
    expect(conditions.ScalingLimited).toEqual(['True', 'TooManyReplicas']);
    const events = await get(['get', 'events', '-n', 'team-a', '--field-selector', 'involvedObject.name=busy,reason=SuccessfulRescale']);
    expect(events.items[0].message).toMatch(/^New size: \d; reason: cpu resource utilization \(percentage of request\) above target$/);
  });

  it('raises a target below minReplicas to the minimum', async () => {
    await create('idle', deployment('idle', 'nginx:1.27', 1));
    await create('hpa-min', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'idle', namespace: 'team-a' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'idle' }, minReplicas: 2, maxReplicas: 5 } });
    await until(async () => (await get(['get', 'deploy', 'idle', '-n', 'team-a'])).spec.replicas === 2, { message: 'idle raised to 2', timeoutMs: 30_000 });
  });
});

/** The REVISION column of `kubectl rollout history`. */
function revisions(stdout: string): string[] {
  return tableRows(stdout)
    .map((r) => r[0])
    .filter((c) => /^\d+$/.test(c));
}

describe('kubectl rollout history and undo', () => {
  it('rolls back to the ReplicaSet of the earlier template, which becomes the newest revision', async () => {
    await create('roll', deployment('roll', 'nginx:1.25', 2));
    const rs = async () => (await get(['get', 'rs', '-n', 'team-a', '-l', 'app=roll'])).items;
    await until(async () => (await rs()).length === 1, { message: 'first replica set' });
    for (const [i, image] of ['nginx:1.26', 'nginx:1.27'].entries()) {
      expect((await h.kubectl(['set', 'image', 'deploy/roll', `main=${image}`, '-n', 'team-a'])).code).toBe(0);
      await until(async () => (await rs()).length === i + 2, { message: `${i + 2} replica sets` });
    }
    await until(async () => (await h.kubectl(['rollout', 'status', 'deploy/roll', '-n', 'team-a', '--timeout=30s'])).code === 0, { message: 'rollout done' });
    const history = await h.kubectl(['rollout', 'history', 'deploy/roll', '-n', 'team-a']);
    expect(history.code, history.stderr).toBe(0);
    expect(revisions(history.stdout)).toEqual(['1', '2', '3']);
    const image2 = (await rs()).find((r: any) => r.spec.template.spec.containers[0].image === 'nginx:1.26');
    expect(image2.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');

    const undo = await h.kubectl(['rollout', 'undo', 'deploy/roll', '-n', 'team-a']);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout.trim()).toBe('deployment.apps/roll rolled back');
    const reused = await until(async () => {
      const all = await rs();
      const again = all.find((r: any) => r.metadata.uid === image2.metadata.uid);
      return all.length === 3 && again?.metadata.annotations['deployment.kubernetes.io/revision'] === '4' && again;
    }, { message: 'the nginx:1.26 replica set reused as revision 4' });
    expect(reused.metadata.annotations['deployment.kubernetes.io/revision-history']).toBe('2');
    await until(async () => (await get(['get', 'deploy', 'roll', '-n', 'team-a'])).metadata.annotations['deployment.kubernetes.io/revision'] === '4', { message: 'deployment at revision 4' });
    const after = await h.kubectl(['rollout', 'history', 'deploy/roll', '-n', 'team-a']);
    expect(revisions(after.stdout)).toEqual(['1', '3', '4']);
    const revision = await h.kubectl(['rollout', 'history', 'deploy/roll', '-n', 'team-a', '--revision=4']);
    expect(revision.stdout).toContain('nginx:1.26');
  });
});

describe('containers whose command ends', () => {
  async function finished(name: string): Promise<any> {
    return until(async () => {
      const p = await get(['get', 'pod', name, '-n', 'team-a']);
      return (p.status.phase === 'Succeeded' || p.status.phase === 'Failed') && p;
    }, { message: `${name} finished`, timeoutMs: 30_000 });
  }

  it('a pod running wget completes with exit code 0, as a helm test pod does', async () => {
    await create('wget', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-test', namespace: 'team-a' }, spec: { restartPolicy: 'Never', containers: [{ name: 'wget', image: 'busybox:1.36', command: ['wget'], args: ['web:80'] }] } });
    const pod = await finished('web-test');
    expect(pod.status.phase).toBe('Succeeded');
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it("a pod running sh -c 'exit 3' fails with that exit code, and `true` succeeds", async () => {
    await create('exit3', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'exit3', namespace: 'team-a' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'echo checking; exit 3'] }] } });
    await create('true', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'truth', namespace: 'team-a' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['true'] }] } });
    const failed = await finished('exit3');
    expect(failed.status.phase).toBe('Failed');
    expect(failed.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect((await finished('truth')).status.phase).toBe('Succeeded');
  });

  it('a pod that sleeps keeps running', async () => {
    await create('sleeper', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'sleeper', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'wget -q web; sleep 3600'] }] } });
    await until(async () => (await get(['get', 'pod', 'sleeper', '-n', 'team-a'])).status.containerStatuses?.[0]?.state?.running, { message: 'sleeper running' });
  });

  it('a Job finishes by its command: Failed when the command fails, Complete when it succeeds', async () => {
    const job = (name: string, command: string[]) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'team-a' }, spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command }] } } } });
    await create('job-ok', job('fetch', ['curl', '-fsS', 'http://web']));
    await create('job-bad', job('broken', ['sh', '-c', 'exit 2']));
    const condition = async (name: string) => (await get(['get', 'job', name, '-n', 'team-a'])).status.conditions?.find((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
    await until(async () => (await condition('fetch')) === 'Complete', { message: 'job fetch complete', timeoutMs: 30_000 });
    await until(async () => (await condition('broken')) === 'Failed', { message: 'job broken failed', timeoutMs: 30_000 });
  });
});

describe('ControllerRevisions', () => {
  it('a StatefulSet keeps one per template, owned by it and numbered in order', async () => {
    const sts = (image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'team-a' },
      spec: { serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } } },
    });
    await create('sts', sts('postgres:16'));
    const revisions = async () => (await get(['get', 'controllerrevisions', '-n', 'team-a', '-l', 'app=db'])).items.sort((a: any, b: any) => a.revision - b.revision);
    const first = await until(async () => (await revisions())[0], { message: 'first revision' });
    const owner = await get(['get', 'sts', 'db', '-n', 'team-a']);
    expect(first.metadata.ownerReferences[0]).toMatchObject({ kind: 'StatefulSet', name: 'db', uid: owner.metadata.uid, controller: true });
    expect(first.revision).toBe(1);
    expect(first.data.spec.template.spec.containers[0].image).toBe('postgres:16');
    expect((await h.kubectl(['set', 'image', 'sts/db', 'db=postgres:17', '-n', 'team-a'])).code).toBe(0);
    const both = await until(async () => {
      const list = await revisions();
      return list.length === 2 && list;
    }, { message: 'second revision' });
    expect(both.map((r: any) => [r.revision, r.data.spec.template.spec.containers[0].image])).toEqual([
      [1, 'postgres:16'],
      [2, 'postgres:17'],
    ]);
    const status = await until(async () => {
      const s = await get(['get', 'sts', 'db', '-n', 'team-a']);
      return s.status.updateRevision === both[1].metadata.name && s.status;
    });
    expect(status.updateRevision).toBe(both[1].metadata.name);
  });
});

describe('ResourceQuota', () => {
  it('counts what the namespace uses against what the quota names', async () => {
    expect((await h.kubectl(['create', 'namespace', 'quoted'])).code).toBe(0);
    await create('quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'quoted' }, spec: { hard: { pods: '10', configmaps: '5', 'requests.cpu': '2', 'count/deployments.apps': '3' } } });
    await create('pod-q', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'quoted' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '250m' } } }] } });
    const quota = await until(async () => {
      const q = await get(['get', 'resourcequota', 'q', '-n', 'quoted']);
      return q.status?.used?.pods === '1' && q.status.used.configmaps === '1' && q;
    }, { message: 'quota usage counted' });
    expect(quota.status.hard).toEqual({ pods: '10', configmaps: '5', 'requests.cpu': '2', 'count/deployments.apps': '3' });
    expect(quota.status.used).toEqual({ pods: '1', configmaps: '1', 'requests.cpu': '250m', 'count/deployments.apps': '0' });
  });
});
