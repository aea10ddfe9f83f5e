/**
 * What the namespace controller does to a Terminating namespace, one pass at a time:
 * every object left in it is deleted as a DELETE would (pods gracefully, objects with
 * finalizers held until those are removed); while anything remains, the namespace's
 * conditions say what and why, and the pass is repeated; once nothing is left the
 * namespace itself goes.
 */
import { deleteStored } from './deletion';
import type { Store } from './store';
import type { KubeObject } from './types';

export const NAMESPACES = '/namespaces';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export interface NamespaceDrain {
  store: Store;
  /** Runs `fn` after `ms`, unless the simulator has closed. */
  later(ms: number, fn: () => void): void;
  /** How long to wait before the next pass while content remains. */
  retryMs: number;
  /** Called for each object whose deletion has started but not finished (a pod in its grace period). */
  deleting(key: string, object: KubeObject): void;
}

/** `pods.` for the core group, `statefulsets.apps` otherwise, as the controller names resources. */
function resourceName(key: string): string {
  const [group, resource] = key.split('/');
  return `${resource}.${group}`;
}

function conditions(now: string, remaining: Map<string, number>, finalizers: Map<string, number>): Obj[] {
  const counted = (m: Map<string, number>, form: (k: string, n: number) => string) => [...m.keys()].sort().map((k) => form(k, m.get(k)!)).join(', ');
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, lastTransitionTime: now, reason, message });
  return [
    c('NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'),
    c('NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
    c('NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
    remaining.size
      ? c('NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${counted(remaining, (k, n) => `${k} has ${n} resource instances`)}`)
      : c('NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'),
    finalizers.size
      ? c('NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${counted(finalizers, (k, n) => `${k} in ${n} resource instances`)}`)
      : c('NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
  ];
}

/** One pass over a Terminating namespace; see the file comment. */
export function drainNamespace(d: NamespaceDrain, name: string): void {
  const { store } = d;
  const ns = store.get(NAMESPACES, undefined, name);
  if (!ns?.metadata.deletionTimestamp) return;
  const keys = store.keys().filter((k) => k !== NAMESPACES);
  for (const key of keys) {
    for (const o of store.list(key, name)) {
      if (o.metadata.deletionTimestamp) continue;
      const done = deleteStored(store, key, o);
      if (!done.removed) d.deleting(key, done.object);
    }
  }
  const remaining = new Map<string, number>();
  const finalizers = new Map<string, number>();
  for (const key of keys) {
    const left = store.list(key, name);
    if (left.length) remaining.set(resourceName(key), left.length);
    for (const o of left) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
  }
  if (!remaining.size) {
    store.delete(NAMESPACES, undefined, name);
    return;
  }
  const current = store.get(NAMESPACES, undefined, name)!;
  const status = current.status as Obj;
  const next = conditions(new Date().toISOString().replace(/\.\d+Z$/, 'Z'), remaining, finalizers);
  const same = (a: Obj[] | undefined) => JSON.stringify((a ?? []).map((x) => [x.type, x.status, x.message])) === JSON.stringify(next.map((x) => [x.type, x.status, x.message]));
  if (!same(status?.conditions)) store.update(NAMESPACES, { ...current, status: { ...status, phase: 'Terminating', conditions: next } });
  d.later(d.retryMs, () => drainNamespace(d, name));
}
