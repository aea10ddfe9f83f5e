import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';

/** A cluster without metrics-server (`--no-metrics`): kubectl finds no Metrics API, the portal says "metrics not installed". */
describe('a simulated cluster without metrics.k8s.io', () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSim({ scenario: 'demo', metrics: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('kubectl top nodes and pods say the Metrics API is not available', async () => {
    for (const args of [['top', 'nodes'], ['top', 'pods', '-n', 'team-a']]) {
      const r = await h.kubectl(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Metrics API not available');
    }
  });

  it('does not discover the group and answers 404 on its paths', async () => {
    const groups = (await (await h.api('/apis')).json()) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).not.toContain('metrics.k8s.io');
    expect(groups.groups.map((g) => g.name)).toContain('apps');
    expect((await h.api('/apis/metrics.k8s.io/v1beta1/nodes')).status).toBe(404);
  });

  it('still serves the rest of the cluster', async () => {
    const r = await h.kubectl(['get', 'nodes', '-o', 'name']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('node/');
  });
});
