/**
 * The controllers delete pods as the real ones do, through graceful deletion: a
 * watching kubectl sees the Job's, StatefulSet's and DaemonSet's pods and a deleted
 * namespace's pods go Terminating before they go; a StatefulSet scales down one ordinal
 * at a time; EndpointSlices mark the endpoints of terminating pods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import type { StoreEvent } from '../../sim/store';
import { readWatch, startSim, type RunningKubectl, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

/** A container that takes a while to stop: its preStop hook outlasts the 30 s grace period (1.5 s at clock speed 20). */
const SLOW_STOP = { terminationGracePeriodSeconds: 30, containers: [{ name: 'main', image: 'nginx:1.27', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 80 } }, lifecycle: { preStop: { exec: { command: ['sleep', '600'] } } } }] };

async function json(args: string[]): Promise<any> {
  const r = await h.kubectl([...args, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function create(name: string, manifest: object): Promise<void> {
  const r = await h.kubectl(['create', '-f', await h.file(`${name}.json`, JSON.stringify(manifest))]);
  expect(r.code, r.stderr).toBe(0);
}

async function kubectlOk(args: string[]): Promise<string> {
  const r = await h.kubectl(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

async function readyPods(ns: string, selector: string, count: number): Promise<any[]> {
  return until(async () => {
    const ps = (await json(['get', 'pods', '-n', ns, '-l', selector])).items.filter((p: any) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    return ps.length === count && ps;
  }, { message: `${count} ready pods of ${selector} in ${ns}` });
}

/** `kubectl get pods -w` of a namespace, printing every event with its type. */
function watchPods(ns: string, selector: string): RunningKubectl {
  return h.kubectlSpawn(['get', 'pods', '-n', ns, '-l', selector, '-w', '--output-watch-events']);
}

async function seesTerminating(watch: RunningKubectl, pod: string): Promise<void> {
  const terminating = new RegExp(`MODIFIED\\s+${pod}\\s+\\S+\\s+Terminating`);
  await until(() => terminating.test(watch.stdout()), { message: `${pod} Terminating in get -w output: ${watch.stdout()} ${watch.stderr()}` });
  await until(() => new RegExp(`DELETED\\s+${pod}\\s`).test(watch.stdout()), { message: `${pod} DELETED in get -w output: ${watch.stdout()}` });
}

/** Every store event of pods from now on, in resourceVersion order. */
function recordPods(): { events: StoreEvent[]; stop: () => void } {
  const events: StoreEvent[] = [];
  const stop = h.sim.store.subscribe((e) => e.key === '/pods' && events.push(e));
  return { events, stop };
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  for (const [i, name] of ['node-a', 'node-b'].entries()) h.sim.store.create('/nodes', node(name, i));
  await kubectlOk(['label', 'node', 'node-a', 'node-b', 'edge=yes']);
});

afterAll(async () => {
  await h?.close();
});

const template = (app: string, spec: object = SLOW_STOP) => ({ metadata: { labels: { app } }, spec });

describe('graceful deletion by the controllers', () => {
  it('a StatefulSet scales down gracefully, the highest ordinal first and the next only once it is gone', async () => {
    await create('db', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'team-a' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') } });
    await readyPods('team-a', 'app=db', 3);
    const watch = watchPods('team-a', 'app=db');
    const seen = recordPods();
    try {
      await until(() => watch.stdout().includes('db-2'), { message: 'the watch listing the pods' });
      await kubectlOk(['scale', 'statefulset', 'db', '-n', 'team-a', '--replicas=1']);
      await seesTerminating(watch, 'db-2');
      await seesTerminating(watch, 'db-1');
      const steps = seen.events
        .filter((e) => e.object.metadata.name !== 'db-0' && (e.type === 'DELETED' || (e.object.metadata.deletionTimestamp && !e.previous?.metadata.deletionTimestamp)))
        .map((e) => `${e.type === 'DELETED' ? 'gone' : 'terminating'} ${e.object.metadata.name}`);
      expect(steps).toEqual(['terminating db-2', 'gone db-2', 'terminating db-1', 'gone db-1']);
      expect(seen.events.find((e) => e.object.metadata.name === 'db-2' && e.object.metadata.deletionTimestamp)!.object.metadata.deletionGracePeriodSeconds).toBe(30);
    } finally {
      seen.stop();
      await watch.stop();
    }
    const sts = await until(async () => {
      const o = await json(['get', 'statefulset', 'db', '-n', 'team-a']);
      return o.status.replicas === 1 && o;
    }, { message: 'the StatefulSet counting one replica' });
    expect(sts.status).toMatchObject({ readyReplicas: 1, currentReplicas: 1, updatedReplicas: 1 });
  });

  it('a DaemonSet deletes gracefully the pod of a node it no longer fits', async () => {
    await create('agent', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'team-a' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', { ...SLOW_STOP, nodeSelector: { edge: 'yes' } }) } });
    const pods = await readyPods('team-a', 'app=agent', 2);
    const onB = pods.find((p: any) => p.spec.nodeName === 'node-b').metadata.name;
    const watch = watchPods('team-a', 'app=agent');
    try {
      await until(() => watch.stdout().includes(onB), { message: 'the watch listing the pods' });
      await kubectlOk(['label', 'node', 'node-b', 'edge-']);
      await seesTerminating(watch, onB);
    } finally {
      await watch.stop();
    }
    const left = (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=agent'])).items;
    expect(left.map((p: any) => p.spec.nodeName)).toEqual(['node-a']);
  });

  it('a suspended Job deletes its running pods gracefully and counts them as terminating', async () => {
    // A Job's pods complete by default in the simulator; SIM_BEHAVIOUR=run keeps them running until stopped.
    const worker = { name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'], env: [{ name: 'SIM_BEHAVIOUR', value: 'run' }], lifecycle: SLOW_STOP.containers[0].lifecycle };
    const spec = { terminationGracePeriodSeconds: 30, restartPolicy: 'Never', containers: [worker] };
    await create('batch', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'batch', namespace: 'team-a' }, spec: { parallelism: 2, completions: 4, template: template('batch', spec) } });
    const pods = await readyPods('team-a', 'app=batch', 2);
    const job = await json(['get', 'job', 'batch', '-n', 'team-a']);
    const raw = await h.api(`/apis/batch/v1/namespaces/team-a/jobs?watch=true&fieldSelector=metadata.name%3Dbatch&resourceVersion=${job.metadata.resourceVersion}`);
    const watch = watchPods('team-a', 'app=batch');
    try {
      await until(() => pods.every((p: any) => watch.stdout().includes(p.metadata.name)), { message: 'the watch listing the pods' });
      await kubectlOk(['patch', 'job', 'batch', '-n', 'team-a', '--type=merge', '-p', '{"spec":{"suspend":true}}']);
      for (const p of pods) await seesTerminating(watch, p.metadata.name);
      const events = await readWatch(raw, (e) => e.some((x) => x.object.status?.terminating === 2));
      const counted = events.find((x) => x.object.status?.terminating === 2)!.object.status;
      expect(counted.active ?? 0).toBe(0);
    } finally {
      await watch.stop();
    }
    await until(async () => (await json(['get', 'job', 'batch', '-n', 'team-a'])).status.terminating === 0, { message: 'no pod of the Job terminating' });
  });

  it('a deleted namespace deletes its pods gracefully, says what remains, and goes once they are gone', async () => {
    await kubectlOk(['create', 'namespace', 'doomed']);
    await create('lingering', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lingering', namespace: 'doomed', labels: { app: 'lingering' } }, spec: SLOW_STOP });
    await readyPods('doomed', 'app=lingering', 1);
    const watch = watchPods('doomed', 'app=lingering');
    try {
      await until(() => watch.stdout().includes('lingering'), { message: 'the watch listing the pod' });
      await kubectlOk(['delete', 'namespace', 'doomed', '--wait=false']);
      const ns = await until(async () => {
        const o = await json(['get', 'namespace', 'doomed']);
        return o.status.conditions?.some((c: any) => c.type === 'NamespaceContentRemaining' && c.status === 'True') && o;
      }, { message: 'the namespace saying what remains' });
      expect(ns.status.phase).toBe('Terminating');
      expect(ns.status.conditions.find((c: any) => c.type === 'NamespaceContentRemaining').message).toMatch(/^Some resources are remaining: .*pods\. has 1 resource instances/);
      await seesTerminating(watch, 'lingering');
    } finally {
      await watch.stop();
    }
    await until(async () => (await h.kubectl(['get', 'namespace', 'doomed'])).stderr.includes('NotFound'), { message: 'the namespace gone' });
  });

  it('an EndpointSlice marks the endpoint of a terminating pod not ready but still serving, and Endpoints drop it', async () => {
    await create('api-svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'team-a' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } });
    await create('api-0', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-0', namespace: 'team-a', labels: { app: 'api' } }, spec: SLOW_STOP });
    await readyPods('team-a', 'app=api', 1);
    const slices = await until(async () => {
      const o = await json(['get', 'endpointslices', '-n', 'team-a', '-l', 'kubernetes.io/service-name=api']);
      return o.items[0]?.endpoints?.[0]?.conditions?.ready && o;
    }, { message: 'a ready endpoint' });
    expect(slices.items[0].endpoints[0].conditions).toEqual({ ready: true, serving: true, terminating: false });
    const raw = await h.api(`/apis/discovery.k8s.io/v1/namespaces/team-a/endpointslices?watch=true&labelSelector=kubernetes.io%2Fservice-name%3Dapi&resourceVersion=${slices.metadata.resourceVersion}`);
    await kubectlOk(['delete', 'pod', 'api-0', '-n', 'team-a', '--wait=false']);
    const events = await readWatch(raw, (e) => e.some((x) => x.object.endpoints?.[0]?.conditions?.terminating));
    expect(events.at(-1)!.object.endpoints[0].conditions).toEqual({ ready: false, serving: true, terminating: true });
    const endpoints = await json(['get', 'endpoints', 'api', '-n', 'team-a']);
    expect(endpoints.subsets ?? []).toEqual([]);
  });
});
