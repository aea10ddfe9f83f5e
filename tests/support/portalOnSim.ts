import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { SimHarness } from './sim';

/** The simulator's kubeconfig narrowed to one user's context (admin by default), renamed `name`: the portal's own identity. */
export async function portalKubeconfig(harness: SimHarness, name = 'sim', user: 'admin' | 'alice' | 'bob' | 'carol' = 'admin'): Promise<{ path: string; kc: KubeConfig }> {
  const all = new KubeConfig();
  all.loadFromFile(harness.kubeconfigPath);
  const admin = all.getContextObject(user)!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ ...all.getCluster(admin.cluster)!, name }],
    users: [{ ...all.getUser(admin.user)!, name: 'portal' }],
    contexts: [{ name, cluster: name, user: 'portal' }],
    currentContext: name,
  });
  const path = join(harness.dir, `portal-kubeconfig-${name}.yaml`);
  await writeFile(path, kc.exportConfig());
  return { path, kc };
}

/** A pod as the simulator stores it, with a ready-made Running status (controllers leave such pods alone). */
export function aPod(namespace: string, name: string, labels: Record<string, string> = { app: 'test' }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'nginx:1.27' }] },
    status: {
      phase: 'Running',
      podIP: '10.0.0.9',
      containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'nginx:1.27', imageID: '', started: true, state: { running: { startedAt: new Date().toISOString() } } }],
    },
  };
}
