import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import { tableRows } from '../support/kubectl';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;
const NODES = ['node-a', 'node-b', 'node-c'];

function template(app: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { metadata: { labels: { app } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27', ...container }], ...extra } };
}

function deployment(name: string, replicas: number, container: Record<string, unknown> = {}): string {
  return JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'team-a' }, spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name, container) } });
}

async function create(name: string, manifest: string): Promise<void> {
  const r = await h.kubectl(['create', '-f', await h.file(`${name}.json`, manifest)]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

async function json(args: string[]): Promise<any> {
  const r = await h.kubectl([...args, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function runningPods(selector: string): Promise<any[]> {
  const list = await json(['get', 'pods', '-n', 'team-a', '-l', selector]);
  return list.items.filter((p: any) => p.status.phase === 'Running' && p.status.containerStatuses?.every((c: any) => c.ready));
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20, cronTickMs: 400 });
  for (const [i, name] of NODES.entries()) h.sim.store.create('/nodes', node(name, i));
});

afterAll(async () => {
  await h?.close();
});

describe('deployments', () => {
  it('runs every pod of a created deployment (kubectl wait --for=condition=Ready)', async () => {
    await create('web', deployment('web', 3));
    await until(async () => (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=web'])).items.length === 3, { message: '3 web pods' });
    const wait = await h.kubectl(['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '-n', 'team-a', '--timeout=30s']);
    expect(wait.stderr).toBe('');
    expect(wait.stdout.trim().split('\n')).toHaveLength(3);
    const rows = tableRows((await h.kubectl(['get', 'pods', '-n', 'team-a', '-l', 'app=web', '-o', 'wide'])).stdout).slice(1);
    for (const row of rows) {
      expect(row[0]).toMatch(/^web-[a-z0-9]{10}-[a-z0-9]{5}$/);
      expect(row.slice(1, 3)).toEqual(['1/1', 'Running']);
      expect(NODES).toContain(row[6]);
    }
    const dep = await json(['get', 'deploy', 'web', '-n', 'team-a']);
    await until(async () => (await json(['get', 'deploy', 'web', '-n', 'team-a'])).status.availableReplicas === 3, { message: 'deployment available' });
    const rs = (await json(['get', 'rs', '-n', 'team-a', '-l', 'app=web'])).items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: dep.metadata.uid, controller: true });
    expect(rs[0].metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(rs[0].metadata.name).toBe(`web-${rs[0].metadata.labels['pod-template-hash']}`);
  });

  it('fills deployment status and conditions like the deployment controller', async () => {
    const dep = await until(async () => {
      const d = await json(['get', 'deploy', 'web', '-n', 'team-a']);
      return d.status.conditions?.some((c: any) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable') && d;
    });
    expect(dep.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(dep.status.conditions.map((c: any) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
  });

  it('scales up and down with kubectl scale', async () => {
    expect((await h.kubectl(['scale', 'deploy', 'web', '-n', 'team-a', '--replicas=5'])).stdout.trim()).toBe('deployment.apps/web scaled');
    await until(async () => (await runningPods('app=web')).length === 5, { message: '5 running web pods' });
    await h.kubectl(['scale', 'deploy', 'web', '-n', 'team-a', '--replicas=2']);
    await until(async () => (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=web'])).items.length === 2, { message: '2 web pods' });
    const events = await json(['get', 'events', '-n', 'team-a', '--field-selector', 'reason=ScalingReplicaSet']);
    expect(events.items.map((e: any) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^Scaled up replica set web-\w+ from 3 to 5$/), expect.stringMatching(/^Scaled down replica set web-\w+ from 5 to 2$/)]));
  });

  it('rolls out a restart that kubectl rollout status sees complete', async () => {
    const before = (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=web'])).items.map((p: any) => p.metadata.name);
    expect((await h.kubectl(['rollout', 'restart', 'deploy/web', '-n', 'team-a'])).stdout.trim()).toBe('deployment.apps/web restarted');
    const status = await h.kubectl(['rollout', 'status', 'deploy/web', '-n', 'team-a', '--timeout=40s'], { timeoutMs: 50_000 });
    expect(status.stderr).toBe('');
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    const after = await until(async () => {
      const pods = await runningPods('app=web');
      return pods.length === 2 && pods.every((p: any) => !before.includes(p.metadata.name)) ? pods : undefined;
    }, { message: 'only new pods left' });
    expect(after).toHaveLength(2);
    const rs = (await json(['get', 'rs', '-n', 'team-a', '-l', 'app=web'])).items;
    expect(rs.map((r: any) => [r.metadata.annotations['deployment.kubernetes.io/revision'], r.spec.replicas]).sort()).toEqual([
      ['1', 0],
      ['2', 2],
    ]);
  });

  it('replaces a pod deleted from a ReplicaSet', async () => {
    const [victim] = await runningPods('app=web');
    const r = await h.kubectl(['delete', 'pod', victim.metadata.name, '-n', 'team-a']);
    expect(r.code).toBe(0);
    const pods = await until(async () => {
      const ps = await runningPods('app=web');
      return ps.length === 2 && !ps.some((p: any) => p.metadata.name === victim.metadata.name) ? ps : undefined;
    }, { message: 'a replacement pod' });
    expect(pods.map((p: any) => p.metadata.ownerReferences[0].name)).toEqual([victim.metadata.ownerReferences[0].name, victim.metadata.ownerReferences[0].name]);
  });

  it('lists ready pod IPs in the service EndpointSlice', async () => {
    await create('web-svc', JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }));
    const slice = await until(async () => {
      const list = await json(['get', 'endpointslices', '-n', 'team-a', '-l', 'kubernetes.io/service-name=web']);
      return list.items[0]?.endpoints?.length === 2 && list.items[0];
    }, { message: 'an EndpointSlice with two endpoints' });
    const ips = (await runningPods('app=web')).map((p: any) => p.status.podIP).sort();
    expect(slice.endpoints.flatMap((e: any) => e.addresses).sort()).toEqual(ips);
    expect(slice.endpoints.every((e: any) => e.conditions.ready === true)).toBe(true);
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const table = await h.kubectl(['get', 'endpointslices', '-n', 'team-a']);
    expect(table.code).toBe(0);
  });

  it('garbage-collects the ReplicaSets and pods of a deleted deployment', async () => {
    await create('gone', deployment('gone', 2));
    await until(async () => (await runningPods('app=gone')).length === 2, { message: 'gone pods running' });
    expect((await h.kubectl(['delete', 'deploy', 'gone', '-n', 'team-a'])).code).toBe(0);
    await until(async () => (await json(['get', 'pods,rs', '-n', 'team-a', '-l', 'app=gone'])).items.length === 0, { message: 'dependents deleted' });
  });

  it('leaves the pods of a ReplicaSet deleted with --cascade=orphan', async () => {
    await create('orphans', deployment('orphans', 1));
    await until(async () => (await runningPods('app=orphans')).length === 1, { message: 'orphans pod running' });
    expect((await h.kubectl(['delete', 'deploy', 'orphans', '-n', 'team-a', '--cascade=orphan'])).code).toBe(0);
    const rs = (await json(['get', 'rs', '-n', 'team-a', '-l', 'app=orphans'])).items;
    expect(rs).toHaveLength(1);
    expect(rs[0].metadata.ownerReferences).toBeUndefined();
    expect((await runningPods('app=orphans')).length).toBe(1);
  });
});

describe('pod lifecycle', () => {
  it('shows a crash-looping container as CrashLoopBackOff with growing restarts', async () => {
    // (A retry finds the pod the first attempt made.)
    await h.kubectl(['delete', 'pod', 'crasher', '-n', 'team-a', '--ignore-not-found', '--wait=true']);
    await create('crasher', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crasher', namespace: 'team-a' }, spec: { containers: [{ name: 'main', image: 'ghcr.io/acme/crashloop:1.0' }] } }));
    // The table and the object are read in one moment of the loop (between two reads the container may restart,
    // and is then Running, not waiting), so both are taken from a pair of reads that agree.
    const [row, p] = await until(async () => {
      const r = tableRows((await h.kubectl(['get', 'pod', 'crasher', '-n', 'team-a'])).stdout)[1];
      if (r?.[2] !== 'CrashLoopBackOff' || !(Number(r[3].split(' ')[0]) >= 1)) return undefined;
      const pod = await json(['get', 'pod', 'crasher', '-n', 'team-a']);
      return pod.status.containerStatuses[0].state.waiting?.reason === 'CrashLoopBackOff' ? ([r, pod] as const) : undefined;
    }, { timeoutMs: 30_000, message: 'CrashLoopBackOff with restarts' });
    expect(row[1]).toBe('0/1');
    expect(p.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(p.status.containerStatuses[0].state.waiting.message).toMatch(/^back-off \d+s restarting failed container=main pod=crasher_team-a/);
  });

  it('shows the pod events in kubectl describe pod', async () => {
    const r = await until(async () => {
      const d = await h.kubectl(['describe', 'pod', 'crasher', '-n', 'team-a']);
      return /BackOff/.test(d.stdout) ? d : undefined;
    }, { message: 'BackOff in describe' });
    const events = r.stdout.slice(r.stdout.indexOf('Events:'));
    for (const reason of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started', 'BackOff']) expect(events).toMatch(new RegExp(`\\s${reason}\\s`));
    expect(events).toMatch(/default-scheduler\s+Successfully assigned team-a\/crasher to node-/);
    expect(r.stdout).toMatch(/Node:\s+node-[abc]\/10\.0\.0\.\d+/);
    expect(r.stdout).toMatch(/Status:\s+Running/);
  });

  it('ends a pod that fails under restartPolicy Never as Error, and an image that does not exist in ImagePullBackOff', async () => {
    await create('failer', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'failer', namespace: 'team-a' }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'exit 3'] }] } }));
    await create('puller', JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'puller', namespace: 'team-a' }, spec: { containers: [{ name: 'main', image: 'ghcr.io/acme/does-not-exist:0.0.1' }] } }));
    const status = async (name: string) => tableRows((await h.kubectl(['get', 'pod', name, '-n', 'team-a'])).stdout)[1]?.[2];
    await until(async () => (await status('failer')) === 'Error', { message: 'failer Error' });
    expect((await json(['get', 'pod', 'failer', '-n', 'team-a'])).status.phase).toBe('Failed');
    await until(async () => (await status('puller')) === 'ImagePullBackOff', { message: 'puller ImagePullBackOff' });
  });
});

describe('statefulsets, daemonsets, jobs and cronjobs', () => {
  it('creates statefulset pods in order with stable names', async () => {
    await create('db', JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'team-a' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db', { image: 'postgres:16.4' }), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } }));
    const created: string[] = [];
    await until(async () => {
      for (const p of (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=db'])).items) if (!created.includes(p.metadata.name)) created.push(p.metadata.name);
      return created.length === 3;
    }, { intervalMs: 20, message: 'three db pods' });
    expect(created).toEqual(['db-0', 'db-1', 'db-2']);
    const r = await h.kubectl(['rollout', 'status', 'statefulset/db', '-n', 'team-a', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.stdout).toContain('partitioned roll out complete: 3 new pods have been updated');
    const pvcs = (await json(['get', 'pvc', '-n', 'team-a'])).items.map((p: any) => p.metadata.name);
    expect(pvcs).toEqual(expect.arrayContaining(['data-db-0', 'data-db-1', 'data-db-2']));
    // In the order they were recorded (each event was written once, so its resourceVersion orders them).
    const order = (await json(['get', 'events', '-n', 'team-a', '--field-selector', 'involvedObject.name=db,reason=SuccessfulCreate'])).items
      .sort((a: any, b: any) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
      .map((e: any) => e.message);
    expect(order).toEqual(['create Pod db-0 in StatefulSet db successful', 'create Pod db-1 in StatefulSet db successful', 'create Pod db-2 in StatefulSet db successful']);
  });

  it('runs one daemonset pod on every node', async () => {
    await create('agent', JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'team-a' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', { image: 'quay.io/prometheus/node-exporter:v1.8.2' }) } }));
    const pods = await until(async () => {
      const ps = await runningPods('app=agent');
      return ps.length === 3 ? ps : undefined;
    }, { message: 'an agent pod per node' });
    expect(pods.map((p: any) => p.spec.nodeName).sort()).toEqual(NODES);
    const ds = await until(async () => {
      const d = await json(['get', 'ds', 'agent', '-n', 'team-a']);
      return d.status.numberReady === 3 && d;
    });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberAvailable: 3, updatedNumberScheduled: 3, numberMisscheduled: 0 });
  });

  it('runs a job to completion (kubectl wait --for=condition=complete)', async () => {
    await create('report', JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'report', namespace: 'team-a' }, spec: { completions: 2, parallelism: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'ghcr.io/acme/reporter:1.8.0' }] } } } }));
    const r = await h.kubectl(['wait', '--for=condition=complete', 'job/report', '-n', 'team-a', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.stdout.trim()).toBe('job.batch/report condition met');
    const job = await json(['get', 'job', 'report', '-n', 'team-a']);
    expect(job.status).toMatchObject({ succeeded: 2 });
    expect(job.status.startTime).toBeTruthy();
    expect(job.status.completionTime).toBeTruthy();
    const pods = (await json(['get', 'pods', '-n', 'team-a', '-l', 'job-name=report'])).items;
    expect(pods.map((p: any) => p.status.phase)).toEqual(['Succeeded', 'Succeeded']);
    expect(tableRows((await h.kubectl(['get', 'pods', '-n', 'team-a', '-l', 'job-name=report'])).stdout)[1][2]).toBe('Completed');
  });

  it('fails a job whose pods keep failing after backoffLimit', async () => {
    await create('broken', JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'broken', namespace: 'team-a' }, spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'exit 2'] }] } } } }));
    const r = await h.kubectl(['wait', '--for=condition=failed', 'job/broken', '-n', 'team-a', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.stdout.trim()).toBe('job.batch/broken condition met');
    expect((await json(['get', 'job', 'broken', '-n', 'team-a'])).status.failed).toBe(2);
  });

  it('creates jobs from a cronjob on schedule (fast cron clock) and keeps its history', async () => {
    await create('tick', JSON.stringify({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick', namespace: 'team-a' }, spec: { schedule: '*/1 * * * *', successfulJobsHistoryLimit: 2, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'tick', image: 'busybox:1.36', command: ['sh', '-c', 'date'] }] } } } } } }));
    const jobs = await until(async () => {
      const list = (await json(['get', 'jobs', '-n', 'team-a'])).items.filter((j: any) => j.metadata.ownerReferences?.[0]?.name === 'tick');
      return list.filter((j: any) => j.status.succeeded === 1).length >= 2 ? list : undefined;
    }, { timeoutMs: 30_000, message: 'two completed jobs from the cronjob' });
    for (const j of jobs) expect(j.metadata.name).toMatch(/^tick-\d+$/);
    const cj = await json(['get', 'cronjob', 'tick', '-n', 'team-a']);
    expect(cj.status.lastScheduleTime).toBeTruthy();
    // History: once a third job has finished, the oldest is deleted to keep two.
    await until(async () => (await json(['get', 'events', '-n', 'team-a', '--field-selector', 'involvedObject.name=tick,reason=SuccessfulDelete'])).items.length > 0, { timeoutMs: 30_000, message: 'an old job deleted' });
    const finished = (await json(['get', 'jobs', '-n', 'team-a'])).items.filter((j: any) => j.metadata.ownerReferences?.[0]?.name === 'tick' && j.status.succeeded === 1);
    expect(finished.length).toBeLessThanOrEqual(2);
  });
});

describe('metrics', () => {
  it('kubectl top pods prints CPU and memory for running pods', async () => {
    const r = await h.kubectl(['top', 'pods', '-n', 'team-a', '-l', 'app=web']);
    expect(r.stderr).toBe('');
    const rows = tableRows(r.stdout);
    expect(rows[0]).toEqual(['NAME', 'CPU(cores)', 'MEMORY(bytes)']);
    expect(rows.length).toBe(3);
    for (const row of rows.slice(1)) {
      expect(row[1]).toMatch(/^\d+m$/);
      expect(row[2]).toMatch(/^\d+Mi$/);
    }
  });

  it('kubectl top nodes prints usage and percentages for every node', async () => {
    const r = await h.kubectl(['top', 'nodes']);
    expect(r.stderr).toBe('');
    const rows = tableRows(r.stdout);
    expect(rows[0]).toEqual(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
    expect(rows.slice(1).map((row) => row[0]).sort()).toEqual(NODES);
    for (const row of rows.slice(1)) {
      expect(row[1]).toMatch(/^\d+m$/);
      expect(row[2]).toMatch(/^\d+%$/);
      expect(row[3]).toMatch(/^\d+Mi$/);
    }
  });
});
