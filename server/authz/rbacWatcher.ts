import { RbacAuthorizationV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { log } from '../log';

type Lister = (api: RbacAuthorizationV1Api) => Promise<{ metadata?: { resourceVersion?: string } }>;

const RBAC_KINDS: Array<[string, Lister]> = [
  ['/apis/rbac.authorization.k8s.io/v1/roles', (api) => api.listRoleForAllNamespaces({ limit: 1 })],
  ['/apis/rbac.authorization.k8s.io/v1/rolebindings', (api) => api.listRoleBindingForAllNamespaces({ limit: 1 })],
  ['/apis/rbac.authorization.k8s.io/v1/clusterroles', (api) => api.listClusterRole({ limit: 1 })],
  ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', (api) => api.listClusterRoleBinding({ limit: 1 })],
];

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * Calls `onChange` whenever any Role, ClusterRole, RoleBinding or
 * ClusterRoleBinding changes (and after every relist, since changes may have
 * been missed meanwhile). Re-watches with capped, jittered backoff until
 * `signal` aborts.
 */
export function watchRbac(kubeConfig: KubeConfig, onChange: () => void, signal: AbortSignal): void {
  for (const [path, list] of RBAC_KINDS) void watchOne(kubeConfig, path, list, onChange, signal);
}

async function watchOne(kubeConfig: KubeConfig, path: string, list: Lister, onChange: () => void, signal: AbortSignal): Promise<void> {
  const watch = new Watch(kubeConfig);
  const api = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  let failures = 0;
  let resourceVersion: string | undefined;
  while (!signal.aborted) {
    const ended = new Promise<unknown>((resolve) => {
      (async () => {
        if (!resourceVersion) {
          // A (re)list: whatever happened while not watching is unknown, so drop every cached answer.
          resourceVersion = (await list(api)).metadata?.resourceVersion;
          onChange();
        }
        const controller = await watch.watch(
          path,
          { allowWatchBookmarks: true, timeoutSeconds: 300, resourceVersion },
          (phase, object: { metadata?: { resourceVersion?: string }; code?: number }) => {
            if (phase === 'ERROR') {
              resourceVersion = undefined; // 410 Expired and friends: relist
              return;
            }
            resourceVersion = object?.metadata?.resourceVersion ?? resourceVersion;
            failures = 0;
            if (phase !== 'BOOKMARK') onChange();
          },
          resolve,
        );
        signal.addEventListener('abort', () => controller.abort(), { once: true });
      })().catch(resolve);
    });
    const err = await ended;
    if (signal.aborted) return;
    if (err) {
      failures++;
      resourceVersion = undefined;
      log.debug({ path, err: err instanceof Error ? err.message : String(err) }, 'RBAC watch ended with an error; retrying');
    }
    const backoff = failures === 0 ? 200 : Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
    await sleep(backoff * (0.5 + Math.random() / 2), signal);
  }
}
