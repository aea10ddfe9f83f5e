import type { Actor } from '../../lib/actor';
import type { AccessAnswer, ObjectAction } from '../../lib/access';
import type { KindDefinition } from '../../lib/kinds/types';
import type { ResourceCheck } from '../authz/accessReviewer';
import { SelfAccess } from '../authz/selfAccess';
import type { LiveData } from '../live/liveData';
import { ACTIONS, resolveKind, type Action } from './actions';
import { ROLLABLE } from './rollback';

/** The Kubernetes request behind each action offered on an object, or null where the action does not apply to the kind. */
const CHECKS: Record<ObjectAction, (kind: KindDefinition) => Omit<ResourceCheck, 'namespace' | 'name'> | null> = {
  edit: (k) => ({ verb: 'update', group: k.group, resource: k.plural }),
  delete: (k) => ({ verb: 'delete', group: k.group, resource: k.plural }),
  scale: (k) => (applies('scale', k) ? { verb: 'patch', group: k.group, resource: k.plural, subresource: 'scale' } : null),
  restart: (k) => (applies('restart', k) ? { verb: 'patch', group: k.group, resource: k.plural } : null),
  cordon: (k) => (applies('cordon', k) ? { verb: 'patch', group: k.group, resource: k.plural } : null),
  suspend: (k) => (applies('suspend', k) ? { verb: 'patch', group: k.group, resource: k.plural } : null),
  // A rollback patches the workload's pod template (server/api/rollback.ts), as the person.
  rollback: (k) => (ROLLABLE.includes(k.token) ? { verb: 'patch', group: k.group, resource: k.plural } : null),
  logs: (k) => (isCore(k, 'pods') ? { verb: 'get', group: '', resource: 'pods', subresource: 'log' } : null),
  shell: (k) => (isCore(k, 'pods') ? { verb: 'create', group: '', resource: 'pods', subresource: 'exec' } : null),
  reveal: (k) => (isCore(k, 'secrets') ? { verb: 'get', group: '', resource: 'secrets' } : null),
};

function applies(action: Action, kind: KindDefinition): boolean {
  return ACTIONS[action].includes(kind.token);
}

function isCore(kind: KindDefinition, plural: string): boolean {
  return kind.group === '' && kind.plural === plural;
}

/** What Kubernetes would answer the request, in its own Forbidden wording. */
function refusal(actor: Actor, check: ResourceCheck): string {
  const resource = check.subresource ? `${check.resource}/${check.subresource}` : check.resource;
  const where = check.namespace ? `in the namespace "${check.namespace}"` : 'at the cluster scope';
  return `User "${actor.name}" cannot ${check.verb} resource "${resource}" in API group "${check.group}" ${where}`;
}

const reviewers = new WeakMap<object, SelfAccess>();

function selfAccessFor(live: LiveData, cluster: string): SelfAccess {
  const { cluster: connection } = live.cluster(cluster);
  let reviewer = reviewers.get(connection);
  if (!reviewer) reviewers.set(connection, (reviewer = new SelfAccess(connection.kubeConfig)));
  return reviewer;
}

/**
 * Which of the actions offered on this object the person may take, asked of
 * Kubernetes as the person (SelfSubjectAccessReview, cached briefly). A
 * refusal carries Kubernetes' wording, so the page can say why a button is
 * disabled; the routes that act still check on every request.
 */
export async function objectAccess(live: LiveData, cluster: string, token: string, namespace: string, name: string, actor: Actor): Promise<Partial<Record<ObjectAction, AccessAnswer>>> {
  const kind = resolveKind(live, cluster, token, namespace);
  const reviewer = selfAccessFor(live, cluster);
  const entries = await Promise.all(
    (Object.keys(CHECKS) as ObjectAction[]).map(async (action) => {
      const base = CHECKS[action](kind);
      if (!base) return null;
      const check: ResourceCheck = { ...base, namespace: kind.namespaced ? namespace : undefined, name };
      const answer = await reviewer.ask(actor, check);
      const result: AccessAnswer = answer.allowed ? { allowed: true } : { allowed: false, reason: answer.reason ? `${refusal(actor, check)}: ${answer.reason}` : refusal(actor, check) };
      return [action, result] as const;
    }),
  );
  return Object.fromEntries(entries.filter((e) => e !== null));
}
