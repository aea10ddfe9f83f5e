import type { Actor } from '../../lib/actor';
import type { KindDefinition, Row } from '../../lib/kinds/types';
import { matchesLabels, type LabelSelector } from '../../lib/labelSelector';
import type { StreamError } from '../../lib/live/protocol';
import type { ClusterLive } from './clusterLive';

/** What one person may see of one kind: the namespaces (null = all), the selector, and what was refused. */
export interface View {
  kind: KindDefinition;
  namespaces: Set<string> | null;
  selector: LabelSelector;
  errors: StreamError[];
  /** Nothing at all is visible. */
  empty: boolean;
}

/** The request as parsed at the edge. */
export interface ViewRequest {
  /** Null: every namespace the person may list. */
  namespaces: string[] | null;
  selector: LabelSelector;
}

/** Kubernetes' own wording of a refusal: `pods is forbidden: User "bob" cannot list resource "pods" …`, or with an object's name. */
export function forbiddenMessage(actor: Actor, kind: KindDefinition, namespace?: string, { verb = 'list', name }: { verb?: string; name?: string } = {}): string {
  const resource = kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
  const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const subject = name === undefined ? resource : `${resource} "${name}"`;
  return `${subject} is forbidden: User "${actor.name}" cannot ${verb} resource "${kind.plural}" in API group "${kind.group}" ${where}`;
}

/**
 * Asks Kubernetes (access reviews, cached) which of the requested namespaces
 * the person may list the kind in. Cluster-wide permission answers at once;
 * each refused namespace becomes its own error while the others go on.
 */
export async function resolveView(live: ClusterLive, actor: Actor, kind: KindDefinition, request: ViewRequest): Promise<View> {
  const check = { verb: 'list', group: kind.group, resource: kind.plural };
  const access = live.cluster.access;
  if (!kind.namespaced) {
    const allowed = await access.can(actor, check);
    return {
      kind,
      namespaces: null,
      selector: request.selector,
      errors: allowed ? [] : [{ kind: kind.token, code: 403, message: forbiddenMessage(actor, kind) }],
      empty: !allowed,
    };
  }
  if (request.namespaces === null) {
    if (await access.can(actor, check)) return { kind, namespaces: null, selector: request.selector, errors: [], empty: false };
    // Every namespace the person may list, and nothing about the others: which namespaces exist is not theirs to learn.
    const { allowed } = await access.allowedNamespaces(actor, check, await namespaceNames(live));
    return {
      kind,
      namespaces: new Set(allowed),
      selector: request.selector,
      errors: allowed.length === 0 ? [{ kind: kind.token, code: 403, message: forbiddenMessage(actor, kind) }] : [],
      empty: allowed.length === 0,
    };
  }
  // Namespaces asked for by name: each refused one is its own error, and the others go on.
  const { allowed, denied } = await access.allowedNamespaces(actor, check, request.namespaces);
  return {
    kind,
    namespaces: new Set(allowed),
    selector: request.selector,
    errors: denied.map((namespace) => ({ kind: kind.token, namespace, code: 403, message: forbiddenMessage(actor, kind, namespace) })),
    empty: allowed.length === 0,
  };
}

async function namespaceNames(live: ClusterLive): Promise<string[]> {
  const { mirror, release } = await live.acquire('namespaces');
  try {
    return [...mirror.all()].map((row) => row.name).sort();
  } finally {
    release();
  }
}

export function isVisible(view: View, row: Pick<Row, 'namespace' | 'labels'>): boolean {
  if (view.namespaces !== null && (row.namespace === undefined || !view.namespaces.has(row.namespace))) return false;
  return view.selector.length === 0 || matchesLabels(view.selector, row.labels);
}
