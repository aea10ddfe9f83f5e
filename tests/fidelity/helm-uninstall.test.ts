/**
 * helm install then helm uninstall of a small chart: helm sends its DeleteOptions as
 * protobuf, and the release must end with nothing left — no release secret, no object.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

const HELM = new URL('../../.tools/bin/helm', import.meta.url).pathname;
const CHART = new URL('./fixtures/tiny-chart', import.meta.url).pathname;

let h: SimHarness;

function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = join(h.dir, 'helm');
  const env = { ...process.env, HOME: h.dir, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'), KUBECONFIG: h.kubeconfigPath };
  return new Promise((resolve) => {
    const child = spawn(HELM, [...args, '--kube-context', 'admin'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

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
    const installed = await helm(['install', 'tiny', CHART, '-n', 'team-a']);
    expect(installed.code, installed.stderr).toBe(0);
    await until(async () => (await json(['get', 'pods', '-n', 'team-a', '-l', 'app.kubernetes.io/instance=tiny'])).items.filter((p: any) => p.status.phase === 'Running').length === 2, { message: 'the release running' });
    const listed = await helm(['list', '-n', 'team-a', '-o', 'json']);
    expect(JSON.parse(listed.stdout).map((r: any) => [r.name, r.status])).toEqual([['tiny', 'deployed']]);

    const uninstalled = await helm(['uninstall', 'tiny', '-n', 'team-a', '--wait']);
    expect(uninstalled.code, uninstalled.stderr).toBe(0);
    expect(uninstalled.stdout).toContain('release "tiny" uninstalled');

    const all = await helm(['list', '-n', 'team-a', '-q', '--deployed', '--failed', '--pending', '--uninstalling', '--uninstalled', '--superseded']);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim()).toBe('');
    const status = await helm(['status', 'tiny', '-n', 'team-a']);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('release: not found');
    expect((await json(['get', 'secrets', '-n', 'team-a', '-l', 'owner=helm'])).items).toEqual([]);
    await until(async () => (await json(['get', RELEASE_OBJECTS.join(','), '-n', 'team-a', '-l', 'app.kubernetes.io/instance=tiny'])).items.length === 0, { message: 'no object of the release left' });
    await until(async () => (await json(['get', 'pods,replicasets,endpointslices', '-n', 'team-a'])).items.length === 0, { message: 'no dependent left' });
  });
});
