/**
 * Deletion as the apiserver's registry does it, shared by DELETE requests, the
 * garbage collector, the kubelet and eviction:
 *
 * - `propagationPolicy` Orphan or Foreground puts the `orphan` or `foregroundDeletion`
 *   finalizer on the object (the garbage collector acts on them, then removes them);
 *   Background (the default) puts neither.
 * - Pods bound to a node and not finished are deleted gracefully: `deletionTimestamp`
 *   (now + grace period) and `deletionGracePeriodSeconds` are set and the pod stays,
 *   Terminating, until its kubelet has stopped it and deletes it with grace period 0.
 *   `gracePeriodSeconds` comes from the options, else the pod's
 *   `terminationGracePeriodSeconds` (30); a second delete can only shorten it.
 * - Any object with finalizers stays, being deleted, until they are all removed; the
 *   store removes it on the update that takes the last one away.
 * - Everything else is removed at once.
 */
import type { Store } from './store';
import type { KubeObject } from './types';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  orphanDependents?: boolean;
  propagationPolicy?: string;
  dryRun?: string[];
}

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const DEFAULT_POD_GRACE_SECONDS = 30;

export interface Deletion {
  /** The object as removed, or as it now stands being deleted. */
  object: KubeObject;
  /** Whether it is gone from the store. */
  removed: boolean;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The finalizers an object carries once deleted with these options (the garbage collector's two replaced per policy). */
function finalizersFor(o: KubeObject, opts: DeleteOptions): string[] {
  const current = o.metadata.finalizers ?? [];
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === undefined ? undefined : opts.orphanDependents ? 'Orphan' : 'Background');
  const orphan = policy === undefined ? current.includes(ORPHAN_FINALIZER) : policy === 'Orphan';
  const foreground = policy === undefined ? current.includes(FOREGROUND_FINALIZER) : policy === 'Foreground';
  const kept = current.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (orphan) kept.push(ORPHAN_FINALIZER);
  if (foreground) kept.push(FOREGROUND_FINALIZER);
  return kept;
}

/** The grace period a delete gives this object: pods on a node that are not finished get one; nothing else does. */
export function gracePeriodFor(key: string, o: KubeObject, opts: DeleteOptions): number {
  if (key !== '/pods') return 0;
  const spec = o.spec as Obj;
  const phase = (o.status as Obj)?.phase;
  if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
  return grace < 0 ? 1 : grace;
}

function sameList(a: string[] | undefined, b: string[]): boolean {
  return (a ?? []).length === b.length && b.every((x, i) => a![i] === x);
}

/** Deletes (or starts deleting) a stored object; see the file comment. `dryRun` computes the outcome without storing it. */
export function deleteStored(store: Store, key: string, o: KubeObject, opts: DeleteOptions = {}, dryRun = false, now = Date.now()): Deletion {
  const finalizers = finalizersFor(o, opts);
  const grace = gracePeriodFor(key, o, opts);
  const meta = o.metadata;
  const finalizersChanged = !sameList(meta.finalizers, finalizers);
  if (meta.deletionTimestamp) {
    // Already being deleted: a delete may only shorten the grace period or change the GC finalizers.
    const current = meta.deletionGracePeriodSeconds ?? 0;
    const shorter = grace < current;
    if (!shorter && !finalizersChanged) return { object: o, removed: false };
    const next: KubeObject = { ...o, metadata: { ...meta, finalizers } };
    if (shorter) {
      next.metadata.deletionTimestamp = isoSeconds(now + grace * 1000);
      next.metadata.deletionGracePeriodSeconds = grace;
    }
    if (!finalizers.length) delete next.metadata.finalizers;
    return commit(store, key, next, dryRun);
  }
  if (grace === 0 && finalizers.length === 0) {
    if (dryRun) return { object: o, removed: true };
    return { object: store.delete(key, meta.namespace, meta.name!)!, removed: true };
  }
  const next: KubeObject = { ...o, metadata: { ...meta, deletionTimestamp: isoSeconds(now + grace * 1000), deletionGracePeriodSeconds: grace, finalizers } };
  if (!finalizers.length) delete next.metadata.finalizers;
  if (grace > 0 && meta.generation !== undefined) next.metadata.generation = meta.generation + 1;
  return commit(store, key, next, dryRun);
}

function commit(store: Store, key: string, next: KubeObject, dryRun: boolean): Deletion {
  if (dryRun) return { object: next, removed: false };
  const stored = store.update(key, next);
  return { object: stored, removed: store.get(key, next.metadata.namespace, next.metadata.name!) !== stored };
}

/** Whether a being-deleted object still waits for its kubelet (a pod inside its grace period). */
export function inGracePeriod(o: KubeObject): boolean {
  return Boolean(o.metadata.deletionTimestamp) && (o.metadata.deletionGracePeriodSeconds ?? 0) > 0;
}
