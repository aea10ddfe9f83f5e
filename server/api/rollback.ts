import type { Actor } from '../../lib/actor';
import type { KubeObject } from '../../lib/kinds/types';
import { HttpError } from '../http/errors';
import { kubeConfigActingAs } from '../kube/actingAs';
import { kubeJson } from '../kube/kubeRequest';
import { log } from '../log';
import type { LiveData } from '../live/liveData';
import { fromKube, objectPath, resolveKind } from './actions';

/**
 * Rollout history and rollback, as `kubectl rollout history` and `rollout undo`
 * see them: a Deployment's revisions are its ReplicaSets (numbered by their
 * revision annotation), a StatefulSet's or DaemonSet's are its ControllerRevisions.
 * Everything is read and written as the person.
 */

export const ROLLABLE = ['deployments', 'statefulsets', 'daemonsets'];

const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const TEMPLATE_HASH = 'pod-template-hash';

export interface Revision {
  revision: number;
  /** The ReplicaSet or ControllerRevision holding it. */
  source: { kind: 'ReplicaSet' | 'ControllerRevision'; name: string };
  createdAt?: string;
  images: string[];
  changeCause?: string;
  /** The revision the workload runs now. */
  current: boolean;
  /** Pods of that revision (ReplicaSets only). */
  replicas?: number;
}

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

function imagesOf(template: unknown): string[] {
  const spec = rec(rec(template).spec);
  return [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])].map((c) => String(rec(c).image ?? ''));
}

function ownedBy(workload: KubeObject, object: KubeObject): boolean {
  return (object.metadata?.ownerReferences ?? []).some((o) => o.uid === workload.metadata?.uid && o.controller === true);
}

/** A template without the label the Deployment controller adds to each ReplicaSet's copy. */
export function withoutTemplateHash(template: unknown): Json {
  const copy = structuredClone(rec(template));
  const metadata = rec(copy.metadata);
  const labels = { ...rec(metadata.labels) };
  delete labels[TEMPLATE_HASH];
  if (copy.metadata !== undefined) copy.metadata = { ...metadata, labels };
  return copy;
}

/** A Deployment's revisions, newest first, from the ReplicaSets it controls. */
export function deploymentHistory(deployment: KubeObject, replicaSets: KubeObject[]): Revision[] {
  const current = Number(deployment.metadata?.annotations?.[REVISION] ?? NaN);
  return replicaSets
    .filter((rs) => ownedBy(deployment, rs))
    .map((rs) => {
      const revision = Number(rs.metadata?.annotations?.[REVISION] ?? NaN);
      return {
        revision,
        source: { kind: 'ReplicaSet' as const, name: rs.metadata?.name ?? '' },
        createdAt: rs.metadata?.creationTimestamp,
        images: imagesOf(rec(rs.spec).template),
        changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE],
        current: revision === current,
        replicas: typeof rec(rs.status).replicas === 'number' ? (rec(rs.status).replicas as number) : 0,
      };
    })
    .filter((r) => Number.isInteger(r.revision) && r.revision > 0)
    .sort((a, b) => b.revision - a.revision);
}

/** A StatefulSet's or DaemonSet's revisions, newest first, from its ControllerRevisions. */
export function controllerHistory(workload: KubeObject, revisions: KubeObject[]): Revision[] {
  const currentName = String(rec(workload.status).updateRevision ?? rec(workload.status).currentRevision ?? '');
  const owned = revisions.filter((r) => ownedBy(workload, r)).filter((r) => Number.isInteger(r.revision) && Number(r.revision) > 0);
  const newest = Math.max(0, ...owned.map((r) => Number(r.revision)));
  return owned
    .map((r) => ({
      revision: Number(r.revision),
      source: { kind: 'ControllerRevision' as const, name: r.metadata?.name ?? '' },
      createdAt: r.metadata?.creationTimestamp,
      images: imagesOf(rec(rec(r.data).spec).template),
      changeCause: r.metadata?.annotations?.[CHANGE_CAUSE],
      current: currentName ? r.metadata?.name === currentName : Number(r.revision) === newest,
    }))
    .sort((a, b) => b.revision - a.revision);
}

/** Parses the revision asked for: a whole number from 1 (`0` would mean "the previous one" to kubectl; here the page names one). */
export function parseRevision(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new HttpError(400, 'revision must be a whole number from 1: one of the revisions in the rollout history');
  return value;
}

interface Target {
  live: LiveData;
  cluster: string;
  token: string;
  namespace: string;
  name: string;
  actor: Actor;
  requestId: string;
}

function asUser(t: Target) {
  if (!ROLLABLE.includes(t.token)) throw new HttpError(400, `rollout history applies to ${ROLLABLE.join(', ')}, not ${t.token}`);
  const kind = resolveKind(t.live, t.cluster, t.token, t.namespace);
  return { kind, kc: kubeConfigActingAs(t.live.cluster(t.cluster).cluster.kubeConfig, t.actor), path: objectPath(kind, t.namespace, t.name) };
}

async function read(t: Target): Promise<{ workload: KubeObject; history: Revision[]; sources: KubeObject[] }> {
  const { kc, path } = asUser(t);
  const workload = await kubeJson<KubeObject>(kc, { path, timeoutMs: 15_000 }).catch(fromKube);
  const selector = Object.entries(rec(rec(rec(workload.spec).selector).matchLabels))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  const resource = t.token === 'deployments' ? 'replicasets' : 'controllerrevisions';
  const list = await kubeJson<{ items?: KubeObject[] }>(kc, {
    path: `/apis/apps/v1/namespaces/${encodeURIComponent(t.namespace)}/${resource}`,
    query: { labelSelector: selector || undefined },
    timeoutMs: 15_000,
  }).catch(fromKube);
  const sources = list.items ?? [];
  return { workload, sources, history: t.token === 'deployments' ? deploymentHistory(workload, sources) : controllerHistory(workload, sources) };
}

/** The workload's rollout history, newest first. */
export async function rolloutHistory(t: Target): Promise<Revision[]> {
  return (await read(t)).history;
}

/**
 * Rolls the workload back to a revision of its history as the person: its pod
 * template becomes that revision's again (a new revision, as with kubectl).
 * A revision not in the history is a 404 saying so; the current one is a no-op.
 */
export async function rollback(t: Target, revision: number): Promise<{ object: KubeObject; message: string }> {
  const { kc, path } = asUser(t);
  const { workload, history, sources } = await read(t);
  const target = history.find((r) => r.revision === revision);
  if (!target) {
    const known = history.map((r) => r.revision).sort((a, b) => a - b);
    throw new HttpError(404, `unable to find specified revision ${revision} in history of ${t.token.replace(/s$/, '')} "${t.name}"${known.length ? ` (it has ${known.join(', ')})` : ' (it has none)'}`);
  }
  if (target.current) return { object: workload, message: `skipped rollback (current template already matches revision ${revision})` };
  const source = sources.find((s) => s.metadata?.name === target.source.name)!;
  const template = t.token === 'deployments' ? withoutTemplateHash(rec(source.spec).template) : (({ $patch: _, ...rest }) => rest)(rec(rec(rec(source.data).spec).template));
  const patch = [
    // Fails with 409-like "test failed" when the workload changed since it was read: never roll back over a change made meanwhile.
    { op: 'test', path: '/metadata/resourceVersion', value: workload.metadata?.resourceVersion },
    { op: 'replace', path: '/spec/template', value: template },
  ];
  const object = await kubeJson<KubeObject>(kc, { method: 'PATCH', path, headers: { 'Content-Type': 'application/json-patch+json' }, body: JSON.stringify(patch), timeoutMs: 15_000 }).catch(fromKube);
  log.info({ audit: true, requestId: t.requestId, actor: t.actor.name, cluster: t.cluster, kind: t.token, namespace: t.namespace, name: t.name, revision }, 'rolled back');
  return { object, message: `rolled back to revision ${revision}` };
}
