/**
 * helm install then helm uninstall of a small chart: helm sends its DeleteOptions as
 * protobuf, and the release must end with nothing left — no release secret, no object.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { helm } from './support/helm';

const CHART = new URL('./fixtures/tiny-chart', import.meta.url).pathname;

let h: SimHarness;

const run = (args: string[]) => helm(h, args, 60_000);

async function json(args: string[]): Promise<any> {
  const r = await h.kubectl([...args, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const RELEASE_OBJECTS = ['configmaps', 'deployments', 'replicasets', 'pods', 'services', 'poddisruptionbudgets', 'endpointslices'];

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  h.sim.store.create('/nodes', node('node-a', 0));
});

afterAll(async () => {
  await h?.close();
});

describe('helm uninstall', () => {
  it('removes the release and every object it made', async () => {
    const installed = await run(['install', 'tiny', CHART, '-n', 'team-a']);
    expect(installed.code, installed.stderr).toBe(0);
    await until(async () => (await json(['get', 'pods', '-n', 'team-a', '-l', 'app.kubernetes.io/instance=tiny'])).items.filter((p: any) => p.status.phase === 'Running').length === 2, { message: 'the release running' });
    const listed = await run(['list', '-n', 'team-a', '-o', 'json']);
    expect(JSON.parse(listed.stdout).map((r: any) => [r.name, r.status])).toEqual([['tiny', 'deployed']]);

    const uninstalled = await run(['uninstall', 'tiny', '-n', 'team-a', '--wait']);
    expect(uninstalled.code, uninstalled.stderr).toBe(0);
    expect(uninstalled.stdout).toContain('release "tiny" uninstalled');

    const all = await run(['list', '-n', 'team-a', '-q', '--deployed', '--failed', '--pending', '--uninstalling', '--uninstalled', '--superseded']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim()).toBe('');
    const status = await run(['status', 'tiny', '-n', 'team-a']);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('release: not found');
    expect((await json(['get', 'secrets', '-n', 'team-a', '-l', 'owner=helm'])).items).toEqual([]);
    await until(async () => (await json(['get', RELEASE_OBJECTS.join(','), '-n', 'team-a', '-l', 'app.kubernetes.io/instance=tiny'])).items.length === 0, { message: 'no object of the release left' });
    await until(async () => (await json(['get', 'pods,replicasets,endpointslices', '-n', 'team-a'])).items.length === 0, { message: 'no dependent left' });
  });
});
