import type { Row } from '../../lib/kinds/types';
import type { Delta, KindHealth, Position } from '../../lib/live/protocol';
import { LocalLease, MemoryDeltaBus, type BusMessage, type DeltaBus, type InformerLease, type Ownership, type TopicState } from '../live/deltaBus';
import type { FleetLink } from './fleetLink';

/**
 * The bus of a fleet that outlives Redis: the Redis bus while the link is up,
 * this replica's own memory bus while it is down. Subscribers move with the
 * mode; the informers' ownership is lost at every switch (see SwitchingLease),
 * so the next owner begins on the bus now in use, and mirrors get its state as
 * a reset (clients re-snapshot from a new epoch when history could not carry over).
 */
export class SwitchingBus implements DeltaBus {
  private readonly local = new MemoryDeltaBus();
  private readonly subscriptions = new Set<{ topic: string; handler: (message: BusMessage) => void; off: () => void }>();
  private readonly healthListeners = new Set<{ topic: string; listener: (health: KindHealth) => void; off: () => void }>();

  constructor(
    private readonly shared: DeltaBus,
    private readonly link: FleetLink,
  ) {
    link.onChange(() => {
      for (const sub of this.subscriptions) {
        sub.off();
        sub.off = this.active().subscribe(sub.topic, sub.handler);
      }
      for (const sub of this.healthListeners) {
        sub.off();
        sub.off = this.active().onHealth(sub.topic, sub.listener);
      }
    });
  }

  private active(): DeltaBus {
    return this.link.state === 'up' ? this.shared : this.local;
  }

  current(topic: string): Promise<TopicState | null> {
    return this.active().current(topic);
  }

  reset(topic: string, fence: string, rows: Row[]): Promise<Position> {
    return this.active().reset(topic, fence, rows);
  }

  append(topic: string, fence: string, epoch: string, delta: Delta, at: number): Promise<void> {
    return this.active().append(topic, fence, epoch, delta, at);
  }

  subscribe(topic: string, handler: (message: BusMessage) => void): () => void {
    const sub = { topic, handler, off: this.active().subscribe(topic, handler) };
    this.subscriptions.add(sub);
    return () => {
      sub.off();
      this.subscriptions.delete(sub);
    };
  }

  setHealth(topic: string, fence: string, health: KindHealth): Promise<void> {
    return this.active().setHealth(topic, fence, health);
  }

  onHealth(topic: string, listener: (health: KindHealth) => void): () => void {
    const sub = { topic, listener, off: this.active().onHealth(topic, listener) };
    this.healthListeners.add(sub);
    return () => {
      sub.off();
      this.healthListeners.delete(sub);
    };
  }

  onCorrupt(topic: string, listener: (why: string) => void): () => void {
    return this.shared.onCorrupt?.(topic, listener) ?? (() => undefined);
  }
}

/**
 * Leases that follow the link: Redis leases while it is up, local ones (this
 * replica owns every kind it serves) while it is down. A switch ends every
 * ownership of the other mode, so no informer writes to a bus no longer in use.
 */
export class SwitchingLease implements InformerLease {
  private readonly local = new LocalLease();
  private readonly switched = new Set<() => void>();

  constructor(
    private readonly shared: InformerLease,
    private readonly link: FleetLink,
  ) {
    link.onChange(() => {
      for (const notify of [...this.switched]) notify();
    });
  }

  /** Aborts at the next switch of mode. */
  private nextSwitch(): { signal: AbortSignal; dispose: () => void } {
    const controller = new AbortController();
    const notify = () => controller.abort(new Error('the fleet link changed'));
    this.switched.add(notify);
    return { signal: controller.signal, dispose: () => this.switched.delete(notify) };
  }

  async acquire(topic: string, signal: AbortSignal): Promise<Ownership | null> {
    while (!signal.aborted) {
      const mode = this.link.state;
      const change = this.nextSwitch();
      const ownership = await (mode === 'up' ? this.shared : this.local).acquire(topic, AbortSignal.any([signal, change.signal]));
      if (ownership && !change.signal.aborted) {
        const lost = AbortSignal.any([ownership.lost, change.signal]);
        lost.addEventListener('abort', change.dispose, { once: true });
        return { fence: ownership.fence, lost, release: () => ownership.release() };
      }
      change.dispose();
      await ownership?.release();
    }
    return null;
  }
}
