import type { Row } from '../../lib/kinds/types';
import type { Delta, KindHealth, Position } from '../../lib/live/protocol';
import { sleep } from '../kube/watchLoop';
import { CorruptTopic, LeaseLost, newEpoch, type BusMessage, type DeltaBus, type TopicState } from '../live/deltaBus';
import { log } from '../log';
import { fleetHop } from '../metrics';
import { redisBackoffMs } from './retry';
import { RedisScript, scriptError, type RedisCommander } from './redisScripts';

/**
 * The Redis keys of one topic. The braces make every key of a topic hash to
 * the same slot, so the scripts that touch several stay valid on a cluster.
 */
export function topicKeys(topic: string) {
  const base = `crowsnest:topic:{${topic}}`;
  return {
    /** Hash: epoch, seq, gen (the stream id's first part for this epoch). */
    meta: `${base}:meta`,
    /** The current owner's fencing token (`<count>.<nonce>`): a write carrying another is refused. */
    fence: `${base}:fence`,
    /** How many owners the topic has had. */
    owners: `${base}:owners`,
    lease: `${base}:lease`,
    /** When the lease's holder took it (ms since the epoch, its clock). */
    leasedAt: `${base}:leased-at`,
    gen: `${base}:gen`,
    /** Stream of deltas, ids `<gen>-<seq>`; a new history opens with `<gen>-0`. */
    deltas: `${base}:deltas`,
    /** Stream of the owner's connection states (KindHealth JSON in field `h`), newest last; a few kept. */
    health: `${base}:health`,
    /** Hash uid → row JSON, of one epoch. */
    rows: (epoch: string) => `${base}:rows:${epoch}`,
  };
}


/**
 * Appends a run of consecutive deltas, fenced and in one step: each changes the rows hash and becomes a stream
 * entry `<gen>-<seq>`. ARGV: fence, epoch, first seq, count, MAXLEN, when the run was sent, then six per delta
 * (type, uid, row JSON, time, delta JSON, seq as text). Returns the stream's length after the run (and its trim).
 */
const APPEND = new RedisScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return redis.error_reply('FENCED') end
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq', 'gen')
if meta[1] ~= ARGV[2] then return redis.error_reply('EPOCH the topic is at another epoch') end
if tonumber(meta[2]) + 1 ~= tonumber(ARGV[3]) then return redis.error_reply('SEQ the topic is at ' .. meta[2]) end
local n = tonumber(ARGV[4])
local last = meta[2]
for i = 0, n - 1 do
  local b = 7 + i * 6
  if ARGV[b] == 'deleted' then redis.call('HDEL', KEYS[3], ARGV[b + 1]) else redis.call('HSET', KEYS[3], ARGV[b + 1], ARGV[b + 2]) end
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], meta[3] .. '-' .. ARGV[b + 5], 'd', ARGV[b + 4], 't', ARGV[b + 3], 's', ARGV[6])
  last = ARGV[b + 5]
end
redis.call('HSET', KEYS[1], 'seq', last)
return redis.call('XLEN', KEYS[4])
`);

/** Makes a fully written rows hash the topic's state: a new epoch at seq 0, its history opened by a `<gen>-0` entry. */
const COMMIT_RESET = new RedisScript(`
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return redis.error_reply('FENCED') end
local old = nil
if redis.call('TYPE', KEYS[1])['ok'] == 'hash' then old = redis.call('HGET', KEYS[1], 'epoch') end
redis.call('DEL', KEYS[1], KEYS[4])
if old and old ~= ARGV[2] then redis.call('UNLINK', ARGV[4] .. old) end
redis.call('PERSIST', KEYS[3])
redis.call('HSET', KEYS[1], 'epoch', ARGV[2], 'seq', 0, 'gen', ARGV[3])
redis.call('XADD', KEYS[4], ARGV[3] .. '-0', 'r', '1')
return 1
`);

/** Appends the owner's connection state, fenced like every write of the topic. */
const SET_HEALTH = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED') end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', '8', '*', 'h', ARGV[2])
return 1
`);

function parseHealth(text: string | undefined): KindHealth | null {
  if (text === undefined) return null;
  try {
    const health = JSON.parse(text) as KindHealth;
    const known = health && (health.state === 'synced' || health.state === 'reconnecting' || health.state === 'failed');
    return known && typeof health.since === 'string' ? health : null;
  } catch {
    return null;
  }
}

interface Entry {
  gen: number;
  seq: number;
  fields: Map<string, string>;
}

type RawEntry = [string, string[]];

function parseEntry([id, flat]: RawEntry): Entry {
  const dash = id.indexOf('-');
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
  return { gen: Number(id.slice(0, dash)), seq: Number(id.slice(dash + 1)), fields };
}

function parseDelta(entry: Entry): { delta: Delta; at: number; sent: number } {
  const text = entry.fields.get('d');
  if (text === undefined) throw new CorruptTopic(`stream entry ${entry.gen}-${entry.seq} has no delta`);
  let delta: Delta;
  try {
    delta = JSON.parse(text) as Delta;
  } catch {
    throw new CorruptTopic(`stream entry ${entry.gen}-${entry.seq} is not JSON`);
  }
  const ok = delta && delta.seq === entry.seq && (delta.type === 'deleted' ? typeof delta.key?.uid === 'string' : (delta.type === 'added' || delta.type === 'modified') && typeof delta.row?.uid === 'string');
  if (!ok) throw new CorruptTopic(`stream entry ${entry.gen}-${entry.seq} is not a delta`);
  return { delta, at: Number(entry.fields.get('t')) || 0, sent: Number(entry.fields.get('s')) || 0 };
}

/** A topic's state as loaded, with the stream generation it belongs to. */
interface Loaded extends TopicState {
  gen: number;
}

interface Follow {
  topic: string;
  handlers: Set<(message: BusMessage) => void>;
  /** Where the stream is followed from; null while (re)loading. */
  gen: number;
  epoch: string;
  seq: number;
  loading: boolean;
  /** Loaded and following the stream. */
  live: boolean;
  /** The last health entry delivered (`0-0`: none yet). */
  healthId: string;
}

/** What a replica knows of a topic's Redis stream without asking Redis (for metrics). */
export interface KnownStream {
  /** The epoch the figures below belong to. */
  epoch: string;
  /** The last sequence number known to be in the stream: written by this replica (the owner), or read from the topic's position at load or at the last check. */
  head: number;
  /** Entries in the stream as of this replica's last write to it or load of it (exact while this replica owns the topic); null: not known. */
  length: number | null;
}

export interface RedisBusOptions {
  /** Deltas kept per topic's stream (approximately; XADD MAXLEN ~). */
  historyLength: number;
  /** Deltas handed to a mirror on load, for resume. */
  recentLength: number;
  /** How often a follower checks its topics' epochs (catches a flushed Redis). */
  checkMs: number;
}

/**
 * The delta bus of a fleet. The owner of a topic writes each delta to the
 * topic's Redis Stream and its rows hash in one script, fenced by its token;
 * every replica follows the streams it serves with one blocking XREAD, after
 * loading the rows and position. Positions are the owner's: identical on
 * every replica.
 */
/** The most deltas one append script carries. */
const MAX_RUN = 256;

/** Deltas of one topic waiting for the end of this turn of the event loop, to go to Redis together. */
interface AppendRun {
  fence: string;
  epoch: string;
  deltas: Delta[];
  ats: number[];
  done: Promise<void>;
  settle: { resolve: () => void; reject: (err: unknown) => void };
}

export class RedisDeltaBus implements DeltaBus {
  private readonly runs = new Map<string, AppendRun>();
  private readonly follows = new Map<string, Follow>();
  private readonly corruptionListeners = new Map<string, Set<(why: string) => void>>();
  private readonly healthListeners = new Map<string, Set<(health: KindHealth) => void>>();
  /** The last connection state seen per followed topic, for listeners that come later. */
  private readonly healthSeen = new Map<string, KindHealth>();
  /** Per followed topic: its stream as far as this replica knows without asking. */
  private readonly known = new Map<string, KnownStream>();
  private wakeId = '0-0';
  private readonly wakeKey: string;

  constructor(
    /** For writes and reads. */
    private readonly redis: RedisCommander,
    /** A connection of its own for the blocking XREAD. */
    private readonly tail: RedisCommander,
    replicaId: string,
    private readonly options: RedisBusOptions,
    private readonly signal: AbortSignal,
  ) {
    this.wakeKey = `crowsnest:replica:${replicaId}:wake`;
  }

  /** Starts following; runs until the signal aborts. */
  start(): void {
    void this.tailLoop();
    void this.checkLoop();
  }

  async current(topic: string): Promise<TopicState | null> {
    const loaded = await this.load(topic);
    if (!loaded) return null;
    const { gen: _gen, ...state } = loaded;
    return state;
  }

  /**
   * Loads rows and position without stopping writers: reads the position,
   * scans the rows, then applies the stream entries after that position
   * (rows changed during the scan are overwritten by their later deltas).
   */
  private async load(topic: string): Promise<Loaded | null> {
    const keys = topicKeys(topic);
    for (let attempt = 0; attempt < 5; attempt++) {
      const meta = await this.meta(topic);
      if (!meta) return null;
      const rows = new Map<string, Row>();
      let cursor = '0';
      do {
        let reply: [string, string[]];
        try {
          reply = await this.redis.sendCommand<[string, string[]]>(['HSCAN', keys.rows(meta.epoch), cursor, 'COUNT', '2000']);
        } catch (err) {
          throw new CorruptTopic(`${topic}: rows unreadable: ${scriptError(err)}`);
        }
        cursor = reply[0];
        const flat = reply[1];
        for (let i = 0; i + 1 < flat.length; i += 2) {
          try {
            const row = JSON.parse(flat[i + 1]) as Row;
            if (typeof row?.uid !== 'string') throw new Error('no uid');
            rows.set(flat[i], row);
          } catch {
            throw new CorruptTopic(`${topic}: row ${flat[i]} is unreadable`);
          }
        }
      } while (cursor !== '0' && !this.signal.aborted);
      // Everything this epoch's stream still holds, newest last: the deltas after the scan's position are applied, all are kept for resume.
      let raw: RawEntry[];
      try {
        raw = await this.redis.sendCommand<RawEntry[]>(['XREVRANGE', keys.deltas, '+', `${meta.gen}-1`, 'COUNT', String(this.options.recentLength)]);
      } catch (err) {
        throw new CorruptTopic(`${topic}: deltas unreadable: ${scriptError(err)}`);
      }
      const entries = raw.map(parseEntry).reverse();
      const recent: Delta[] = [];
      let seq = meta.seq;
      let broken = false;
      for (const entry of entries) {
        // Only the current owner writes to the stream, and only ids of the topic's generation: a later id is not its.
        if (entry.gen > meta.gen) throw new CorruptTopic(`${topic}: stream entry ${entry.gen}-${entry.seq} is past its history (${meta.gen}-${meta.seq})`);
        if (entry.gen !== meta.gen) continue;
        const { delta } = parseDelta(entry);
        if (entry.seq > seq) {
          if (entry.seq !== seq + 1) {
            broken = true;
            break;
          }
          seq = entry.seq;
          if (delta.type === 'deleted') rows.delete(delta.key.uid);
          else rows.set(delta.row.uid, delta.row);
        }
        recent.push(delta);
      }
      const [after, length] = await Promise.all([this.meta(topic), this.redis.sendCommand<number>(['XLEN', keys.deltas]).catch(() => null)]);
      if (broken || !after || after.epoch !== meta.epoch) continue;
      if (length !== null) this.note(topic, meta.epoch, Math.max(seq, after.seq), Number(length));
      return { epoch: meta.epoch, seq, gen: meta.gen, rows: [...rows.values()], recent };
    }
    throw new Error(`${topic}: the history changed during every attempt to load it`);
  }

  private async meta(topic: string): Promise<{ epoch: string; seq: number; gen: number } | null> {
    let flat: string[];
    try {
      flat = await this.redis.sendCommand<string[]>(['HGETALL', topicKeys(topic).meta]);
    } catch (err) {
      if (/WRONGTYPE/.test(scriptError(err))) throw new CorruptTopic(`${topic}: its position is not a hash`);
      throw err;
    }
    if (flat.length === 0) return null;
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
    const epoch = fields.get('epoch') ?? '';
    const seq = Number(fields.get('seq'));
    const gen = Number(fields.get('gen'));
    if (!/^[a-z0-9]{1,32}$/.test(epoch) || !Number.isSafeInteger(seq) || seq < 0 || !Number.isSafeInteger(gen) || gen < 1) {
      throw new CorruptTopic(`${topic}: its position is unreadable`);
    }
    return { epoch, seq, gen };
  }

  async reset(topic: string, fence: string, rows: Row[]): Promise<Position> {
    const keys = topicKeys(topic);
    const epoch = newEpoch();
    const gen = Number(await this.redis.sendCommand<number>(['INCR', keys.gen]));
    const rowsKey = keys.rows(epoch);
    // Written before it is made current; a writer that dies half-way leaves a key that expires.
    for (let i = 0; i < rows.length; i += 1000) {
      const args: string[] = ['HSET', rowsKey];
      for (const row of rows.slice(i, i + 1000)) args.push(row.uid, JSON.stringify(row));
      await this.redis.sendCommand(args);
      if (i === 0) await this.redis.sendCommand(['PEXPIRE', rowsKey, String(10 * 60_000)]);
    }
    try {
      await COMMIT_RESET.run(this.redis, [keys.meta, keys.fence, rowsKey, keys.deltas], [fence, epoch, gen, keys.rows('')]);
    } catch (err) {
      await this.redis.sendCommand(['UNLINK', rowsKey]).catch(() => undefined);
      if (/\bFENCED\b/.test(scriptError(err))) throw new LeaseLost(topic);
      throw err;
    }
    // The new history's stream holds its opening entry only.
    this.note(topic, epoch, 0, 1);
    return { epoch, seq: 0 };
  }

  /**
   * Deltas appended in one turn of the event loop (an informer's read from the API server) go to Redis as one
   * fenced script: one command and one wake-up of the followers for the lot, not one per delta. A run breaks
   * where the fence, epoch or sequence does (Redis then judges the next run on its own).
   */
  append(topic: string, fence: string, epoch: string, delta: Delta, at: number): Promise<void> {
    let run = this.runs.get(topic);
    const last = run?.deltas.at(-1);
    if (run && (run.fence !== fence || run.epoch !== epoch || !last || last.seq + 1 !== delta.seq || run.deltas.length >= MAX_RUN)) {
      this.sendRun(topic, run);
      run = undefined;
    }
    if (!run) {
      let settle!: { resolve: () => void; reject: (err: unknown) => void };
      const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      const created: AppendRun = { fence, epoch, deltas: [], ats: [], done, settle };
      run = created;
      this.runs.set(topic, created);
      queueMicrotask(() => {
        if (this.runs.get(topic) === created) this.sendRun(topic, created);
      });
    }
    run.deltas.push(delta);
    run.ats.push(at);
    return run.done;
  }

  private sendRun(topic: string, run: AppendRun): void {
    if (this.runs.get(topic) === run) this.runs.delete(topic);
    const keys = topicKeys(topic);
    const args: Array<string | number> = [run.fence, run.epoch, run.deltas[0].seq, run.deltas.length, this.options.historyLength, Date.now()];
    run.deltas.forEach((delta, i) => {
      if (delta.type === 'deleted') args.push(delta.type, delta.key.uid, '', run.ats[i], JSON.stringify(delta), delta.seq);
      else args.push(delta.type, delta.row.uid, JSON.stringify(delta.row), run.ats[i], JSON.stringify(delta), delta.seq);
    });
    APPEND.run<number>(this.redis, [keys.meta, keys.fence, keys.rows(run.epoch), keys.deltas], args).then(
      (length) => {
        this.note(topic, run.epoch, run.deltas[run.deltas.length - 1].seq, Number(length));
        run.settle.resolve();
      },
      (err: unknown) => run.settle.reject(/\bFENCED\b/.test(scriptError(err)) ? new LeaseLost(topic) : err),
    );
  }


  /** Records what this replica learnt of a followed topic's stream: how far it has gone, and its length when that was read or written with it. */
  private note(topic: string, epoch: string, head: number, length?: number): void {
    if (!this.follows.has(topic)) return;
    const known = this.known.get(topic);
    if (!known || known.epoch !== epoch) this.known.set(topic, { epoch, head, length: length ?? null });
    else {
      // A length read with an older head (a load that overlapped later writes) is older than the one held.
      if (length !== undefined && head >= known.head) known.length = length;
      known.head = Math.max(known.head, head);
    }
  }

  /**
   * The topic's stream as this replica knows it without a round trip to Redis
   * (undefined while it knows nothing of the topic's current history): cheap
   * enough for every metrics scrape.
   */
  knownStream(topic: string): KnownStream | undefined {
    const known = this.known.get(topic);
    return known && { ...known };
  }

  /** The topic's stream in Redis: its length and first and last ids (the trim point and the head), for diagnostics. */
  async describe(topic: string): Promise<{ length: number; first: string | null; last: string | null }> {
    const key = topicKeys(topic).deltas;
    const [length, first, last] = await Promise.all([
      this.redis.sendCommand<number>(['XLEN', key]),
      this.redis.sendCommand<RawEntry[]>(['XRANGE', key, '-', '+', 'COUNT', '1']),
      this.redis.sendCommand<RawEntry[]>(['XREVRANGE', key, '+', '-', 'COUNT', '1']),
    ]);
    return { length: Number(length), first: first[0]?.[0] ?? null, last: last[0]?.[0] ?? null };
  }

  async setHealth(topic: string, fence: string, health: KindHealth): Promise<void> {
    const keys = topicKeys(topic);
    try {
      await SET_HEALTH.run(this.redis, [keys.fence, keys.health], [fence, JSON.stringify(health)]);
    } catch (err) {
      if (/\bFENCED\b/.test(scriptError(err))) throw new LeaseLost(topic);
      throw err;
    }
  }

  onHealth(topic: string, listener: (health: KindHealth) => void): () => void {
    let set = this.healthListeners.get(topic);
    if (!set) this.healthListeners.set(topic, (set = new Set()));
    set.add(listener);
    const seen = this.healthSeen.get(topic);
    if (seen) listener(seen);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.healthListeners.get(topic) === set) this.healthListeners.delete(topic);
    };
  }

  private deliverHealth(follow: Follow, raw: RawEntry[]): void {
    for (const item of raw) {
      follow.healthId = item[0];
      const health = parseHealth(parseEntry(item).fields.get('h'));
      if (!health) continue;
      this.healthSeen.set(follow.topic, health);
      for (const listener of this.healthListeners.get(follow.topic) ?? []) listener(health);
    }
  }

  onCorrupt(topic: string, listener: (why: string) => void): () => void {
    let set = this.corruptionListeners.get(topic);
    if (!set) this.corruptionListeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.corruptionListeners.get(topic) === set) this.corruptionListeners.delete(topic);
    };
  }

  private corrupt(topic: string, why: string): void {
    log.error({ topic, err: why }, 'a topic in Redis holds something unreadable; its owner begins it anew');
    for (const listener of this.corruptionListeners.get(topic) ?? []) listener(why);
  }

  subscribe(topic: string, handler: (message: BusMessage) => void): () => void {
    let follow = this.follows.get(topic);
    if (!follow) {
      follow = { topic, handlers: new Set(), gen: 0, epoch: '', seq: 0, loading: false, live: false, healthId: '0-0' };
      this.follows.set(topic, follow);
      void this.reload(follow);
    } else {
      // A later subscriber needs the whole state too: everyone reloads (rare: a replica has one mirror per topic).
      void this.reload(follow);
    }
    follow.handlers.add(handler);
    return () => {
      follow!.handlers.delete(handler);
      if (follow!.handlers.size === 0 && this.follows.get(topic) === follow) {
        this.follows.delete(topic);
        this.healthSeen.delete(topic);
        this.known.delete(topic);
        void this.wake();
      }
    };
  }

  /** (Re)loads a followed topic and delivers it as a reset; then the tail follows it from there. */
  private async reload(follow: Follow): Promise<void> {
    if (follow.loading) return;
    follow.loading = true;
    follow.live = false;
    let failures = 0;
    try {
      while (!this.signal.aborted && this.follows.get(follow.topic) === follow) {
        try {
          const loaded = await this.load(follow.topic);
          // The latest connection state, then the tail follows the later ones.
          const latest = await this.redis.sendCommand<RawEntry[]>(['XREVRANGE', topicKeys(follow.topic).health, '+', '-', 'COUNT', '1']).catch(() => []);
          if (latest.length > 0) this.deliverHealth(follow, latest);
          else follow.healthId = '0-0';
          if (loaded) {
            follow.gen = loaded.gen;
            follow.epoch = loaded.epoch;
            follow.seq = loaded.seq;
            const { gen: _gen, ...state } = loaded;
            for (const handler of follow.handlers) handler({ type: 'reset', ...state });
          } else {
            // No history yet: the owner's first entry (`<gen>-0`) will bring it.
            follow.gen = 0;
            follow.epoch = '';
            follow.seq = 0;
          }
          follow.live = true;
          await this.wake();
          return;
        } catch (err) {
          failures++;
          if (err instanceof CorruptTopic) this.corrupt(follow.topic, err.message);
          else log.warn({ topic: follow.topic, err: scriptError(err) }, 'could not load a topic from Redis; trying again');
          await sleep(redisBackoffMs(failures), this.signal);
        }
      }
    } finally {
      follow.loading = false;
    }
  }

  private async wake(): Promise<void> {
    await this.redis.sendCommand(['XADD', this.wakeKey, 'MAXLEN', '10', '*', 'w', '1']).catch(() => undefined);
  }

  /** One blocking XREAD over every followed topic (and this replica's wake stream, to change the set). */
  private async tailLoop(): Promise<void> {
    await this.redis.sendCommand(['DEL', this.wakeKey]).catch(() => undefined);
    let failures = 0;
    while (!this.signal.aborted) {
      const live = new Map<string, Follow>();
      const healthOf = new Map<string, Follow>();
      for (const f of this.follows.values()) {
        if (!f.live) continue;
        live.set(topicKeys(f.topic).deltas, f);
        healthOf.set(topicKeys(f.topic).health, f);
      }
      const keys = [...live.keys(), ...healthOf.keys()];
      const ids = [...[...live.values()].map((f) => (f.gen === 0 ? '0-0' : `${f.gen}-${f.seq}`)), ...[...healthOf.values()].map((f) => f.healthId)];
      let reply: Array<[string, RawEntry[]]> | null;
      let readAt = 0;
      try {
        reply = await this.tail.sendCommand<Array<[string, RawEntry[]]> | null>(['XREAD', 'COUNT', '1000', 'BLOCK', '5000', 'STREAMS', ...keys, this.wakeKey, ...ids, this.wakeId]);
        readAt = Date.now();
        failures = 0;
      } catch (err) {
        if (this.signal.aborted) return;
        // A topic's stream replaced by another type fails the read of every topic: that one begins anew, the others are followed on.
        const broken = /WRONGTYPE/.test(scriptError(err)) ? await this.notStreams([...live.values()]) : [];
        if (broken.length > 0) {
          for (const follow of broken) {
            this.corrupt(follow.topic, `${follow.topic}: its delta or health stream is not a stream`);
            void this.reload(follow);
          }
          continue;
        }
        failures++;
        log.warn({ err: scriptError(err) }, 'following the delta streams failed; reloading every topic');
        await sleep(redisBackoffMs(failures), this.signal);
        // What was missed while away is unknown (Redis may have restarted empty): start over from the stored state.
        for (const follow of this.follows.values()) void this.reload(follow);
        continue;
      }
      for (const [key, entries] of reply ?? []) {
        if (key === this.wakeKey) {
          if (entries.length > 0) this.wakeId = entries[entries.length - 1][0];
          continue;
        }
        const watched = healthOf.get(key);
        if (watched) {
          if (this.follows.get(watched.topic) === watched) this.deliverHealth(watched, entries);
          continue;
        }
        const follow = live.get(key);
        if (!follow || this.follows.get(follow.topic) !== follow || !follow.live) continue;
        this.deliver(follow, entries, readAt);
      }
    }
  }

  /** The followed topics whose delta or health key holds something other than a stream. */
  private async notStreams(follows: Follow[]): Promise<Follow[]> {
    const types = await Promise.all(
      follows.map((f) =>
        Promise.all([topicKeys(f.topic).deltas, topicKeys(f.topic).health].map((key) => this.redis.sendCommand<string>(['TYPE', key]).catch(() => 'none'))),
      ),
    );
    return follows.filter((_, i) => types[i].some((type) => type !== 'stream' && type !== 'none'));
  }

  /** `readAt`: when the reply carrying `raw` was read, so the hop excludes the handling of the entries before each one. */
  private deliver(follow: Follow, raw: RawEntry[], readAt: number): void {
    for (const item of raw) {
      let entry: Entry;
      try {
        entry = parseEntry(item);
        if (entry.gen > follow.gen) {
          // A new history began (or this follower had none yet).
          void this.reload(follow);
          return;
        }
        if (entry.gen < follow.gen || entry.seq <= follow.seq) continue;
        if (entry.seq !== follow.seq + 1) {
          // The stream was trimmed past this follower: the deltas in between are gone.
          log.warn({ topic: follow.topic, at: follow.seq, next: entry.seq }, 'fell behind the trimmed history; reloading');
          void this.reload(follow);
          return;
        }
        const { delta, at, sent } = parseDelta(entry);
        if (sent > 0) fleetHop.observe(Math.max(0, readAt - sent) / 1000);
        follow.seq = entry.seq;
        const message: BusMessage = { type: 'delta', epoch: follow.epoch, delta, at };
        for (const handler of follow.handlers) handler(message);
      } catch (err) {
        this.corrupt(follow.topic, scriptError(err));
        void this.reload(follow);
        return;
      }
    }
  }

  /** Catches what the stream cannot show: Redis flushed or restarted empty, a new epoch begun under the same stream ids. */
  private async checkLoop(): Promise<void> {
    while (!this.signal.aborted) {
      await sleep(this.options.checkMs, this.signal);
      for (const follow of [...this.follows.values()]) {
        if (!follow.live) continue;
        try {
          const meta = await this.meta(follow.topic);
          const moved = meta ? meta.epoch !== follow.epoch || meta.gen !== follow.gen : follow.gen !== 0;
          if (moved && follow.live) void this.reload(follow);
          // How far the stream has gone, for this replica's lag, without a read of its own.
          else if (meta) this.note(follow.topic, meta.epoch, meta.seq);
        } catch (err) {
          if (err instanceof CorruptTopic) this.corrupt(follow.topic, err.message);
        }
      }
    }
  }
}
