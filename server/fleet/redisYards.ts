import { randomBytes } from 'node:crypto';
import { sleep } from '../kube/watchLoop';
import { log } from '../log';
import { YardError, type StoredYard, type YardCatalogStore } from '../yard/catalog';
import { yardMetrics } from '../yard/metrics';
import type { OpenedYard, YardListener, YardStorage } from '../yard/storage';
import type { FleetLink } from './fleetLink';
import { LostYards } from './lostYards';
import { RedisScript, type RedisCommander } from './redisScripts';
import { keepTrying, redisBackoffMs } from './retry';

const CATALOG = 'crowsnest:yards';
/** A token written once into an empty Redis: when it changes, Redis lost its data. */
const GENERATION = 'crowsnest:yards:generation';
const PRESENCE = 'crowsnest:yard-presence';
/** The channel on which a replica announces a yard it deleted (JSON: replica, yard, the epoch it had, by whom). */
const DELETED = 'crowsnest:yard-deleted';
const logKey = (id: string) => `crowsnest:yard:{${id}}:log`;
const snapshotKey = (id: string) => `crowsnest:yard:{${id}}:snapshot`;
/**
 * Which yard of this id the saved document belongs to: a token written when a yard is made at run time, and
 * "deleted" (for a day) when it is deleted. Yards from the settings and people's own have none.
 */
const epochKey = (id: string) => `crowsnest:yard:{${id}}:epoch`;
const DELETED_EPOCH = 'deleted';
/** How long a deleted yard's mark stays: a replica that missed the announcement finds it within seconds (see watch). */
const DELETED_TTL_SECONDS = 24 * 3600;

/**
 * Whether the yard in Redis is still the one a replica opened (its epoch, '' for none): the same epoch, or none
 * at all (Redis lost its data; the replica's copy is saved again). Another epoch, or the deleted mark, means
 * the yard was deleted (and maybe made again) since: nothing of the old one may be written.
 */
const SAME_YARD = `
local function same(key, epoch)
  local current = redis.call('GET', key)
  return (not current) or current == epoch
end
`;

/**
 * The yard's epoch, snapshot and every change saved after it, read in one step (a compaction cannot fall
 * between them); only the deleted mark when the yard was deleted. A yard that cannot be deleted (ARGV[1] =
 * '1') whose id a deleted yard had, starts clean instead.
 */
const READ = new RedisScript(`
local epoch = redis.call('GET', KEYS[1])
if epoch == '${DELETED_EPOCH}' then
  if ARGV[1] ~= '1' then return {epoch} end
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  epoch = false
end
local snap = redis.call('HMGET', KEYS[2], 'state', 'upto')
return {epoch or '', snap[1] or '', snap[2] or '', redis.call('XRANGE', KEYS[3], '-', '+')}
`);

/** Saves one change of the yard a replica opened (ARGV[1], its epoch); nil when that yard was deleted. */
const APPEND = new RedisScript(`${SAME_YARD}
if not same(KEYS[1], ARGV[1]) then return false end
return redis.call('XADD', KEYS[2], '*', 'r', ARGV[2], 't', ARGV[3], 'u', ARGV[4])
`);

/** A yard being made: the place is cleared of whatever an earlier yard of its id left, under a new epoch. */
const PREPARE = new RedisScript(`
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`);

/**
 * A yard deleted: its document is dropped, and the mark refuses what replicas still holding it would save.
 * Returns the epoch it had ('' for none).
 */
const ERASE = new RedisScript(`
local epoch = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SET', KEYS[1], '${DELETED_EPOCH}', 'EX', ARGV[1])
return epoch or ''
`);

/**
 * Replaces the snapshot with a newer one and drops the changes it holds. A
 * replica's copy holds every change up to the last one it read (ARGV[2]); an
 * older snapshot never replaces a newer one, and a deleted yard's is not written.
 */
const COMPACT = new RedisScript(`${SAME_YARD}
if not same(KEYS[3], ARGV[3]) then return -1 end
local function newer(a, b)
  local am, as = string.match(a, '(%d+)-(%d+)')
  local bm, bs = string.match(b, '(%d+)-(%d+)')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am > bm or (am == bm and as > bs)
end
local current = redis.call('HGET', KEYS[1], 'upto')
if current and not newer(ARGV[2], current) then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'upto', ARGV[2])
redis.call('XTRIM', KEYS[2], 'MINID', ARGV[2])
return 1
`);

type Entry = [id: string, fields: string[]];

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));
const base64 = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');

/** A yard open on this replica: the epoch it was opened under, the last change read, and its room. */
interface Followed {
  epoch: string;
  last: string;
  listener: YardListener;
  /** Whether the yard is recorded as saved since it was opened (or since Redis lost its data). */
  recorded: boolean;
}

/**
 * Yards kept in Redis for a fleet: per yard, a Stream of changes (each tagged
 * with the replica that made it), a snapshot that compaction moves forward and
 * the epoch that says which yard of that id they belong to; the yards people
 * made in a hash. Every replica follows the yards it has open with one
 * blocking XREAD on its own connection; presence and deletions travel by
 * PUBLISH. A write is refused once its yard was deleted, so a replica that has
 * not heard of a deletion yet cannot bring the yard back. Changes made while
 * Redis is unreachable stay in the replica's copy and are saved whole when it
 * answers again; when Redis loses its data, the yards open here are saved
 * again and those nobody had open are recorded as lost (see LostYards).
 */
export class RedisYardStorage implements YardStorage {
  readonly kind = 'redis';
  private readonly followed = new Map<string, Followed>();
  private readonly deletions = new Set<(id: string, by: string | null) => void>();
  private readonly unsaved = new Set<string>();
  private generation: string | null = null;
  private wake: (() => void) | undefined;
  private readonly lost: LostYards;

  readonly catalog: YardCatalogStore = {
    list: async () => {
      const flat = await this.redis.sendCommand<string[]>(['HGETALL', CATALOG]);
      const yards: StoredYard[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        try {
          yards.push(JSON.parse(flat[i + 1]) as StoredYard);
        } catch {
          log.warn({ yard: flat[i] }, 'a yard in Redis could not be read; it is skipped');
        }
      }
      return yards;
    },
    put: async (yard) => {
      await this.redis.sendCommand(['HSET', CATALOG, yard.id, JSON.stringify(yard)]);
      await this.lost.catalogChanged();
    },
    remove: async (id) => {
      await this.redis.sendCommand(['HDEL', CATALOG, id]);
      await this.lost.catalogChanged();
    },
  };

  constructor(
    private readonly redis: RedisCommander,
    /** A connection of its own: XREAD BLOCK holds it. */
    private readonly reader: RedisCommander,
    private readonly replicaId: string,
    private readonly link: FleetLink,
    private readonly signal: AbortSignal,
  ) {
    this.lost = new LostYards(redis, CATALOG);
  }

  /** Starts following, and listening to presence and deletions through `subscribe` (a subscriber connection). */
  start(subscribe: (channel: string, listener: (message: string) => void) => Promise<unknown>): void {
    void this.follow();
    void this.watch();
    this.link.onChange((state) => {
      if (state === 'up') this.resaveUnsaved();
    });
    void keepTrying(this.signal, async () => void (await subscribe(PRESENCE, (message) => this.onPresence(message))));
    void keepTrying(this.signal, async () => void (await subscribe(DELETED, (message) => this.onDeletedElsewhere(message))));
  }

  onDeleted(listener: (id: string, by: string | null) => void): void {
    this.deletions.add(listener);
  }

  async open(id: string, listener: YardListener, { deletable }: { deletable: boolean }): Promise<OpenedYard> {
    const [epoch, state, upto, entries] = await READ.run<[string, string?, string?, Entry[]?]>(this.redis, [epochKey(id), snapshotKey(id), logKey(id)], [deletable ? '0' : '1']);
    if (epoch === DELETED_EPOCH) throw new YardError(410, `yard "${id}" was deleted`);
    const updates = state ? [bytes(state)] : [];
    for (const [, fields] of entries ?? []) {
      const update = field(fields, 'u');
      if (update) updates.push(bytes(update));
    }
    // An empty yard: a new one, or one Redis lost while nobody had it open.
    const lost = updates.length ? null : await this.lost.lostAt(id);
    const last = entries?.length ? entries[entries.length - 1][0] : upto || '0-0';
    const followed: Followed = { epoch, last, listener, recorded: false };
    this.followed.set(id, followed);
    this.wake?.();
    return {
      updates,
      lost,
      link: {
        append: (update) => this.append(id, followed, update),
        compact: (whole) => this.compact(id, followed, whole),
        shareAwareness: (update) => {
          void this.redis.sendCommand(['PUBLISH', PRESENCE, `${this.replicaId} ${id} ${base64(update)}`]).catch(() => undefined);
        },
        close: async () => {
          if (this.followed.get(id) === followed) this.followed.delete(id);
        },
      },
    };
  }

  async prepare(id: string): Promise<void> {
    await PREPARE.run(this.redis, [epochKey(id), snapshotKey(id), logKey(id)], [randomBytes(12).toString('base64url')]);
    await this.lost.forget(id);
  }

  async erase(id: string, by: string): Promise<void> {
    this.followed.delete(id);
    const epoch = await ERASE.run<string>(this.redis, [epochKey(id), snapshotKey(id), logKey(id)], [DELETED_TTL_SECONDS]);
    await this.lost.forget(id);
    // The other replicas close it at once; one that misses this finds the mark on its next write or check.
    await this.redis.sendCommand(['PUBLISH', DELETED, JSON.stringify({ replica: this.replicaId, yard: id, epoch, by })]).catch((err: Error) => {
      log.warn({ yard: id, err: err.message }, 'the deletion of a yard could not be announced; the other replicas find it within seconds');
    });
  }

  private async append(id: string, followed: Followed, update: Uint8Array): Promise<void> {
    const started = performance.now();
    try {
      const saved = await APPEND.run<string | null>(this.redis, [epochKey(id), logKey(id)], [followed.epoch, this.replicaId, Date.now(), base64(update)]);
      yardMetrics.redisRoundTrip.observe((performance.now() - started) / 1000);
      if (saved === null) this.deleted(id, followed, null);
      else if (!followed.recorded) {
        followed.recorded = true;
        void this.lost.saved(id).catch(() => (followed.recorded = false));
      }
    } catch (err) {
      if (!this.unsaved.has(id)) log.warn({ yard: id, err: (err as Error).message }, 'a change to a yard could not be saved in Redis; it is kept here and saved when Redis answers');
      this.unsaved.add(id);
    }
  }

  private async compact(id: string, followed: Followed, whole: Uint8Array): Promise<void> {
    if (followed.last === '0-0') return;
    try {
      await COMPACT.run(this.redis, [snapshotKey(id), logKey(id), epochKey(id)], [base64(whole), followed.last, followed.epoch]);
    } catch (err) {
      log.debug({ yard: id, err: (err as Error).message }, 'a yard could not be compacted; its changes stay in the stream');
    }
  }

  /** The yard this replica has open as `followed` was deleted: it is no longer followed, and its room is closed. */
  private deleted(id: string, followed: Followed, by: string | null): void {
    if (this.followed.get(id) !== followed) return;
    this.followed.delete(id);
    this.unsaved.delete(id);
    for (const listener of this.deletions) listener(id, by);
  }

  private onDeletedElsewhere(message: string): void {
    let announced: { replica?: unknown; yard?: unknown; epoch?: unknown; by?: unknown };
    try {
      announced = JSON.parse(message) as typeof announced;
    } catch {
      return;
    }
    if (announced.replica === this.replicaId || typeof announced.yard !== 'string') return;
    const followed = this.followed.get(announced.yard);
    // (Only the yard that was deleted: not one made again with its id since.)
    if (followed && followed.epoch === announced.epoch) this.deleted(announced.yard, followed, typeof announced.by === 'string' ? announced.by : null);
  }

  private resaveUnsaved(): void {
    for (const id of [...this.unsaved]) {
      this.unsaved.delete(id);
      this.followed.get(id)?.listener.resave(null);
    }
  }

  /** One blocking XREAD over every followed yard; a yard opened meanwhile joins at the next round (≤ 500 ms). */
  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      const ids = [...this.followed.keys()];
      if (!ids.length) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        this.wake = undefined;
        continue;
      }
      try {
        const reply = await this.reader.sendCommand<Array<[string, Entry[]]> | null>([
          'XREAD', 'BLOCK', '500', 'COUNT', '500', 'STREAMS',
          ...ids.map(logKey),
          ...ids.map((id) => this.followed.get(id)?.last ?? '0-0'),
        ]);
        failures = 0;
        for (const [key, entries] of reply ?? []) this.deliver(key, entries);
      } catch (err) {
        if (this.signal.aborted) return;
        log.debug({ err: (err as Error).message }, 'reading the yards from Redis failed; retrying');
        await sleep(redisBackoffMs(++failures), this.signal);
      }
    }
  }

  private deliver(key: string, entries: Entry[]): void {
    const id = key.slice('crowsnest:yard:{'.length, key.length - '}:log'.length);
    const followed = this.followed.get(id);
    if (!followed) return;
    for (const [entryId, fields] of entries) {
      followed.last = entryId;
      if (field(fields, 'r') === this.replicaId) continue;
      const update = field(fields, 'u');
      if (!update) continue;
      const at = Number(field(fields, 't'));
      if (Number.isFinite(at)) yardMetrics.syncLag.observe(Math.max(0, Date.now() - at) / 1000);
      try {
        followed.listener.remote(bytes(update));
      } catch (err) {
        log.error({ yard: id, entry: entryId, err: (err as Error).message }, 'a change to a yard from Redis could not be applied; it is skipped');
      }
    }
  }

  private onPresence(message: string): void {
    const [from, id, update] = message.split(' ');
    if (!from || !id || !update || from === this.replicaId) return;
    this.followed.get(id)?.listener.awareness(bytes(update));
  }

  /**
   * Every 2 s: notices Redis losing its data (restarted without persistence, flushed): the generation token
   * written into an empty Redis changes; the yards nobody here has open are then recorded as lost, and the
   * open ones saved again from this replica's copies. Re-reads what Redis holds of the yards when it changed.
   * And finds the open yards deleted without this replica hearing the announcement (its subscription was
   * down at the time), which are closed.
   */
  private async watch(): Promise<void> {
    while (!this.signal.aborted) {
      try {
        const mine = randomBytes(8).toString('hex');
        await this.redis.sendCommand(['SET', GENERATION, mine, 'NX']);
        const current = await this.redis.sendCommand<string | null>(['GET', GENERATION]);
        if (this.generation && current !== this.generation) {
          const lost = await this.lost.recordLoss();
          log.warn({ lost }, 'Redis lost the yards (its data is gone): the yards open here are saved again, the others are recorded as lost');
          for (const followed of this.followed.values()) {
            followed.last = '0-0';
            followed.recorded = false;
            followed.listener.resave('Redis lost its data');
          }
        }
        this.generation = current;
        await this.lost.refresh();
        for (const [id, followed] of [...this.followed]) {
          const epoch = await this.redis.sendCommand<string | null>(['GET', epochKey(id)]);
          if (epoch !== null && epoch !== followed.epoch) this.deleted(id, followed, null);
        }
      } catch {
        // Redis unreachable: checked again on the next round.
      }
      await sleep(2000, this.signal);
    }
  }
}
