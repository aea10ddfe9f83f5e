import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startSimulator, type Simulator } from '../sim/index';
import { log } from './log';

export const DEMO_CLUSTER = 'demo';

/**
 * Starts the built-in simulated cluster on a free loopback port and writes a
 * kubeconfig that Crowsnest then loads like any other: one context, `demo`,
 * as the simulator's cluster-admin (the portal's own identity). The
 * simulator's own kubeconfig, with a context per demo user (alice, bob,
 * carol, admin), is for people running kubectl beside the portal.
 */
/** The demo's team yards (CROWSNEST_YARDS), unless the setting is given. */
export const DEMO_YARDS = 'team-a=team-a,platform-admins/team-b;platform=platform-admins';

export async function startDemoCluster(dataDir: string, signal: AbortSignal): Promise<{ sim: Simulator; kubeconfigPath: string; usersKubeconfigPath: string; userContexts: string[] }> {
  const dir = join(dataDir, 'demo');
  mkdirSync(dir, { recursive: true });
  const usersKubeconfigPath = join(dir, 'sim-kubeconfig.yaml');
  const sim = await startSimulator({ port: 0, host: '127.0.0.1', scenario: 'demo', kubeconfigPath: usersKubeconfigPath });
  signal.addEventListener('abort', () => void sim.close(), { once: true });

  const all = new KubeConfig();
  all.loadFromString(sim.kubeconfig);
  const admin = all.getContextObject('admin');
  const cluster = admin && all.getCluster(admin.cluster);
  const user = admin && all.getUser(admin.user);
  if (!cluster || !user) throw new Error('the simulator wrote a kubeconfig without an admin context');

  const portal = new KubeConfig();
  portal.loadFromOptions({
    clusters: [{ ...cluster, name: DEMO_CLUSTER }],
    users: [{ ...user, name: 'crowsnest' }],
    contexts: [{ name: DEMO_CLUSTER, cluster: DEMO_CLUSTER, user: 'crowsnest' }],
    currentContext: DEMO_CLUSTER,
  });
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfigPath, portal.exportConfig(), { mode: 0o600 });
  const userContexts = all.getContexts().map((c) => c.name);
  log.info({ server: sim.url }, 'started the simulated demo cluster');
  return { sim, kubeconfigPath, usersKubeconfigPath, userContexts };
}
