import type { Row } from '../../lib/kinds/types';
import type { Delta } from '../../lib/live/protocol';

/** What an informer owner publishes for one (cluster, kind). */
export type BusMessage =
  /** A new history begins: the full row set at `seq`. */
  | { type: 'reset'; epoch: string; seq: number; rows: Row[] }
  | { type: 'delta'; epoch: string; delta: Delta; /** When the informer received the change (ms). */ at: number };

/**
 * Carries informer output to every replica's mirror. In memory with one
 * replica; Redis (streams for deltas) when the portal runs as a fleet.
 */
export interface DeltaBus {
  publish(topic: string, message: BusMessage): void;
  subscribe(topic: string, handler: (message: BusMessage) => void): () => void;
}

export class MemoryDeltaBus implements DeltaBus {
  private readonly handlers = new Map<string, Set<(message: BusMessage) => void>>();

  publish(topic: string, message: BusMessage): void {
    for (const handler of this.handlers.get(topic) ?? []) handler(message);
  }

  subscribe(topic: string, handler: (message: BusMessage) => void): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.handlers.delete(topic);
    };
  }
}

/**
 * Who runs the informer for a topic. With one replica it is always this one;
 * a fleet takes a lease in Redis so exactly one replica watches the apiserver.
 */
export interface InformerLease {
  /** Resolves true when this replica owns `topic` until `signal` aborts. */
  acquire(topic: string, signal: AbortSignal): Promise<boolean>;
}

export class LocalLease implements InformerLease {
  async acquire(): Promise<boolean> {
    return true;
  }
}
