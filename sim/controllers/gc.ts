/**
 * The garbage collector, fed by the change feed:
 *
 * - Background: when an owner is gone, each dependent none of whose other owners
 *   still exists is deleted (pods gracefully), which cascades further down.
 * - Orphan: an owner being deleted with the `orphan` finalizer has its uid removed
 *   from every dependent's ownerReferences, then loses the finalizer (and goes).
 * - Foreground: an owner being deleted with the `foregroundDeletion` finalizer has its
 *   dependents deleted — those that block it (`blockOwnerDeletion`) in foreground too —
 *   and loses the finalizer once no blocking dependent is left.
 *
 * Work is queued off the synchronous feed and done on a later turn.
 */
import { deleteStored, FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../deletion';
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { type OwnerIndex, type Ref } from './runtime';

function finalizing(o: KubeObject): boolean {
  const f = o.metadata.finalizers ?? [];
  return Boolean(o.metadata.deletionTimestamp) && (f.includes(ORPHAN_FINALIZER) || f.includes(FOREGROUND_FINALIZER));
}

export class GarbageCollector {
  private orphaned: { ref: Ref; owner: string }[] = [];
  /** uid → where an owner being deleted with a GC finalizer is stored. */
  private deleting = new Map<string, Ref>();
  /** uids of such owners waiting to be processed. */
  private dirty = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly owners: OwnerIndex,
    private readonly signal: AbortSignal,
  ) {
    for (const key of store.keys()) for (const o of store.iterate(key)) if (finalizing(o)) this.track(key, o);
  }

  private track(key: string, o: KubeObject): void {
    const uid = o.metadata.uid!;
    this.deleting.set(uid, { key, namespace: o.metadata.namespace ?? '', name: o.metadata.name! });
    this.dirty.add(uid);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.collect());
  }

  /** Call after the owner index has seen the event. */
  onEvent(e: StoreEvent): void {
    const uid = e.object.metadata.uid!;
    if (e.type !== 'DELETED' && finalizing(e.object)) this.track(e.key, e.object);
    else this.deleting.delete(uid);
    // A dependent that went or dropped a reference may unblock an owner deleting in the foreground.
    for (const ref of e.previous?.metadata.ownerReferences ?? []) {
      if (this.deleting.has(ref.uid)) {
        this.dirty.add(ref.uid);
        this.schedule();
      }
    }
    if (e.type !== 'DELETED') return;
    const deps = this.owners.dependents(uid);
    if (deps.length === 0) return;
    for (const ref of deps) this.orphaned.push({ ref, owner: uid });
    this.schedule();
  }

  private collect(): void {
    this.scheduled = false;
    if (this.signal.aborted) return;
    const work = this.orphaned;
    this.orphaned = [];
    for (const { ref, owner } of work) this.collectDependent(ref, owner);
    const dirty = [...this.dirty];
    this.dirty.clear();
    for (const uid of dirty) {
      if (this.signal.aborted) return;
      const ref = this.deleting.get(uid);
      const o = ref && this.store.get(ref.key, ref.namespace || undefined, ref.name);
      if (!o || o.metadata.uid !== uid || !finalizing(o)) continue;
      if (o.metadata.finalizers!.includes(ORPHAN_FINALIZER)) this.orphan(ref.key, o);
      else this.deleteInForeground(ref.key, o);
    }
  }

  /** Background: a dependent whose owner went, unless it was orphaned meanwhile or another owner lives. */
  private collectDependent(r: Ref, owner: string): void {
    const o = this.store.get(r.key, r.namespace || undefined, r.name);
    if (!o?.metadata.ownerReferences?.some((ref) => ref.uid === owner)) return;
    const alive = o.metadata.ownerReferences.some((ref) => ref.uid !== owner && this.owners.exists(ref.uid));
    if (!alive) deleteStored(this.store, r.key, o, { propagationPolicy: 'Background' });
  }

  private orphan(key: string, owner: KubeObject): void {
    const uid = owner.metadata.uid!;
    for (const r of this.owners.dependents(uid)) {
      const dep = this.store.get(r.key, r.namespace || undefined, r.name);
      const refs = dep?.metadata.ownerReferences;
      if (!dep || !refs?.some((ref) => ref.uid === uid)) continue;
      const rest = refs.filter((ref) => ref.uid !== uid);
      const { ownerReferences: _dropped, ...kept } = dep.metadata;
      this.store.update(r.key, { ...dep, metadata: rest.length ? { ...kept, ownerReferences: rest } : kept });
    }
    this.dropFinalizer(key, owner, ORPHAN_FINALIZER);
  }

  private deleteInForeground(key: string, owner: KubeObject): void {
    const uid = owner.metadata.uid!;
    let blocked = false;
    for (const r of this.owners.dependents(uid)) {
      const dep = this.store.get(r.key, r.namespace || undefined, r.name);
      const ref = dep?.metadata.ownerReferences?.find((x) => x.uid === uid);
      if (!dep || !ref) continue;
      if (ref.blockOwnerDeletion) blocked = true;
      if (!dep.metadata.deletionTimestamp) deleteStored(this.store, r.key, dep, { propagationPolicy: ref.blockOwnerDeletion ? 'Foreground' : 'Background' });
    }
    if (!blocked) this.dropFinalizer(key, owner, FOREGROUND_FINALIZER);
  }

  /** Removes one finalizer; the store removes the owner if it was the last. */
  private dropFinalizer(key: string, owner: KubeObject, finalizer: string): void {
    const current = this.store.get(key, owner.metadata.namespace, owner.metadata.name!);
    if (!current || current.metadata.uid !== owner.metadata.uid) return;
    const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const { finalizers: _old, ...meta } = current.metadata;
    this.store.update(key, { ...current, metadata: finalizers.length ? { ...meta, finalizers } : meta });
  }
}
