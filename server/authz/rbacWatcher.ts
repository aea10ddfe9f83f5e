import type { KubeConfig } from '@kubernetes/client-node';
import { WatchLoop } from '../kube/watchLoop';
import { log } from '../log';

/** The RBAC collections whose changes can change an access review's answer. */
export const RBAC_PATHS = [
  '/apis/rbac.authorization.k8s.io/v1/roles',
  '/apis/rbac.authorization.k8s.io/v1/rolebindings',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
];

export interface RbacListener {
  /** Any RBAC object changed, or changes may have been missed (after every relist). */
  onChange: () => void;
  /**
   * Whether every RBAC watch is known to be current: listed, and heard from
   * (an event or a bookmark) within the liveness window. Called on every flip.
   */
  onCurrent: (current: boolean) => void;
}

export interface RbacWatchOptions extends RbacListener {
  /** A watch that sends nothing, not even a bookmark, for this long is presumed hung and restarted. */
  livenessMs?: number;
}

/**
 * Watches Roles, ClusterRoles, RoleBindings and ClusterRoleBindings until
 * `signal` aborts, each on the server's one list+watch loop: `onChange` on
 * every change and relist, and `onCurrent` whenever the watches as a whole
 * become, or stop being, known current. A watch that goes silent past the
 * liveness window is stale (so cached access answers can no longer be
 * trusted to be invalidated in time) until it is heard from again. Only the
 * resourceVersion is listed: what changed does not matter, only that
 * something did.
 */
export function watchRbac(kubeConfig: KubeConfig, options: RbacWatchOptions, signal: AbortSignal): Promise<void> {
  const fresh = new Set<string>();
  let current = false;
  const report = (path: string, isFresh: boolean) => {
    if (isFresh) fresh.add(path);
    else fresh.delete(path);
    const now = fresh.size === RBAC_PATHS.length;
    if (now !== current && !signal.aborted) {
      current = now;
      options.onCurrent(now);
    }
  };
  const loops = RBAC_PATHS.map((path) => {
    const loop = new WatchLoop(
      { kubeConfig, path, mode: 'watch', label: path, list: 'version', livenessMs: options.livenessMs },
      {
        // A (re)list: whatever happened while not watching is unknown, so every cached answer goes.
        listPage: (_objects, { last }) => {
          if (last) options.onChange();
        },
        event: () => options.onChange(),
        synced: () => report(path, true),
        heard: () => report(path, true),
        silent: () => report(path, false),
        failed: (err, retryInMs) => {
          report(path, false);
          log.debug({ path, err: err instanceof Error ? err.message : String(err), retryInMs }, 'RBAC watch ended with an error; retrying');
        },
      },
    );
    return loop.run(signal);
  });
  return Promise.all(loops).then(() => undefined);
}
