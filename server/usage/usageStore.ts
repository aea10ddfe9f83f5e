import type { MetricsState } from '../../lib/usage';
import { RingBuffer } from './ringBuffer';
import type { UsageSample } from './sample';

/** How long samples are kept. */
export const USAGE_WINDOW_MS = 3600_000;

/**
 * Where a cluster's usage samples and the state of its metrics API live: in
 * this process (one replica), or in Redis, written by the one replica that
 * samples and read by all (a fleet).
 */
export interface UsageStore {
  append(cluster: string, sample: UsageSample): Promise<void>;
  /** Samples from `sinceMs` on, oldest first. */
  samples(cluster: string, sinceMs: number): Promise<UsageSample[]>;
  latest(cluster: string): Promise<UsageSample | undefined>;
  setState(cluster: string, state: MetricsState): Promise<void>;
  state(cluster: string): Promise<MetricsState | undefined>;
}

/** Samples for the last hour at `intervalMs`, and one to spare. */
export function capacityFor(intervalMs: number): number {
  return Math.ceil(USAGE_WINDOW_MS / intervalMs) + 1;
}

/** One replica: a ring buffer per cluster. */
export class MemoryUsageStore implements UsageStore {
  private readonly rings = new Map<string, RingBuffer<UsageSample>>();
  private readonly states = new Map<string, MetricsState>();

  constructor(private readonly capacity: number) {}

  private ring(cluster: string): RingBuffer<UsageSample> {
    let ring = this.rings.get(cluster);
    if (!ring) this.rings.set(cluster, (ring = new RingBuffer(this.capacity)));
    return ring;
  }

  async append(cluster: string, sample: UsageSample): Promise<void> {
    this.ring(cluster).push(sample);
  }

  async samples(cluster: string, sinceMs: number): Promise<UsageSample[]> {
    return (this.rings.get(cluster)?.toArray() ?? []).filter((s) => s.t >= sinceMs);
  }

  async latest(cluster: string): Promise<UsageSample | undefined> {
    return this.rings.get(cluster)?.last();
  }

  async setState(cluster: string, state: MetricsState): Promise<void> {
    this.states.set(cluster, state);
  }

  async state(cluster: string): Promise<MetricsState | undefined> {
    return this.states.get(cluster);
  }

  /** The cluster left the portal. */
  forget(cluster: string): void {
    this.rings.delete(cluster);
    this.states.delete(cluster);
  }
}
