import { portalKubeconfig } from './portalOnSim';
import { startSim, type SimHarness } from './sim';

/**
 * One simulated cluster for several replicas, as a fleet needs (demo mode would
 * start one per replica, which a fleet sharing Redis refuses). `env` points a
 * replica at it, named `demo`.
 */
export async function sharedCluster(): Promise<{ env: { KUBECONFIG: string; CROWSNEST_DEMO: string }; harness: SimHarness; close: () => Promise<void> }> {
  const harness = await startSim({ scenario: 'demo' });
  const { path } = await portalKubeconfig(harness, 'demo');
  return { env: { KUBECONFIG: path, CROWSNEST_DEMO: '0' }, harness, close: () => harness.close() };
}
