import type { Actor } from '../../../lib/actor';
import type { ResourceCheck } from '../../authz/accessReviewer';
import type { Cluster } from '../../clusters/cluster';
import { kubeConfigActingAs } from '../../kube/actingAs';
import { askRefusal, type Refusal } from '../../kube/refusal';
import { log } from '../../log';

/** The container a shell runs in. */
export interface ShellTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** What a shell needs of Kubernetes: `create` on the pod's `exec` subresource (what the access route's `shell` action asks too). */
export function execCheck(target: ShellTarget): ResourceCheck {
  return { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: target.namespace, name: target.pod };
}

/**
 * Kubernetes' own words for refusing `actor` a shell in the pod: the exec
 * asked for as the person, without a WebSocket upgrade, so that nothing can
 * run (the API server answers such a request 400 when it is allowed).
 */
function refusalFor(cluster: Cluster, actor: Actor, target: ShellTarget): Promise<Refusal> {
  return askRefusal(
    kubeConfigActingAs(cluster.kubeConfig, actor),
    {
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/exec`,
      query: { container: target.container, stdin: true, stdout: true, tty: true },
    },
    { code: 403, message: `pods "${target.pod}" is forbidden: User "${actor.name}" cannot create resource "pods/exec" in API group "" in the namespace "${target.namespace}"` },
    // Any other answer (400 for an allowed exec without its upgrade) is not the refusal.
    (status) => status === 403,
  );
}

/**
 * Watches whether `actor` may still exec into the pod: re-checked at every
 * RBAC change, and every few seconds while RBAC is not known current (the
 * access reviewer's invalidations, as for log viewers). The first time the
 * answer is no — or cannot be had (fail closed) — `revoked` is called once,
 * with Kubernetes' reason. Returns the function that stops watching.
 */
export function watchExecAccess(cluster: Cluster, actor: Actor, target: ShellTarget, revoked: (refusal: Refusal) => void): () => void {
  let stopped = false;
  const recheck = async () => {
    let allowed: boolean;
    let unverifiable: string | undefined;
    try {
      allowed = await cluster.access.can(actor, execCheck(target));
    } catch (err) {
      allowed = false;
      unverifiable = err instanceof Error ? err.message : String(err);
    }
    if (allowed || stopped) return;
    const refusal: Refusal = unverifiable
      ? { code: 503, message: `your access to a shell in ${target.namespace}/${target.pod} could not be checked, so the shell was closed: ${unverifiable}` }
      : await refusalFor(cluster, actor, target);
    if (stopped) return;
    stop();
    log.info({ user: actor.name, cluster: cluster.name, ...target, status: refusal.code, err: refusal.message }, 'shell closed: its access ended');
    revoked(refusal);
  };
  const unsubscribe = cluster.access.onInvalidate(() => void recheck());
  function stop(): void {
    stopped = true;
    unsubscribe();
  }
  return stop;
}
