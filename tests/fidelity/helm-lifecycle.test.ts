/**
 * The whole helm lifecycle of a chart with a StatefulSet, an HPA, a PDB, an Ingress, a
 * CronJob, a pre-install and a post-upgrade hook Job and a test Pod, run by real helm
 * against the simulator: install and upgrade with --wait (the controllers must make
 * everything Ready), rollback, helm test, and uninstall leaving nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { helm } from './support/helm';

const CHART = new URL('./fixtures/full-chart', import.meta.url).pathname;
const NS = ['-n', 'team-a'];
const RELEASE = 'shop';
const INSTANCE = `app.kubernetes.io/instance=${RELEASE}`;

let h: SimHarness;

async function json(args: string[]): Promise<any> {
  const r = await h.kubectl([...args, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function ok(args: string[]): Promise<string> {
  const r = await helm(h, args);
  expect(r.code, `helm ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function history(): Promise<[number, string][]> {
  return JSON.parse(await ok(['history', RELEASE, ...NS, '-o', 'json'])).map((r: any) => [r.revision, r.status]);
}

/** The StatefulSet's pods, by name → the greeting checksum of the template they run. */
async function webPods(): Promise<Record<string, string>> {
  const pods = (await json(['get', 'pods', ...NS, '-l', `${INSTANCE},app.kubernetes.io/component=web`])).items;
  return Object.fromEntries(pods.map((p: any) => [p.metadata.name, p.metadata.annotations['checksum/greeting']]));
}

async function allServing(checksum: string): Promise<void> {
  const sts = await json(['get', 'statefulset', `${RELEASE}-web`, ...NS]);
  expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: sts.status.updateRevision });
  expect(await webPods()).toEqual({ [`${RELEASE}-web-0`]: checksum, [`${RELEASE}-web-1`]: checksum });
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  h.sim.store.create('/nodes', node('node-a', 0));
  h.sim.store.create('/nodes', node('node-b', 1));
});

afterAll(async () => {
  await h?.close();
});

describe('the helm lifecycle of a chart with hooks and tests', () => {
  let installedChecksum = '';

  it('installs with --wait: the pre-install hook runs first and goes, then everything is Ready', async () => {
    const seen: string[] = [];
    const stop = h.sim.store.subscribe((e) => {
      if (e.type === 'ADDED' && ['batch/jobs', 'apps/statefulsets'].includes(e.key)) seen.push(e.object.metadata.name!);
    });
    try {
      const out = await ok(['install', RELEASE, CHART, ...NS, '--create-namespace', '--wait', '--timeout', '2m']);
      expect(out).toContain('STATUS: deployed');
    } finally {
      stop();
    }
    expect(seen).toEqual([`${RELEASE}-prepare`, `${RELEASE}-web`]);
    expect(await history()).toEqual([[1, 'deployed']]);
    const sts = await json(['get', 'statefulset', `${RELEASE}-web`, ...NS]);
    installedChecksum = sts.spec.template.metadata.annotations['checksum/greeting'];
    await allServing(installedChecksum);
    // hook-succeeded: the Job is gone, and its pod with it.
    await until(async () => (await json(['get', 'jobs,pods', ...NS, '-l', `${INSTANCE}`])).items.every((o: any) => !o.metadata.name.startsWith(`${RELEASE}-prepare`)), { message: 'the pre-install hook and its pod gone' });

    const hpa = await until(async () => {
      const o = await json(['get', 'hpa', `${RELEASE}-web`, ...NS]);
      return o.status?.currentMetrics?.length && o;
    }, { message: 'HPA status with metrics' });
    expect(hpa.status.desiredReplicas).toBe(2);
    const pdb = await until(async () => {
      const o = await json(['get', 'pdb', `${RELEASE}-web`, ...NS]);
      return o.status?.currentHealthy === 2 && o;
    }, { message: 'PDB status counting the two pods' });
    expect(pdb.status).toMatchObject({ desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2 });
    const ingress = await json(['get', 'ingress', `${RELEASE}-web`, ...NS]);
    expect(ingress.spec.rules[0].host).toBe(`${RELEASE}.example.test`);
    const cron = await json(['get', 'cronjob', `${RELEASE}-report`, ...NS]);
    expect(cron.spec.schedule).toBe('0 3 * * *');
    const slices = await json(['get', 'endpointslices', ...NS, '-l', `kubernetes.io/service-name=${RELEASE}-web`]);
    expect(slices.items[0].endpoints.filter((e: any) => e.conditions.ready)).toHaveLength(2);
  });

  it('upgrades with --wait: the StatefulSet rolls to the new template and the post-upgrade hook runs and goes', async () => {
    const jobs: string[] = [];
    const stop = h.sim.store.subscribe((e) => {
      if (e.type === 'ADDED' && e.key === 'batch/jobs') jobs.push(e.object.metadata.name!);
    });
    try {
      const out = await ok(['upgrade', RELEASE, CHART, ...NS, '--set', 'greeting=hi', '--wait', '--timeout', '2m']);
      expect(out).toContain('STATUS: deployed');
      expect(out).toContain('REVISION: 2');
    } finally {
      stop();
    }
    expect(jobs).toEqual([`${RELEASE}-migrate`]);
    expect(await history()).toEqual([[1, 'superseded'], [2, 'deployed']]);
    const sts = await json(['get', 'statefulset', `${RELEASE}-web`, ...NS]);
    const checksum = sts.spec.template.metadata.annotations['checksum/greeting'];
    expect(checksum).not.toBe(installedChecksum);
    await allServing(checksum);
    expect((await json(['get', 'configmap', `${RELEASE}-config`, ...NS])).data.greeting).toBe('hi');
    await until(async () => (await json(['get', 'jobs,pods', ...NS, '-l', INSTANCE])).items.every((o: any) => !o.metadata.name.startsWith(`${RELEASE}-migrate`)), { message: 'the post-upgrade hook and its pod gone' });
  });

  it('rolls back to the first revision with --wait: the first template runs again', async () => {
    const out = await ok(['rollback', RELEASE, '1', ...NS, '--wait', '--timeout', '2m']);
    expect(out).toContain('Rollback was a success');
    expect(await history()).toEqual([[1, 'superseded'], [2, 'superseded'], [3, 'deployed']]);
    await allServing(installedChecksum);
    expect((await json(['get', 'configmap', `${RELEASE}-config`, ...NS])).data.greeting).toBe('hello');
  });

  it('runs helm test: the test pod running wget against the Service completes and helm reports it Succeeded', async () => {
    const out = await ok(['test', RELEASE, ...NS, '--timeout', '2m']);
    expect(out).toMatch(new RegExp(`TEST SUITE:\\s+${RELEASE}-test-connection`));
    expect(out).toMatch(/Phase:\s+Succeeded/);
    await until(async () => (await h.kubectl(['get', 'pod', `${RELEASE}-test-connection`, ...NS])).stderr.includes('NotFound'), { message: 'the test pod deleted (hook-succeeded)' });
  });

  it('uninstalls with --wait and leaves no release and no object behind', async () => {
    const out = await ok(['uninstall', RELEASE, ...NS, '--wait', '--timeout', '2m']);
    expect(out).toContain(`release "${RELEASE}" uninstalled`);
    expect((await ok(['list', '-A', '-q', '--deployed', '--failed', '--pending', '--uninstalling', '--uninstalled', '--superseded'])).trim()).toBe('');
    await until(async () => (await json(['get', 'all,pdb,hpa,ingress,cronjob,cm,secret', ...NS, '-l', INSTANCE])).items.length === 0, { message: 'no object of the release left' });
    expect((await json(['get', 'secrets', ...NS, '-l', 'owner=helm'])).items).toEqual([]);
    await until(async () => (await json(['get', 'pods,jobs,controllerrevisions,endpointslices', ...NS])).items.length === 0, { message: 'no dependent left' });
  });
});
