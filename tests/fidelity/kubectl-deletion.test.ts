/**
 * Deletion as real kubectl sees it on a real cluster: graceful pod termination,
 * forced deletion, finalizers, propagation policies, and eviction through kubectl drain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import type { StoreEvent } from '../../sim/store';
import { tableRows } from '../support/kubectl';
import { readWatch, startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;
const NODES = ['node-a', 'node-b'];

async function json(args: string[]): Promise<any> {
  const r = await h.kubectl([...args, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function apply(name: string, manifest: object): Promise<void> {
  const r = await h.kubectl(['create', '-f', await h.file(`${name}.json`, JSON.stringify(manifest))]);
  expect(r.code, r.stderr).toBe(0);
}

function aPod(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team-a', ...metadata }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }], ...spec } };
}

function aDeployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'team-a' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } },
  };
}

async function running(name: string): Promise<any> {
  return until(async () => {
    const p = await json(['get', 'pod', name, '-n', 'team-a']);
    return p.status.phase === 'Running' && p.status.containerStatuses?.every((c: any) => c.ready) && p;
  }, { message: `${name} running` });
}

async function runningPods(selector: string, count: number): Promise<any[]> {
  return until(async () => {
    const ps = (await json(['get', 'pods', '-n', 'team-a', '-l', selector])).items.filter((p: any) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp);
    return ps.length === count && ps;
  }, { message: `${count} running pods of ${selector}` });
}

/** Every store event from now on, in resourceVersion order. */
function record(): { events: StoreEvent[]; stop: () => void } {
  const events: StoreEvent[] = [];
  const stop = h.sim.store.subscribe((e) => events.push(e));
  return { events, stop };
}

const gone = async (args: string[]) => (await h.kubectl(['get', ...args])).stderr.includes('NotFound');

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  for (const [i, name] of NODES.entries()) h.sim.store.create('/nodes', node(name, i));
});

afterAll(async () => {
  await h?.close();
});

describe('graceful pod deletion', () => {
  it('shows a pod deleted with --grace-period as Terminating to a watching client, stops its containers, then deletes it', async () => {
    await apply('graceful', aPod('graceful'));
    const pod = await running('graceful');
    const watch = h.kubectlSpawn(['get', 'pods', '-n', 'team-a', '-w', '--output-watch-events', '--field-selector', 'metadata.name=graceful']);
    const raw = await h.api(`/api/v1/namespaces/team-a/pods?watch=true&fieldSelector=metadata.name%3Dgraceful&resourceVersion=${pod.metadata.resourceVersion}`);
    try {
      // kubectl's watch is running (it listed the pod, still Running) before the delete: else a slow start lists it already Terminating.
      await until(() => /ADDED\s+graceful\s+\S+\s+Running/.test(watch.stdout()), { message: `the pod in get -w output: ${watch.stdout()} ${watch.stderr()}` });
      const del = await h.kubectl(['delete', 'pod', 'graceful', '-n', 'team-a', '--grace-period=20']);
      expect(del.stdout.trim()).toBe('pod "graceful" deleted from team-a namespace');
      const events = await readWatch(raw, (e) => e.some((x) => x.type === 'DELETED'));
      const marked = events.find((e) => e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp);
      expect(marked, JSON.stringify(events.map((e) => e.type))).toBeDefined();
      expect(marked!.object.metadata.deletionGracePeriodSeconds).toBe(20);
      // The containers were stopped (and the pod ended) before the pod went.
      const last = events.filter((e) => e.type === 'MODIFIED').at(-1)!.object;
      expect(last.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect(events.at(-1)!.type).toBe('DELETED');
      await until(() => /MODIFIED\s+graceful\s+\S+\s+Terminating/.test(watch.stdout()), { message: `Terminating in get -w output: ${watch.stdout()} ${watch.stderr()}` });
      await until(() => /DELETED\s+graceful/.test(watch.stdout()), { message: `DELETED in get -w output: ${watch.stdout()}` });
      const killing = await json(['get', 'events', '-n', 'team-a', '--field-selector', 'involvedObject.name=graceful,reason=Killing']);
      expect(killing.items[0].message).toBe('Stopping container main');
    } finally {
      await watch.stop();
    }
  });

  it('keeps a pod Terminating through its preStop hook, then kills it when the grace period runs out', async () => {
    await apply('slow-stop', aPod('slow-stop', { terminationGracePeriodSeconds: 30, containers: [{ name: 'main', image: 'nginx:1.27', lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 600'] } } } }] }));
    const pod = await running('slow-stop');
    const raw = await h.api(`/api/v1/namespaces/team-a/pods?watch=true&fieldSelector=metadata.name%3Dslow-stop&resourceVersion=${pod.metadata.resourceVersion}`);
    const del = await h.kubectl(['delete', 'pod', 'slow-stop', '-n', 'team-a', '--wait=false']);
    expect(del.code, del.stderr).toBe(0);
    const row = tableRows((await h.kubectl(['get', 'pod', 'slow-stop', '-n', 'team-a'])).stdout)[1];
    expect(row.slice(0, 3)).toEqual(['slow-stop', '1/1', 'Terminating']);
    const events = await readWatch(raw, (e) => e.some((x) => x.type === 'DELETED'));
    const last = events.filter((e) => e.type === 'MODIFIED').at(-1)!.object;
    expect(last.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(last.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('deletes at once with --force --grace-period=0', async () => {
    await apply('forced', aPod('forced', { containers: [{ name: 'main', image: 'nginx:1.27', lifecycle: { preStop: { exec: { command: ['sleep', '600'] } } } }] }));
    await running('forced');
    const seen = record();
    try {
      const del = await h.kubectl(['delete', 'pod', 'forced', '-n', 'team-a', '--force', '--grace-period=0']);
      expect(del.code, del.stderr).toBe(0);
      expect(del.stdout.trim()).toBe('pod "forced" force deleted from team-a namespace');
      const mine = seen.events.filter((e) => e.key === '/pods' && e.object.metadata.name === 'forced');
      expect(mine.map((e) => e.type)).toEqual(['DELETED']);
    } finally {
      seen.stop();
    }
  });

  it('a ReplicaSet scales down gracefully and replaces a deleted pod while it is still Terminating', async () => {
    const slow = aDeployment('slow-web', 2);
    (slow.spec.template.spec as any).terminationGracePeriodSeconds = 3600;
    slow.spec.template.spec.containers[0] = { ...slow.spec.template.spec.containers[0], lifecycle: { preStop: { sleep: { seconds: 3000 } } } } as any;
    await apply('slow-web', slow);
    await runningPods('app=slow-web', 2);
    expect((await h.kubectl(['scale', 'deployment', 'slow-web', '-n', 'team-a', '--replicas=1'])).code).toBe(0);
    const terminating = async () => (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=slow-web'])).items.filter((p: any) => p.metadata.deletionTimestamp);
    const [leaving] = await until(async () => {
      const t = await terminating();
      return t.length === 1 && t;
    }, { message: 'the extra pod Terminating' });
    const row = tableRows((await h.kubectl(['get', 'pod', leaving.metadata.name, '-n', 'team-a'])).stdout)[1];
    expect(row[2]).toBe('Terminating');
    const [kept] = await runningPods('app=slow-web', 1);
    const rs = async () => (await json(['get', 'replicasets', '-n', 'team-a', '-l', 'app=slow-web'])).items[0];
    await until(async () => (await rs()).status.replicas === 1, { message: 'the ReplicaSet counting its one active pod' });

    expect((await h.kubectl(['delete', 'pod', kept.metadata.name, '-n', 'team-a', '--wait=false'])).code).toBe(0);
    // The one running pod that is not being deleted is a replacement, beside two Terminating pods.
    const [replacement] = await runningPods('app=slow-web', 1);
    expect([kept.metadata.name, leaving.metadata.name]).not.toContain(replacement.metadata.name);
    expect((await terminating()).map((p: any) => p.metadata.name).sort()).toEqual([leaving.metadata.name, kept.metadata.name].sort());

    // Their preStop hooks would keep them for an hour: clear them for the drain below.
    expect((await h.kubectl(['delete', 'deployment', 'slow-web', '-n', 'team-a'])).code).toBe(0);
    await until(async () => (await json(['get', 'replicasets', '-n', 'team-a', '-l', 'app=slow-web'])).items.length === 0, { message: 'slow-web ReplicaSet gone' });
    await until(async () => {
      await h.kubectl(['delete', 'pods', '-n', 'team-a', '-l', 'app=slow-web', '--force', '--grace-period=0']);
      return (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=slow-web'])).items.length === 0;
    }, { message: 'slow-web pods gone' });
  });

  it('lets a second delete shorten the grace period of a Terminating pod', async () => {
    await apply('hurried', aPod('hurried', { terminationGracePeriodSeconds: 3600, containers: [{ name: 'main', image: 'nginx:1.27', lifecycle: { preStop: { sleep: { seconds: 3000 } } } }] }));
    await running('hurried');
    expect((await h.kubectl(['delete', 'pod', 'hurried', '-n', 'team-a', '--wait=false'])).code).toBe(0);
    expect((await json(['get', 'pod', 'hurried', '-n', 'team-a'])).metadata.deletionGracePeriodSeconds).toBe(3600);
    const again = await h.kubectl(['delete', 'pod', 'hurried', '-n', 'team-a', '--grace-period=2']);
    expect(again.code, again.stderr).toBe(0);
    expect(await gone(['pod', 'hurried', '-n', 'team-a'])).toBe(true);
  });
});

describe('finalizers', () => {
  it('holds an object being deleted until its last finalizer is removed', async () => {
    await apply('held', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: 'team-a', finalizers: ['example.com/hold', 'example.com/audit'] }, data: { a: '1' } });
    const del = await h.kubectl(['delete', 'configmap', 'held', '-n', 'team-a', '--wait=false']);
    expect(del.code, del.stderr).toBe(0);
    const held = await json(['get', 'configmap', 'held', '-n', 'team-a']);
    expect(held.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(held.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(held.metadata.finalizers).toEqual(['example.com/hold', 'example.com/audit']);
    // A wait for deletion times out while it is held.
    const waited = await h.kubectl(['wait', '--for=delete', 'configmap/held', '-n', 'team-a', '--timeout=1s']);
    expect(waited.code).not.toBe(0);
    const one = await h.kubectl(['patch', 'configmap', 'held', '-n', 'team-a', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers/0"}]']);
    expect(one.code, one.stderr).toBe(0);
    expect((await json(['get', 'configmap', 'held', '-n', 'team-a'])).metadata.finalizers).toEqual(['example.com/audit']);
    const last = await h.kubectl(['patch', 'configmap', 'held', '-n', 'team-a', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    expect(last.code, last.stderr).toBe(0);
    expect(await gone(['configmap', 'held', '-n', 'team-a'])).toBe(true);
  });
});

describe('propagation policies', () => {
  const rvOf = (events: StoreEvent[], key: string, match: (e: StoreEvent) => boolean) => events.filter((e) => e.key === key && e.type === 'DELETED' && match(e)).map((e) => e.rv);

  it('Foreground: the owner carries foregroundDeletion and goes only after its dependents', async () => {
    await apply('fg', aDeployment('fg', 2));
    await runningPods('app=fg', 2);
    const seen = record();
    try {
      const del = await h.kubectl(['delete', 'deployment', 'fg', '-n', 'team-a', '--cascade=foreground']);
      expect(del.code, del.stderr).toBe(0);
      await until(async () => (await json(['get', 'pods,rs,deploy', '-n', 'team-a', '-l', 'app=fg'])).items.length === 0 && (await gone(['deploy', 'fg', '-n', 'team-a'])), { message: 'fg and its dependents gone' });
      const marked = seen.events.find((e) => e.key === 'apps/deployments' && e.type === 'MODIFIED' && e.object.metadata.name === 'fg' && e.object.metadata.deletionTimestamp);
      expect(marked?.object.metadata.finalizers).toEqual(['foregroundDeletion']);
      const [deployGone] = rvOf(seen.events, 'apps/deployments', (e) => e.object.metadata.name === 'fg');
      const [rsGone] = rvOf(seen.events, 'apps/replicasets', (e) => e.object.metadata.labels?.app === 'fg');
      const podsGone = rvOf(seen.events, '/pods', (e) => e.object.metadata.labels?.app === 'fg');
      expect(podsGone).toHaveLength(2);
      expect(Math.max(...podsGone)).toBeLessThan(rsGone);
      expect(rsGone).toBeLessThan(deployGone);
    } finally {
      seen.stop();
    }
  });

  it('Background: the owner goes at once and the garbage collector deletes its dependents after', async () => {
    await apply('bg', aDeployment('bg', 2));
    await runningPods('app=bg', 2);
    const seen = record();
    try {
      const del = await h.kubectl(['delete', 'deployment', 'bg', '-n', 'team-a', '--cascade=background']);
      expect(del.code, del.stderr).toBe(0);
      await until(async () => (await json(['get', 'pods,rs', '-n', 'team-a', '-l', 'app=bg'])).items.length === 0, { message: 'bg dependents gone' });
      const [deployGone] = rvOf(seen.events, 'apps/deployments', (e) => e.object.metadata.name === 'bg');
      const podsGone = rvOf(seen.events, '/pods', (e) => e.object.metadata.labels?.app === 'bg');
      expect(Math.min(...podsGone)).toBeGreaterThan(deployGone);
      // The pods were deleted gracefully, as the garbage collector's deletes are.
      expect(seen.events.some((e) => e.key === '/pods' && e.type === 'MODIFIED' && e.object.metadata.labels?.app === 'bg' && e.object.metadata.deletionGracePeriodSeconds === 30)).toBe(true);
    } finally {
      seen.stop();
    }
  });

  it('Orphan: the owner carries the orphan finalizer while its dependents lose their owner reference, and they stay', async () => {
    await apply('or', aDeployment('or', 1));
    await runningPods('app=or', 1);
    const seen = record();
    try {
      const del = await h.kubectl(['delete', 'deployment', 'or', '-n', 'team-a', '--cascade=orphan']);
      expect(del.code, del.stderr).toBe(0);
      expect(await gone(['deploy', 'or', '-n', 'team-a'])).toBe(true);
      const marked = seen.events.find((e) => e.key === 'apps/deployments' && e.type === 'MODIFIED' && e.object.metadata.deletionTimestamp);
      expect(marked?.object.metadata.finalizers).toEqual(['orphan']);
      const rs = (await json(['get', 'rs', '-n', 'team-a', '-l', 'app=or'])).items;
      expect(rs).toHaveLength(1);
      expect(rs[0].metadata.ownerReferences).toBeUndefined();
      expect(await runningPods('app=or', 1)).toHaveLength(1);
    } finally {
      seen.stop();
    }
  });
});

describe('disruption budgets and kubectl drain', () => {
  function aBudget(name: string, app: string, spec: Record<string, unknown>) {
    return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'team-a' }, spec: { selector: { matchLabels: { app } }, ...spec } };
  }

  async function budgetStatus(name: string, check: (s: any) => boolean): Promise<any> {
    return until(async () => {
      const s = (await json(['get', 'pdb', name, '-n', 'team-a'])).status;
      return s && check(s) && s;
    }, { message: `status of pdb ${name}` });
  }

  it('fills budget status for minAvailable and maxUnavailable, as numbers and percentages', async () => {
    await apply('ratio', aDeployment('ratio', 4));
    await runningPods('app=ratio', 4);
    await apply('ratio-min', aBudget('ratio-min', 'ratio', { minAvailable: 3 }));
    await apply('ratio-min-pct', aBudget('ratio-min-pct', 'ratio', { minAvailable: '30%' }));
    await apply('ratio-max', aBudget('ratio-max', 'ratio', { maxUnavailable: 1 }));
    await apply('ratio-max-pct', aBudget('ratio-max-pct', 'ratio', { maxUnavailable: '30%' }));
    const healthy = (s: any) => s.currentHealthy === 4;
    expect(await budgetStatus('ratio-min', healthy)).toMatchObject({ observedGeneration: 1, expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1 });
    expect(await budgetStatus('ratio-min-pct', healthy)).toMatchObject({ expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 });
    expect(await budgetStatus('ratio-max', healthy)).toMatchObject({ expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 1 });
    const maxPct = await budgetStatus('ratio-max-pct', healthy);
    expect(maxPct).toMatchObject({ expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 });
    expect(maxPct.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', observedGeneration: 1 })]);
    const rows = tableRows((await h.kubectl(['get', 'pdb', 'ratio-min', 'ratio-max-pct', '-n', 'team-a'])).stdout);
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS'],
      ['ratio-min', '3', 'N/A', '1'],
      ['ratio-max-pct', 'N/A', '30%', '2'],
    ]);
    // Raising the bar takes the allowance away, with the condition saying why.
    expect((await h.kubectl(['patch', 'pdb', 'ratio-min', '-n', 'team-a', '--type=merge', '-p', '{"spec":{"minAvailable":4}}'])).code).toBe(0);
    const raised = await budgetStatus('ratio-min', (s) => s.observedGeneration === 2);
    expect(raised).toMatchObject({ desiredHealthy: 4, disruptionsAllowed: 0 });
    expect(raised.conditions[0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
    expect((await h.kubectl(['delete', 'deployment', 'ratio', '-n', 'team-a'])).code).toBe(0);
    expect((await h.kubectl(['delete', 'pdb', 'ratio-min', 'ratio-min-pct', 'ratio-max', 'ratio-max-pct', '-n', 'team-a'])).code).toBe(0);
  });

  it('refuses an eviction the budget does not allow with 429, in the apiserver wording', async () => {
    await apply('guarded', aDeployment('guarded', 1));
    const [pod] = await runningPods('app=guarded', 1);
    await apply('guarded-pdb', aBudget('guarded', 'guarded', { minAvailable: 1 }));
    await budgetStatus('guarded', (s) => s.currentHealthy === 1);
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: 'team-a' } };
    const res = await h.api(`/api/v1/namespaces/team-a/pods/${pod.metadata.name}/eviction`, { method: 'POST', body: JSON.stringify(eviction) });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'TooManyRequests',
      code: 429,
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget guarded needs 1 healthy pods and has 1 currently' }] },
    });
    expect((await json(['get', 'pod', pod.metadata.name, '-n', 'team-a'])).metadata.deletionTimestamp).toBeUndefined();
    expect((await h.kubectl(['delete', 'deployment', 'guarded', '-n', 'team-a'])).code).toBe(0);
    expect((await h.kubectl(['delete', 'pdb', 'guarded', '-n', 'team-a'])).code).toBe(0);
  });

  it('drains a node: refused while the budget allows no disruption, done once it does', async () => {
    await apply('web', aDeployment('web', 2));
    const pods = await runningPods('app=web', 2);
    const target: string = pods[0].spec.nodeName;
    await apply('web-pdb', aBudget('web', 'web', { minAvailable: 2 }));
    await budgetStatus('web', (s) => s.currentHealthy === 2 && s.disruptionsAllowed === 0);

    const refused = await h.kubectl(['drain', target, '--ignore-daemonsets', '--timeout=2s'], { timeoutMs: 30_000 });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain(`node/${target} cordoned`);
    expect(refused.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect((await json(['get', 'node', target])).spec.unschedulable).toBe(true);
    const still = (await json(['get', 'pods', '-n', 'team-a', '-l', 'app=web'])).items;
    expect(still.filter((p: any) => p.spec.nodeName === target && !p.metadata.deletionTimestamp).length).toBeGreaterThan(0);

    expect((await h.kubectl(['patch', 'pdb', 'web', '-n', 'team-a', '--type=merge', '-p', '{"spec":{"minAvailable":1}}'])).code).toBe(0);
    await budgetStatus('web', (s) => s.observedGeneration === 2 && s.disruptionsAllowed === 1);
    const drained = await h.kubectl(['drain', target, '--ignore-daemonsets', '--timeout=60s'], { timeoutMs: 90_000 });
    expect(drained.code, drained.stderr).toBe(0);
    expect(drained.stdout).toContain(`node/${target} drained`);
    expect(drained.stdout).toMatch(/pod\/web-\S+ evicted/);
    const left = (await json(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${target}`])).items;
    expect(left).toEqual([]);
    // The replicas came back on the other node, and the budget counts them.
    await runningPods('app=web', 2);
    await budgetStatus('web', (s) => s.currentHealthy === 2 && s.disruptionsAllowed === 1);
    expect((await h.kubectl(['uncordon', target])).code).toBe(0);
  }, 120_000);
});
