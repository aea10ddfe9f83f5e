import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { LocalLease } from '@/server/live/deltaBus';
import { UsageSampler } from '@/server/usage/usageSampler';
import { MemoryUsageStore } from '@/server/usage/usageStore';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

describe('UsageSampler against the simulated cluster', () => {
  let withMetrics: SimHarness;
  let without: SimHarness;
  let kc: KubeConfig;
  let kcWithout: KubeConfig;

  beforeAll(async () => {
    [withMetrics, without] = await Promise.all([startSim({ scenario: 'demo' }), startSim({ scenario: 'demo', metrics: false })]);
    kc = (await portalKubeconfig(withMetrics)).kc;
    kcWithout = (await portalKubeconfig(without)).kc;
  });
  afterAll(async () => {
    await Promise.all([withMetrics?.close(), without?.close()]);
  });

  it('stores a sample of every node and running pod, with containers and labels', async () => {
    const store = new MemoryUsageStore(10);
    const sampler = new UsageSampler('demo', kc, store, new LocalLease(), 15_000);
    // The demo's pods start running shortly after the cluster starts: only running pods have metrics.
    const sample = await until(async () => {
      await sampler.sampleOnce();
      const latest = (await store.latest('demo'))!;
      return Object.keys(latest.pods).some((key) => key.startsWith('team-a/web-')) ? latest : undefined;
    });
    const nodeNames = (await (await withMetrics.api('/api/v1/nodes')).json()).items.map((n: { metadata: { name: string } }) => n.metadata.name);
    expect(Object.keys(sample.nodes).sort()).toEqual(nodeNames.sort());
    for (const [cpu, memory] of Object.values(sample.nodes)) {
      expect(cpu).toBeGreaterThan(0);
      expect(memory).toBeGreaterThan(1024 * 1024);
    }
    const podKeys = Object.keys(sample.pods);
    expect(podKeys.length).toBeGreaterThan(5);
    const someTeamA = podKeys.find((key) => key.startsWith('team-a/web-'))!;
    expect(Object.keys(sample.pods[someTeamA].containers).length).toBeGreaterThan(0);
    expect(Object.keys(sample.pods[someTeamA].labels).length).toBeGreaterThan(0);
    expect((await store.state('demo'))?.state).toBe('ok');
  });

  it('says "not-installed" with the reason when the cluster serves no metrics.k8s.io, and stores no sample', async () => {
    const store = new MemoryUsageStore(10);
    await new UsageSampler('bare', kcWithout, store, new LocalLease(), 15_000).sampleOnce();
    expect(await store.latest('bare')).toBeUndefined();
    const state = (await store.state('bare'))!;
    expect(state.state).toBe('not-installed');
    expect(state.reason).toMatch(/metrics-server/);
  });

  it('samples at its interval while it holds the lease, and gives the lease back when stopped', async () => {
    const store = new MemoryUsageStore(100);
    let released = 0;
    const local = new LocalLease();
    const lease = {
      acquire: async (topic: string, signal: AbortSignal) => {
        expect(topic).toBe('demo/usage');
        const ownership = await local.acquire(topic, signal);
        return ownership && { ...ownership, release: async () => void released++ };
      },
    };
    const stop = new AbortController();
    const done = new UsageSampler('demo', kc, store, lease, 200).run(stop.signal);
    await until(async () => (await store.samples('demo', 0)).length >= 3);
    stop.abort();
    await done;
    expect(released).toBe(1);
    const times = (await store.samples('demo', 0)).map((s) => s.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
