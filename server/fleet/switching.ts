import type { Row } from '../../lib/kinds/types';
import type { Delta, KindHealth, Position } from '../../lib/live/protocol';
import { LocalLease, MemoryDeltaBus, type BusMessage, type DeltaBus, type InformerLease, type Ownership, type TopicState } from '../live/deltaBus';
import type { KubeConfig } from '@kubernetes/client-node';
import type { LogUpstreams } from '../sockets/logs/logHub';
import { Boundary } from '../sockets/logs/logLines';
import type { LogViewer, UpstreamKey } from '../sockets/logs/logUpstream';
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

/**
 * One viewer of a log that may move between the fleet's upstream and this
 * replica's own: at each move it leaves the one and joins the other, which
 * sends its recent lines again; those up to the last line this viewer got
 * are skipped (see Boundary).
 */
class MovingViewer {
  private last: string | null = null;
  private textsAtLast: string[] = [];
  private current: { leave: () => void } | null = null;
  private gone = false;

  constructor(
    private readonly key: UpstreamKey,
    private readonly viewer: LogViewer,
    private readonly kubeConfig: () => KubeConfig,
    private readonly onGone: () => void,
  ) {}

  joinTo(hub: LogUpstreams): void {
    if (this.gone) return;
    const previous = this.current;
    this.current = null;
    previous?.leave();
    const boundary = this.last === null ? null : new Boundary(this.last, this.textsAtLast);
    const membership = { leave: () => undefined as void };
    this.current = membership;
    const current = () => this.current === membership;
    const viewer = this.viewer;
    const wrapped: LogViewer = {
      // After a move, the whole ring: the boundary keeps only what this viewer has not had.
      tailLines: boundary ? undefined : viewer.tailLines,
      sinceSeconds: boundary ? undefined : viewer.sinceSeconds,
      lines: (entries) => {
        const fresh = boundary ? boundary.filter(entries) : entries;
        if (fresh.length === 0 || !current()) return;
        for (const entry of fresh) {
          if (entry.time !== this.last) {
            this.last = entry.time;
            this.textsAtLast = [];
          }
          this.textsAtLast.push(entry.text);
        }
        viewer.lines(fresh);
      },
      skipped: (count) => current() && viewer.skipped?.(count),
      streaming: () => current() && viewer.streaming(),
      ended: (message) => current() && this.end(() => viewer.ended(message)),
      failed: (code, message) => current() && this.end(() => viewer.failed(code, message)),
    };
    membership.leave = hub.join(this.key, wrapped, this.kubeConfig);
  }

  private end(tell: () => void): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone();
    tell();
  }

  leave(): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone();
    this.current?.leave();
  }
}

/**
 * Log upstreams that follow the link: one follow per container for the whole
 * fleet while Redis answers, this replica's own follows while it does not.
 * Viewers move at each switch without losing or repeating lines (as far as
 * their timestamps tell).
 */
export class SwitchingLogHub implements LogUpstreams {
  private readonly viewers = new Set<MovingViewer>();

  constructor(
    private readonly shared: LogUpstreams,
    private readonly local: LogUpstreams,
    private readonly link: FleetLink,
  ) {
    link.onChange(() => {
      for (const viewer of [...this.viewers]) viewer.joinTo(this.active());
    });
  }

  private active(): LogUpstreams {
    return this.link.state === 'up' ? this.shared : this.local;
  }

  join(key: UpstreamKey, viewer: LogViewer, kubeConfig: () => KubeConfig): () => void {
    const moving = new MovingViewer(key, viewer, kubeConfig, () => this.viewers.delete(moving));
    this.viewers.add(moving);
    moving.joinTo(this.active());
    return () => moving.leave();
  }
}
