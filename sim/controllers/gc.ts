/**
 * The garbage collector: when an object is deleted, everything whose ownerReferences
 * name its uid is deleted too (background propagation), which cascades down further
 * through those objects' own deletions.
 */
import type { Store, StoreEvent } from '../store';
import { type OwnerIndex, type Ref } from './runtime';

export class GarbageCollector {
  private pending: { ref: Ref; owner: string }[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly owners: OwnerIndex,
    private readonly signal: AbortSignal,
  ) {}

  /** Call after the owner index has seen the event. */
  onEvent(e: StoreEvent): void {
    if (e.type !== 'DELETED') return;
    const deps = this.owners.dependents(e.object.metadata.uid!);
    if (deps.length === 0) return;
    for (const ref of deps) this.pending.push({ ref, owner: e.object.metadata.uid! });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.collect());
    }
  }

  private collect(): void {
    this.scheduled = false;
    const work = this.pending;
    this.pending = [];
    for (const { ref: r, owner } of work) {
      if (this.signal.aborted) return;
      const o = this.store.get(r.key, r.namespace || undefined, r.name);
      // Orphaned meanwhile (the reference was removed)? Then it stays.
      if (!o?.metadata.ownerReferences?.some((ref) => ref.uid === owner)) continue;
      // Still owned by something else that exists? Then it stays too.
      const alive = o.metadata.ownerReferences.some((ref) => ref.uid !== owner && this.owners.exists(ref.uid));
      if (!alive) this.store.delete(r.key, r.namespace || undefined, r.name);
    }
  }
}
