import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindByToken } from '../../lib/kinds';
import type { KindHealth } from '../../lib/live/protocol';
import { MemoryDeltaBus } from '../../server/live/deltaBus';
import { Informer } from '../../server/live/informer';
import { log } from '../../server/log';
import { portalKubeconfig } from '../support/portalOnSim';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let harness: SimHarness;
const root = new AbortController();
setMaxListeners(0, root.signal);

beforeAll(async () => {
  // The informers of these tests fail on purpose.
  log.level = 'silent';
  harness = await startSim({ scenario: 'empty', controllers: false });
});
afterAll(async () => {
  root.abort();
  await harness?.close();
});

/** Runs the pods informer as `user` and records every connection state it puts on the bus. */
async function podsInformer(user: 'admin' | 'carol', topic: string) {
  const { kc } = await portalKubeconfig(harness, `health-${topic.replace(/\W/g, '-')}`, user);
  const bus = new MemoryDeltaBus();
  const states: KindHealth[] = [];
  bus.subscribe(topic, () => undefined);
  bus.onHealth(topic, (health) => states.push(health));
  const informer = new Informer({ kubeConfig: kc, kind: kindByToken('pods')!, mode: 'watch', bus, topic, fence: '1', initial: null, cluster: 'sim', backoffBaseMs: 100, backoffMaxMs: 500 });
  void informer.run(root.signal);
  return states;
}

describe("an informer's connection state", () => {
  it('is synced, then reconnecting from the first failure with the reason while the API server is down, then synced again on its own', async () => {
    const states = await podsInformer('admin', 'sim/pods-restart');
    await until(() => states.at(-1)?.state === 'synced', { message: 'synced' });
    const before = Date.now();
    harness.sim.faults.restart(3);
    await until(() => states.some((s) => s.state === 'reconnecting'), { message: 'reconnecting', timeoutMs: 10_000 });
    const down = states.filter((s) => s.state === 'reconnecting');
    expect(down[0].reason).toMatch(/ECONNREFUSED|ECONNRESET|closed the connection/);
    expect(Date.parse(down[0].since)).toBeGreaterThanOrEqual(before - 1000);
    // One outage, one `since`: a later reason keeps the time the trouble began.
    expect(new Set(down.map((s) => s.since)).size).toBe(1);
    await until(() => states.at(-1)?.state === 'synced', { message: 'synced again after the restart', timeoutMs: 20_000 });
  });

  it('is failed, with the API server’s 403, when the portal may not list the kind', async () => {
    const states = await podsInformer('carol', 'sim/pods-forbidden');
    await until(() => states.some((s) => s.state === 'failed'), { message: 'failed' });
    expect(states.find((s) => s.state === 'failed')!.reason).toMatch(/403: pods is forbidden: User "carol"/);
    expect(states.some((s) => s.state === 'synced')).toBe(false);
  });
});
