import { randomBytes } from 'node:crypto';
import { sleep } from '../kube/watchLoop';
import { log } from '../log';
import type { StoredYard, YardCatalogStore } from '../yard/catalog';
import { yardMetrics } from '../yard/metrics';
import type { YardLink, YardListener, YardStorage } from '../yard/storage';
import type { FleetLink } from './fleetLink';
import { RedisScript, type RedisCommander } from './redisScripts';
import { redisBackoffMs } from './retry';

const CATALOG = 'crowsnest:yards';
/** A token written once into an empty Redis: when it changes, Redis lost its data. */
const GENERATION = 'crowsnest:yards:generation';
const PRESENCE = 'crowsnest:yard-presence';
const logKey = (id: string) => `crowsnest:yard:{${id}}:log`;
const snapshotKey = (id: string) => `crowsnest:yard:{${id}}:snapshot`;

/** The snapshot and every change saved after it, read in one step (a compaction cannot fall between them). */
const READ = new RedisScript(`
local snap = redis.call('HMGET', KEYS[1], 'state', 'upto')
return {snap[1] or '', snap[2] or '', redis.call('XRANGE', KEYS[2], '-', '+')}
`);

/**
 * Replaces the snapshot with a newer one and drops the changes it holds. A
 * replica's copy holds every change up to the last one it read (ARGV[2]); an
 * older snapshot never replaces a newer one.
 */
const COMPACT = new RedisScript(`
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

/**
 * Yards kept in Redis for a fleet: per yard, a Stream of changes (each tagged
 * with the replica that made it) and a snapshot that compaction moves forward;
 * the yards people made in a hash. Every replica follows the yards it has open
 * with one blocking XREAD on its own connection; presence travels by PUBLISH
 * (it is not kept). Changes made while Redis is unreachable stay in the
 * replica's copy and are saved whole when it answers again.
 */
export class RedisYardStorage implements YardStorage {
  readonly kind = 'redis';
  private readonly followed = new Map<string, { last: string; listener: YardListener }>();
  private readonly unsaved = new Set<string>();
  private generation: string | null = null;
  private wake: (() => void) | undefined;

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
    put: async (yard) => void (await this.redis.sendCommand(['HSET', CATALOG, yard.id, JSON.stringify(yard)])),
    remove: async (id) => void (await this.redis.sendCommand(['HDEL', CATALOG, id])),
  };

  constructor(
    private readonly redis: RedisCommander,
    /** A connection of its own: XREAD BLOCK holds it. */
    private readonly reader: RedisCommander,
    private readonly replicaId: string,
    private readonly link: FleetLink,
    private readonly signal: AbortSignal,
  ) {}

  /** Starts following, and listening to presence through `subscribe` (a subscriber connection). */
  start(subscribe: (channel: string, listener: (message: string) => void) => Promise<unknown>): void {
    void this.follow();
    void this.watchGeneration();
    this.link.onChange((state) => {
      if (state === 'up') this.resaveUnsaved();
    });
    void (async () => {
      for (let failures = 1; !this.signal.aborted; failures++) {
        try {
          await subscribe(PRESENCE, (message) => this.onPresence(message));
          return;
        } catch {
          await sleep(redisBackoffMs(failures), this.signal);
        }
      }
    })();
  }

  async open(id: string, listener: YardListener): Promise<{ updates: Uint8Array[]; link: YardLink }> {
    const [state, upto, entries] = await READ.run<[string, string, Entry[]]>(this.redis, [snapshotKey(id), logKey(id)], []);
    const updates = state ? [bytes(state)] : [];
    for (const [, fields] of entries) {
      const update = field(fields, 'u');
      if (update) updates.push(bytes(update));
    }
    const last = entries.length ? entries[entries.length - 1][0] : upto || '0-0';
    this.followed.set(id, { last, listener });
    this.wake?.();
    return {
      updates,
      link: {
        append: (update) => void this.append(id, update),
        compact: (whole) => void this.compact(id, whole),
        shareAwareness: (update) => {
          void this.redis.sendCommand(['PUBLISH', PRESENCE, `${this.replicaId} ${id} ${base64(update)}`]).catch(() => undefined);
        },
        close: async () => {
          this.followed.delete(id);
        },
      },
    };
  }

  async erase(id: string): Promise<void> {
    this.followed.delete(id);
    await this.redis.sendCommand(['DEL', logKey(id), snapshotKey(id)]);
  }

  private async append(id: string, update: Uint8Array): Promise<void> {
    const started = performance.now();
    try {
      await this.redis.sendCommand(['XADD', logKey(id), '*', 'r', this.replicaId, 't', String(Date.now()), 'u', base64(update)]);
      yardMetrics.redisRoundTrip.observe((performance.now() - started) / 1000);
    } catch (err) {
      if (!this.unsaved.has(id)) log.warn({ yard: id, err: (err as Error).message }, 'a change to a yard could not be saved in Redis; it is kept here and saved when Redis answers');
      this.unsaved.add(id);
    }
  }

  private async compact(id: string, whole: Uint8Array): Promise<void> {
    const followed = this.followed.get(id);
    if (!followed || followed.last === '0-0') return;
    try {
      await COMPACT.run(this.redis, [snapshotKey(id), logKey(id)], [base64(whole), followed.last]);
    } catch (err) {
      log.debug({ yard: id, err: (err as Error).message }, 'a yard could not be compacted; its changes stay in the stream');
    }
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
   * Notices Redis losing its data (restarted without persistence, flushed): the
   * generation token written into an empty Redis changes. The open yards are
   * then saved again from this replica's copies.
   */
  private async watchGeneration(): Promise<void> {
    while (!this.signal.aborted) {
      try {
        const mine = randomBytes(8).toString('hex');
        await this.redis.sendCommand(['SET', GENERATION, mine, 'NX']);
        const current = await this.redis.sendCommand<string | null>(['GET', GENERATION]);
        if (this.generation && current !== this.generation) {
          log.warn('Redis lost the yards (its data is gone): the yards open here are saved again');
          for (const followed of this.followed.values()) {
            followed.last = '0-0';
            followed.listener.resave('Redis lost its data');
          }
        }
        this.generation = current;
      } catch {
        // Redis unreachable: checked again on the next round.
      }
      await sleep(2000, this.signal);
    }
  }
}
