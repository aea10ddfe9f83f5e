import { yardMetrics } from '../yard/metrics';
import type { RedisCommander } from './redisScripts';

/** Ids of the yards with a saved document in Redis. */
const KEPT = 'crowsnest:yards:kept';
/** Yards Redis lost with its data while no replica had them open: id → when a replica noticed (ISO time). */
const LOST = 'crowsnest:yards:lost';
/** Moves whenever the kept yards, the lost ones or the catalog change: replicas re-read them then. */
const VERSION = 'crowsnest:yards:version';

/**
 * What Redis holds of the yards, remembered by each replica so that, when
 * Redis loses its data (restarted without persistence, flushed), a yard it
 * lost can be told from a new, empty one. A replica re-reads the yards with a
 * saved document, those recorded as lost and the yards people made whenever
 * the version moves; after a loss it records the yards it remembers as lost
 * and lists the yards people made again. A yard that opens empty and is
 * recorded as lost is said to be so; its first saved change clears the record.
 * A replica that started after the loss knows nothing of what was there.
 */
export class LostYards {
  /** The version last read (undefined: never read). */
  private version: string | null | undefined;
  private kept = new Set<string>();
  private lost = new Map<string, string>();
  /** The catalog as last read, flat (id, JSON, id, JSON …). */
  private catalog: string[] = [];

  constructor(
    private readonly redis: RedisCommander,
    private readonly catalogKey: string,
  ) {}

  /** Re-reads what Redis holds of the yards, when it changed since the last read. */
  async refresh(): Promise<void> {
    const version = await this.redis.sendCommand<string | null>(['GET', VERSION]);
    if (version === this.version) return;
    const [kept, lost, catalog] = await Promise.all([
      this.redis.sendCommand<string[]>(['SMEMBERS', KEPT]),
      this.redis.sendCommand<string[]>(['HGETALL', LOST]),
      this.redis.sendCommand<string[]>(['HGETALL', this.catalogKey]),
    ]);
    this.kept = new Set(kept);
    this.lost = new Map();
    for (let i = 0; i + 1 < lost.length; i += 2) this.lost.set(lost[i], lost[i + 1]);
    this.catalog = catalog;
    this.version = version;
    yardMetrics.saved.set(this.kept.size);
  }

  /**
   * Redis lost its data: the yards remembered with a saved document (and those already lost) are recorded as
   * lost, and the yards people made are put back in the catalog. Returns how many yards were recorded.
   */
  async recordLoss(): Promise<number> {
    const noticed = new Date().toISOString();
    const lost = new Map(this.lost);
    for (const id of this.kept) if (!lost.has(id)) lost.set(id, noticed);
    const writes: Array<Promise<unknown>> = [...lost].map(([id, at]) => this.redis.sendCommand(['HSETNX', LOST, id, at]));
    for (let i = 0; i + 1 < this.catalog.length; i += 2) writes.push(this.redis.sendCommand(['HSETNX', this.catalogKey, this.catalog[i], this.catalog[i + 1]]));
    await Promise.all(writes);
    if (writes.length) await this.redis.sendCommand(['INCR', VERSION]);
    return lost.size;
  }

  /** A change of yard `id` was saved: it has a saved document (again). */
  async saved(id: string): Promise<void> {
    const [added, cleared] = await Promise.all([this.redis.sendCommand<number>(['SADD', KEPT, id]), this.redis.sendCommand<number>(['HDEL', LOST, id])]);
    if (added || cleared) await this.redis.sendCommand(['INCR', VERSION]);
  }

  /** Yard `id` was deleted, or is made anew: it is neither kept nor lost. */
  async forget(id: string): Promise<void> {
    const [removed, cleared] = await Promise.all([this.redis.sendCommand<number>(['SREM', KEPT, id]), this.redis.sendCommand<number>(['HDEL', LOST, id])]);
    if (removed || cleared) await this.redis.sendCommand(['INCR', VERSION]);
  }

  /** The catalog changed (a yard made, renamed or deleted). */
  async catalogChanged(): Promise<void> {
    await this.redis.sendCommand(['INCR', VERSION]);
  }

  /** When a replica noticed Redis had lost yard `id`, if it is recorded as lost. */
  lostAt(id: string): Promise<string | null> {
    return this.redis.sendCommand<string | null>(['HGET', LOST, id]);
  }
}
