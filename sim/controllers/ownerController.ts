import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { controllerOf, WorkQueue } from './runtime';

export interface Ownership {
  /** Store key of the owning kind (e.g. deployments). */
  key: string;
  /** Store key of what it creates (e.g. replicasets). */
  childKey: string;
  /** The owner's kind as children name it in their controller reference. */
  kind: string;
  /** Which stored owners need a first sync at start-up (default: all). */
  initially?: (owner: KubeObject) => boolean;
}

/**
 * The shape every owning controller shares: a work queue of owners, filled at
 * start-up and whenever an owner changes or one of its children does.
 */
export abstract class OwnerController {
  protected readonly queue: WorkQueue;

  constructor(
    protected readonly store: Store,
    private readonly owns: Ownership,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    for (const owner of store.iterate(owns.key)) if (!owns.initially || owns.initially(owner)) this.queue.add(owner.metadata.namespace, owner.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === this.owns.key && e.type !== 'DELETED') this.queue.add(e.object.metadata.namespace, e.object.metadata.name!);
    if (e.key === this.owns.childKey) {
      const owner = controllerOf(e.object);
      if (owner?.kind === this.owns.kind) this.queue.add(e.object.metadata.namespace, owner.name);
    }
  }

  protected abstract sync(namespace: string, name: string): void;
}
