import { RbacAuthorizationV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import { log } from '../log';

type Lister = (api: RbacAuthorizationV1Api) => Promise<{ metadata?: { resourceVersion?: string } }>;

const RBAC_KINDS: Array<[string, Lister]> = [
  ['/apis/rbac.authorization.k8s.io/v1/roles', (api) => api.listRoleForAllNamespaces({ limit: 1 })],
  ['/apis/rbac.authorization.k8s.io/v1/rolebindings', (api) => api.listRoleBindingForAllNamespaces({ limit: 1 })],
  ['/apis/rbac.authorization.k8s.io/v1/clusterroles', (api) => api.listClusterRole({ limit: 1 })],
  ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', (api) => api.listClusterRoleBinding({ limit: 1 })],
];

export interface RbacWatchOptions {
  /** Any RBAC object changed, or changes may have been missed (after every relist). */
  onChange: () => void;
  /**
   * Whether every RBAC watch is known to be current: listed, and heard from
   * (an event or a bookmark) within the liveness window. Called on every flip.
   */
  onCurrent: (current: boolean) => void;
  /** A watch that sends nothing, not even a bookmark, for this long is presumed hung and restarted. */
  livenessMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/**
 * Watches Roles, ClusterRoles, RoleBindings and ClusterRoleBindings until
 * `signal` aborts: `onChange` on every change and relist, and `onCurrent`
 * whenever the watches as a whole become, or stop being, known current. A
 * watch that goes silent past the liveness window is stale (so cached access
 * answers can no longer be trusted to be invalidated in time) and restarted.
 * Re-watches with capped, jittered backoff.
 */
export function watchRbac(kubeConfig: KubeConfig, options: RbacWatchOptions, signal: AbortSignal): void {
  const fresh = new Set<string>();
  let current = false;
  const report = (path: string, isFresh: boolean) => {
    if (isFresh) fresh.add(path);
    else fresh.delete(path);
    const now = fresh.size === RBAC_KINDS.length;
    if (now !== current && !signal.aborted) {
      current = now;
      options.onCurrent(now);
    }
  };
  for (const [path, list] of RBAC_KINDS) void watchOne(kubeConfig, path, list, options, (isFresh) => report(path, isFresh), signal);
}

async function watchOne(
  kubeConfig: KubeConfig,
  path: string,
  list: Lister,
  { onChange, livenessMs = 90_000 }: RbacWatchOptions,
  setFresh: (fresh: boolean) => void,
  signal: AbortSignal,
): Promise<void> {
  const watch = new Watch(kubeConfig);
  const api = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  let failures = 0;
  let resourceVersion: string | undefined;
  while (!signal.aborted) {
    const attempt = new AbortController();
    const stop = () => attempt.abort();
    signal.addEventListener('abort', stop, { once: true });
    let liveness: NodeJS.Timeout | undefined;
    let silent = false;
    // Nothing heard for a whole window: stale, and restarted from where it was.
    const arm = () => {
      clearTimeout(liveness);
      liveness = setTimeout(() => {
        silent = true;
        setFresh(false);
        log.warn({ path, livenessMs }, 'RBAC watch went silent past its liveness window; restarting it');
        attempt.abort();
      }, livenessMs);
    };
    // Heard from the server: fresh for one more window.
    const alive = () => {
      setFresh(true);
      arm();
    };
    arm();
    const ended = new Promise<unknown>((resolve) => {
      attempt.signal.addEventListener('abort', () => resolve(undefined), { once: true });
      (async () => {
        if (!resourceVersion) {
          // A (re)list: whatever happened while not watching is unknown, so drop every cached answer.
          resourceVersion = (await list(api)).metadata?.resourceVersion;
          onChange();
          alive();
        }
        const controller = await watch.watch(
          path,
          { allowWatchBookmarks: true, timeoutSeconds: 300, resourceVersion },
          (phase, object: { metadata?: { resourceVersion?: string }; code?: number }) => {
            alive();
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
        attempt.signal.addEventListener('abort', () => controller.abort(), { once: true });
        if (attempt.signal.aborted) controller.abort();
      })().catch(resolve);
    });
    const err = await ended;
    clearTimeout(liveness);
    signal.removeEventListener('abort', stop);
    attempt.abort();
    if (signal.aborted) return;
    if (err && !silent) {
      failures++;
      resourceVersion = undefined;
      setFresh(false);
      log.debug({ path, err: err instanceof Error ? err.message : String(err) }, 'RBAC watch ended with an error; retrying');
    }
    const backoff = failures === 0 ? 200 : Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
    await sleep(backoff * (0.5 + Math.random() / 2), signal);
  }
}
