/**
 * The garbage collector: when an object is deleted, everything whose ownerReferences
 * name its uid is deleted too (background propagation), which cascades down further
 * through those objects' own deletions.
 */
import type { Store, StoreEvent } from '../store';
import { type OwnerIndex, type Ref } from './runtime';

export class GarbageCollector {
  private pending: Ref[] = [];
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
    this.pending.push(...deps);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.collect());
    }
  }

  private collect(): void {
    this.scheduled = false;
    const work = this.pending;
    this.pending = [];
    for (const r of work) {
      if (this.signal.aborted) return;
      const o = this.store.get(r.key, r.namespace || undefined, r.name);
      // Still owned by something that exists? Then it stays (another owner keeps it).
      if (!o) continue;
      const alive = (o.metadata.ownerReferences ?? []).some((ref) => this.owners.exists(ref.uid));
      if (!alive) this.store.delete(r.key, r.namespace || undefined, r.name);
    }
  }
}
