import type { Actor } from '../../lib/actor';
import type { KindDefinition, KubeObject } from '../../lib/kinds/types';
import { HttpError } from '../http/errors';
import { kubeConfigActingAs } from '../kube/actingAs';
import { KubeError, kubeJson } from '../kube/kubeRequest';
import { log } from '../log';
import type { LiveData } from '../live/liveData';
import { forbiddenMessage } from '../live/view';

export type Action = 'scale' | 'restart' | 'cordon' | 'suspend';

export const ACTIONS: Record<Action, string[]> = {
  scale: ['deployments', 'statefulsets', 'replicasets'],
  restart: ['deployments', 'statefulsets', 'daemonsets'],
  cordon: ['nodes'],
  suspend: ['cronjobs'],
};

export function isAction(value: string): value is Action {
  return Object.prototype.hasOwnProperty.call(ACTIONS, value);
}

export function objectPath(kind: KindDefinition, namespace: string, name: string): string {
  const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  const ns = kind.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${kind.plural}/${encodeURIComponent(name)}`;
}

/** Kubernetes' refusal, passed on with its status and its own words. */
export function fromKube(err: unknown): never {
  if (err instanceof KubeError) throw new HttpError(err.status >= 400 && err.status < 600 ? err.status : 502, err.message);
  throw err;
}

export function resolveKind(live: LiveData, cluster: string, token: string, namespace: string): KindDefinition {
  const kind = live.cluster(cluster).kind(token);
  if (!kind) throw new HttpError(404, `unknown kind "${token}" in cluster "${cluster}"`);
  if (kind.namespaced && namespace === '_') throw new HttpError(400, `${kind.title} are namespaced: name the namespace instead of "_"`);
  if (!kind.namespaced && namespace !== '_') throw new HttpError(400, `${kind.title} are cluster-scoped: use "_" as the namespace`);
  return kind;
}

export interface Target {
  live: LiveData;
  cluster: string;
  token: string;
  namespace: string;
  name: string;
  actor: Actor;
  requestId: string;
}

function asUser(t: Target) {
  const kind = resolveKind(t.live, t.cluster, t.token, t.namespace);
  return { kind, kc: kubeConfigActingAs(t.live.cluster(t.cluster).cluster.kubeConfig, t.actor), path: objectPath(kind, t.namespace, t.name) };
}

function audit(t: Target, what: string, detail: Record<string, unknown> = {}): void {
  log.info({ audit: true, requestId: t.requestId, actor: t.actor.name, cluster: t.cluster, kind: t.token, namespace: t.namespace, name: t.name, ...detail }, what);
}

/** Deletes the object as the person (dependents go in the background, as kubectl does). */
export async function deleteObject(t: Target): Promise<void> {
  const { kc, path } = asUser(t);
  await kubeJson(kc, {
    method: 'DELETE',
    path,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }),
    timeoutMs: 15_000,
  }).catch(fromKube);
  audit(t, 'object deleted');
}

/** Runs one of the actions (scale, restart, cordon, suspend) as the person. */
export async function runAction(t: Target, action: Action, body: Record<string, unknown>): Promise<KubeObject> {
  if (!ACTIONS[action].includes(t.token)) throw new HttpError(400, `${action} does not apply to ${t.token} (it applies to ${ACTIONS[action].join(', ')})`);
  const { kc, path } = asUser(t);
  const patch = (subpath: string, doc: unknown) =>
    kubeJson<KubeObject>(kc, {
      method: 'PATCH',
      path: path + subpath,
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify(doc),
      timeoutMs: 15_000,
    }).catch(fromKube);
  switch (action) {
    case 'scale': {
      const replicas = body.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > 100_000) {
        throw new HttpError(400, 'replicas must be a whole number from 0 to 100000');
      }
      audit(t, 'scaled', { replicas });
      return patch('/scale', { spec: { replicas } });
    }
    case 'restart':
      audit(t, 'rollout restarted');
      return patch('', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
    case 'cordon': {
      if (typeof body.unschedulable !== 'boolean') throw new HttpError(400, 'unschedulable must be true (cordon) or false (uncordon)');
      audit(t, body.unschedulable ? 'cordoned' : 'uncordoned');
      return patch('', { spec: { unschedulable: body.unschedulable } });
    }
    case 'suspend': {
      if (typeof body.suspend !== 'boolean') throw new HttpError(400, 'suspend must be true or false');
      audit(t, body.suspend ? 'suspended' : 'resumed');
      return patch('', { spec: { suspend: body.suspend } });
    }
  }
}

/**
 * Refuses, before the body is even read, an edit Kubernetes would refuse
 * anyway: parsing a large YAML body costs CPU, and only people who may
 * update the object should be able to make the portal spend it. Kubernetes'
 * own answer still decides the edit itself.
 */
export async function checkMayReplace(t: Target): Promise<void> {
  const kind = resolveKind(t.live, t.cluster, t.token, t.namespace);
  const check = { verb: 'update', group: kind.group, resource: kind.plural, namespace: kind.namespaced ? t.namespace : undefined, name: t.name };
  if (await t.live.cluster(t.cluster).cluster.access.can(t.actor, check)) return;
  throw new HttpError(403, forbiddenMessage(t.actor, kind, check.namespace, { verb: 'update', name: t.name }));
}

const editsInFlight = new Set<string>();

/**
 * One edit at a time per person on this replica: a body is parsed on the
 * event loop, so a person sending many large edits at once would otherwise
 * queue up seconds of parsing that every other user waits behind.
 */
export async function oneEditAtATime<T>(actor: Actor, work: () => Promise<T>): Promise<T> {
  if (editsInFlight.has(actor.name)) throw new HttpError(429, 'another edit of yours is still being processed; send the next one when it is done', { 'Retry-After': '1' });
  editsInFlight.add(actor.name);
  try {
    return await work();
  } finally {
    editsInFlight.delete(actor.name);
  }
}

/** The object's Events, read as the person. */
export async function objectEvents(t: Target): Promise<KubeObject[]> {
  const { kind, kc } = asUser(t);
  const namespace = kind.namespaced ? t.namespace : 'default';
  const query = { fieldSelector: `involvedObject.name=${t.name},involvedObject.kind=${kind.kind}`, limit: 500 };
  const list = await kubeJson<{ items?: KubeObject[] }>(kc, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`, query, timeoutMs: 15_000 }).catch(fromKube);
  return list.items ?? [];
}
