import { randomBytes } from 'node:crypto';
import { KubeError } from '../kube/kubeRequest';
import { sleep } from '../live/informer';
import { log } from '../log';
import { followLog, type UpstreamKey } from '../sockets/logs/logFollow';
import { Boundary, sinceTimeOf, type LogEntry } from '../sockets/logs/logLines';
import type { LogSource, LogUpstream } from '../sockets/logs/logUpstream';
import { socketMetrics } from '../sockets/metrics';
import { redisBackoffMs } from './retry';
import { RedisScript, scriptError, type RedisCommander } from './redisScripts';

/**
 * The Redis keys of one container's log. The braces keep them in one slot.
 * `state` (hash): `open` ('1' while a follow is meant to run), `gen` (the
 * count of follows begun), `primed` ('1' once the initial tail is in `lines`).
 * `n` (lines relayed so far). `lines` (stream): line entries `n` (number), `t` (time), `x` (text), and records `k`:
 * `o` (a follow began, with `g`), `p` (its initial tail is in), `e` (it ended,
 * `m`), `f` (it failed, `c` and `m`), `r` (its owner let go: take it over).
 * `interest` (sorted set): the follows of replicas with viewers, scored by when their word expires.
 */
export function logKeys(key: UpstreamKey) {
  const id = [key.cluster, key.namespace, key.pod, key.container].map(encodeURIComponent).join('/');
  const base = `crowsnest:logs:{${id}}`;
  return { lease: `${base}:lease`, state: `${base}:state`, lines: `${base}:lines`, interest: `${base}:interest` };
}

type Keys = ReturnType<typeof logKeys>;

/** Sorted set: the containers whose follow some replica holds, scored by when its lease's word expires (for the fleet-wide count). */
const OWNED = 'crowsnest:logs:owned';
type RawEntry = [string, string[]];

/** A replica with viewers says so, and reads the state and the history in the same step. */
const JOIN = new RedisScript(`
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
local s = redis.call('HMGET', KEYS[1], 'open', 'gen', 'primed')
return {s[1] or '', s[2] or '', s[3] or '', redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[3])}
`);

/**
 * Takes a free lease. A follow meant to be open (its owner went away) is
 * taken over; otherwise a new one begins, announced by an `o` record.
 */
const CLAIM = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local s = redis.call('HMGET', KEYS[2], 'open', 'gen', 'primed')
if s[1] == '1' then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  return {'takeover', s[2] or '0', s[3] or '0'}
end
local gen = redis.call('HINCRBY', KEYS[2], 'gen', 1)
redis.call('HSET', KEYS[2], 'open', '1', 'primed', '0')
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'k', 'o', 'g', gen)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {'fresh', tostring(gen), '0'}
`);

/** The owner's lines (pairs of time and text), numbered on (`n`, so a reader that fell behind the trimmed stream knows how many it missed), fenced by its lease; with ARGV[4] = '1' the initial tail is complete. */
const APPEND = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED') end
local n = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
for i = 5, #ARGV, 2 do
  n = n + 1
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'n', n, 't', ARGV[i], 'x', ARGV[i + 1])
end
redis.call('HSET', KEYS[2], 'n', n)
if ARGV[4] == '1' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'k', 'p')
  redis.call('HSET', KEYS[2], 'primed', '1')
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
`);

/** The owner's lease renewed, and the keys kept while the follow runs. */
const RENEW = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
`);

/** The follow ended (`e`) or failed (`f`) for everyone: recorded, and the lease given up. */
const FINISH = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED') end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'k', ARGV[3], 'c', ARGV[4], 'm', ARGV[5])
redis.call('HSET', KEYS[2], 'open', '0')
redis.call('DEL', KEYS[1])
return 1
`);

/**
 * A replica stops following (its last viewer left, or it drains): its
 * interest goes, and so does its lease if it held it. When other replicas
 * still have viewers, an \`r\` record asks them to take the follow over;
 * when none do, the follow is over.
 */
const LEAVE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[4]) == 0 then
  redis.call('HSET', KEYS[2], 'open', '0')
  return 0
end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'k', 'r') end
return 1
`);

function fieldsOf(flat: string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
  return fields;
}

/** Lines per APPEND; more wait for the next one. */
const BATCH = 500;
/** Lines the owner holds unsent before it stops reading the cluster until Redis took some. */
const MAX_PENDING = 4 * BATCH;

export interface LogRelaySettings {
  /** The lease's time to live and its renewal period (the informers' settings). */
  ttlMs: number;
  renewMs: number;
}

/** One container's log followed by this replica through Redis. */
class Relay {
  /** The container, as a member of OWNED. */
  readonly id: string;
  /** This follow's member of the container's interest set: its own, so a later follow on the same replica is not undone by this one's leaving. */
  readonly member: string;
  /** The last stream entry read. */
  lastId = '0-0';
  /** The follow being relayed (its `o` record's number); null until one is open. */
  gen: string | null = null;
  owner: Owner | null = null;
  claiming = false;
  /** The lease just taken, while the follow is being set up. */
  taken: string | null = null;
  /** The number of the next line expected; null until one was read. */
  nextLine: number | null = null;

  constructor(
    readonly key: UpstreamKey,
    readonly keys: Keys,
    readonly upstream: LogUpstream,
    readonly signal: AbortSignal,
    replicaId: string,
  ) {
    this.id = [key.cluster, key.namespace, key.pod, key.container].join('/');
    this.member = `${replicaId}:${randomBytes(4).toString('hex')}`;
  }
}

/** What a replica's lease on a container's log holds: the follow of the cluster, and its lines on their way to Redis. */
class Owner {
  readonly abort = new AbortController();
  private pending: LogEntry[] = [];
  private primed: boolean;
  private markPrimed = false;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisCommander,
    private readonly relay: Relay,
    readonly holder: string,
    private readonly settings: { ringLines: number; keepMs: number },
    /** Whether the initial tail is already in the stream (a takeover of a primed follow). */
    primed: boolean,
    private readonly boundary: Boundary | null,
    private readonly lost: (why: string) => void,
  ) {
    this.primed = primed;
  }

  receive(entries: LogEntry[]): void | Promise<void> {
    const fresh = this.boundary ? this.boundary.filter(entries) : entries;
    for (const entry of fresh) this.pending.push(entry);
    // The initial tail is held until complete, and never more of it than the ring.
    if (!this.primed) {
      if (this.pending.length > this.settings.ringLines) this.pending = this.pending.slice(-this.settings.ringLines);
      return;
    }
    const flushing = this.flush();
    if (this.pending.length >= MAX_PENDING) return flushing;
  }

  prime(): void {
    if (this.primed) return;
    this.primed = true;
    this.markPrimed = true;
    void this.flush();
  }

  /** Sends what is pending, a batch per call, one call at a time; resolves when nothing is left. */
  flush(): Promise<void> {
    if (!this.flushing && (this.pending.length > 0 || this.markPrimed) && !this.abort.signal.aborted) {
      this.flushing = this.send().finally(() => {
        this.flushing = null;
        // Lines that came while the last call was finishing.
        if (this.pending.length > 0) void this.flush();
      });
    }
    return this.flushing ?? Promise.resolve();
  }

  private async send(): Promise<void> {
    try {
      while ((this.pending.length > 0 || this.markPrimed) && !this.abort.signal.aborted) {
        const batch = this.pending.splice(0, BATCH);
        const mark = this.markPrimed && this.pending.length === 0;
        const args: string[] = [this.holder, String(this.settings.ringLines), String(this.settings.keepMs), mark ? '1' : '0'];
        for (const entry of batch) args.push(entry.time, entry.text);
        const { lease, state, lines } = this.relay.keys;
        await APPEND.run(this.redis, [lease, state, lines], args);
        if (mark) this.markPrimed = false;
      }
    } catch (err) {
      this.lost(/\bFENCED\b/.test(scriptError(err)) ? 'another replica holds the lease' : `could not write to Redis: ${scriptError(err)}`);
    }
  }
}

/**
 * Container logs shared by a fleet: one follow of each container's log for
 * every replica together. The replica that holds a container's lease in
 * Redis follows the cluster and appends the lines to that container's
 * stream (capped near the ring's length); every replica with viewers reads
 * the streams it needs with one blocking XREAD on a connection of its own,
 * and serves its viewers from there.
 *
 * Whom the follow runs as: the viewer who has been longest on the owning
 * replica, chosen each time the follow is (re)opened. Every viewer on every
 * replica was checked as themselves before joining. A follow the cluster
 * refuses to that person (they lost access meanwhile) is not a failure for
 * the others: that person is told and detached, and the lease goes to
 * whoever is next.
 *
 * When the owner goes (its viewers left, it drained, or it died and its
 * lease expired), another replica with viewers takes the lease and reopens
 * the follow from the last relayed line's second, skipping what was relayed.
 */
export class RedisLogRelay {
  private readonly relays = new Map<string, Relay>();
  private readonly wakeKey: string;
  private wakeId = '0-0';

  constructor(
    private readonly redis: RedisCommander,
    /** A connection of its own for the blocking XREAD. */
    private readonly reader: RedisCommander,
    private readonly replicaId: string,
    private readonly settings: LogRelaySettings,
    private readonly signal: AbortSignal,
  ) {
    this.wakeKey = `crowsnest:replica:${replicaId}:logs-wake`;
  }

  private get keepMs(): number {
    return Math.max(60_000, this.settings.ttlMs * 10);
  }

  start(): void {
    void this.readLoop();
    void this.tickLoop();
  }

  /** The source of an upstream relayed through Redis. */
  source(key: UpstreamKey): LogSource {
    return (upstream, signal) => this.follow(key, upstream, signal);
  }

  private async follow(key: UpstreamKey, upstream: LogUpstream, signal: AbortSignal): Promise<void> {
    const keys = logKeys(key);
    const relay = new Relay(key, keys, upstream, signal, this.replicaId);
    const [open, gen, primed, history] = await JOIN.run<[string, string, string, RawEntry[]]>(this.redis, [keys.state, keys.lines, keys.interest], [
      relay.member,
      String(Date.now() + this.settings.ttlMs),
      String(upstream.ringLines + 16),
    ]).catch((err: unknown) => {
      throw new KubeError(503, `this log could not be shared through Redis just now (${scriptError(err)}); open it again in a moment`);
    });
    if (signal.aborted) return this.leave(relay);
    relay.lastId = history[0]?.[0] ?? '0-0';
    if (open === '1') {
      relay.gen = gen;
      // The running follow's lines still held, oldest first, from its `o` record on.
      const lines: LogEntry[] = [];
      for (const [, flat] of history) {
        const fields = fieldsOf(flat);
        if (fields.get('k') === 'o') break;
        if (fields.has('k')) continue;
        relay.nextLine ??= Number(fields.get('n')) + 1;
        lines.push({ time: fields.get('t') ?? '', text: fields.get('x') ?? '' });
      }
      upstream.receive(lines.reverse());
      if (primed === '1') upstream.prime();
    }
    const id = JSON.stringify([key.cluster, key.namespace, key.pod, key.container]);
    this.relays.set(id, relay);
    socketMetrics.logRelays.inc();
    await this.wake();
    void this.claim(relay);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    if (this.relays.get(id) === relay) this.relays.delete(id);
    socketMetrics.logRelays.dec();
    await this.leave(relay);
  }

  private async leave(relay: Relay): Promise<void> {
    const holder = relay.owner?.holder ?? relay.taken ?? '';
    relay.owner?.abort.abort();
    relay.owner = null;
    const { lease, state, lines, interest } = relay.keys;
    const others = await LEAVE.run<number>(this.redis, [lease, state, lines, interest], [holder, relay.member, Date.now(), relay.upstream.ringLines]).catch((err: unknown) => {
      log.debug({ ...relay.key, err: scriptError(err) }, 'could not tell Redis this replica stopped following a log; its interest expires');
    });
    if (holder) await this.redis.sendCommand(['ZREM', OWNED, relay.id]).catch(() => undefined);
    log.debug({ ...relay.key, owned: holder !== '', othersFollow: others === 1 }, 'stopped following a log');
  }

  private async wake(): Promise<void> {
    await this.redis.sendCommand(['XADD', this.wakeKey, 'MAXLEN', '10', '*', 'w', '1']).catch(() => undefined);
  }

  /** Tries to take a container's lease; on success opens the follow as this replica's longest viewer. */
  private async claim(relay: Relay): Promise<void> {
    if (relay.owner || relay.claiming || relay.signal.aborted) return;
    const opener = relay.upstream.opener();
    if (!opener) return;
    relay.claiming = true;
    const holder = `${this.replicaId}:${randomBytes(6).toString('hex')}`;
    let claimed: [string, string, string] | null;
    const { lease, state, lines } = relay.keys;
    try {
      claimed = await CLAIM.run<[string, string, string] | null>(this.redis, [lease, state, lines], [holder, this.settings.ttlMs, relay.upstream.ringLines, this.keepMs]);
    } catch (err) {
      log.debug({ ...relay.key, err: scriptError(err) }, 'could not try the lease of a log');
      return;
    } finally {
      relay.claiming = false;
    }
    if (!claimed) return;
    // Held from here: a relay that stops meanwhile gives it back.
    relay.taken = holder;
    if (relay.signal.aborted) {
      await this.leave(relay);
      return;
    }
    const [how, , primed] = claimed;
    let boundary: { last: string; filter: Boundary } | null = null;
    let sinceTime: string | undefined;
    if (how === 'takeover' && primed === '1') {
      boundary = await this.boundaryOf(relay);
      sinceTime = boundary ? sinceTimeOf(boundary.last) : undefined;
      socketMetrics.logTakeovers.inc();
    }
    relay.taken = null;
    // Stopped while reading the boundary: its leaving gave the lease back.
    if (relay.signal.aborted) return;
    const owner = new Owner(this.redis, relay, holder, { ringLines: relay.upstream.ringLines, keepMs: this.keepMs }, primed === '1', boundary?.filter ?? null, (why) => {
      if (relay.owner !== owner) return;
      log.warn({ ...relay.key, why }, 'lost the lease of a log follow');
      owner.abort.abort();
      relay.owner = null;
    });
    relay.owner = owner;
    await this.redis.sendCommand(['ZADD', OWNED, String(Date.now() + this.settings.ttlMs), relay.id]).catch(() => undefined);
    log.info({ ...relay.key, how, sinceTime }, 'log follow opened for the fleet');
    const signal = AbortSignal.any([owner.abort.signal, relay.signal]);
    followLog(opener.kubeConfig(), relay.key, { tailLines: relay.upstream.ringLines, sinceTime }, owner, signal)
      .then(async () => {
        await owner.flush();
        if (!signal.aborted) await this.finish(relay, owner, 'e', 0, 'the log stream ended: the container stopped, restarted or was removed');
      })
      .catch(async (err: unknown) => {
        if (signal.aborted) return;
        const status = err instanceof KubeError ? err.status : 502;
        const message = err instanceof Error ? err.message : String(err);
        if (status === 401 || status === 403) {
          // Refused to this person only: they are told; the next viewer (here or elsewhere) reopens it.
          log.info({ ...relay.key, status }, 'a log follow was refused to its opener; handing it on');
          owner.abort.abort();
          relay.owner = null;
          await LEAVE.run(this.redis, [lease, state, lines, relay.keys.interest], [holder, '', Date.now(), relay.upstream.ringLines]).catch(() => undefined);
          relay.upstream.refuse(opener.viewer, status, message);
          return;
        }
        await owner.flush();
        await this.finish(relay, owner, 'f', status, status === 502 ? `the log stream from the cluster broke: ${message}` : message);
      });
  }

  /** Where the relayed history stops: its last line, and the texts at that line's time. */
  private async boundaryOf(relay: Relay): Promise<{ last: string; filter: Boundary } | null> {
    const history = await this.redis.sendCommand<RawEntry[]>(['XREVRANGE', relay.keys.lines, '+', '-', 'COUNT', String(relay.upstream.ringLines + 16)]).catch(() => []);
    let last: string | null = null;
    const texts: string[] = [];
    for (const [, flat] of history) {
      const fields = fieldsOf(flat);
      if (fields.get('k') === 'o') break;
      if (fields.has('k')) continue;
      const time = fields.get('t') ?? '';
      if (last === null) last = time;
      else if (time !== last) break;
      texts.push(fields.get('x') ?? '');
    }
    return last ? { last, filter: new Boundary(last, texts) } : null;
  }

  private async finish(relay: Relay, owner: Owner, kind: 'e' | 'f', code: number, message: string): Promise<void> {
    const { lease, state, lines } = relay.keys;
    await FINISH.run(this.redis, [lease, state, lines], [owner.holder, relay.upstream.ringLines, kind, code, message]).catch((err: unknown) => {
      log.warn({ ...relay.key, err: scriptError(err) }, 'could not record the end of a log follow');
    });
    if (relay.owner === owner) relay.owner = null;
    await this.redis.sendCommand(['ZREM', OWNED, relay.id]).catch(() => undefined);
  }

  /** Every renewal period: this replica's interest in each log it follows, its leases, and a try for the leases nobody holds. */
  private async tickLoop(): Promise<void> {
    while (!this.signal.aborted) {
      await sleep(this.settings.renewMs, this.signal);
      const expires = String(Date.now() + this.settings.ttlMs);
      await Promise.all(
        [...this.relays.values()].map(async (relay) => {
          try {
            await this.redis.sendCommand(['ZADD', relay.keys.interest, expires, relay.member]);
            const owner = relay.owner;
            if (owner) {
              const { lease, state, lines } = relay.keys;
              const held = await RENEW.run<number>(this.redis, [lease, state, lines], [owner.holder, this.settings.ttlMs, this.keepMs]);
              if (held === 1) await this.redis.sendCommand(['ZADD', OWNED, expires, relay.id]);
              else if (relay.owner === owner) {
                log.warn({ ...relay.key }, 'lost the lease of a log follow');
                owner.abort.abort();
                relay.owner = null;
              }
            } else await this.claim(relay);
          } catch (err) {
            log.debug({ ...relay.key, err: scriptError(err) }, 'could not renew a log follow in Redis');
          }
        }),
      );
      await this.countFleet().catch(() => undefined);
    }
  }

  /** The fleet's follows, for the metric: a crashed owner's entry lapses with its lease. */
  private async countFleet(): Promise<void> {
    await this.redis.sendCommand(['ZREMRANGEBYSCORE', OWNED, '-inf', String(Date.now())]);
    socketMetrics.logUpstreamsFleet.set(Number(await this.redis.sendCommand<number>(['ZCARD', OWNED])));
  }

  /** One blocking XREAD over every followed log (and this replica's wake stream, to change the set). */
  private async readLoop(): Promise<void> {
    await this.redis.sendCommand(['DEL', this.wakeKey]).catch(() => undefined);
    let failures = 0;
    while (!this.signal.aborted) {
      const relays = [...this.relays.values()];
      let reply: Array<[string, RawEntry[]]> | null;
      try {
        reply = await this.reader.sendCommand<Array<[string, RawEntry[]]> | null>([
          'XREAD', 'COUNT', '1000', 'BLOCK', '5000', 'STREAMS',
          ...relays.map((r) => r.keys.lines), this.wakeKey,
          ...relays.map((r) => r.lastId), this.wakeId,
        ]);
        failures = 0;
      } catch (err) {
        if (this.signal.aborted) return;
        log.warn({ err: scriptError(err) }, 'reading the relayed logs from Redis failed; retrying');
        await sleep(redisBackoffMs(++failures), this.signal);
        continue;
      }
      const byKey = new Map(relays.map((r) => [r.keys.lines, r]));
      for (const [key, entries] of reply ?? []) {
        if (key === this.wakeKey) {
          if (entries.length > 0) this.wakeId = entries[entries.length - 1][0];
          continue;
        }
        const relay = byKey.get(key);
        if (relay && !relay.signal.aborted) this.deliver(relay, entries);
      }
    }
  }

  private deliver(relay: Relay, entries: RawEntry[]): void {
    let lines: LogEntry[] = [];
    const flush = () => {
      if (lines.length > 0 && relay.gen !== null) relay.upstream.receive(lines);
      lines = [];
    };
    for (const [id, flat] of entries) {
      relay.lastId = id;
      const fields = fieldsOf(flat);
      const kind = fields.get('k');
      if (kind === undefined) {
        const n = Number(fields.get('n'));
        if (relay.nextLine !== null && n > relay.nextLine && relay.gen !== null) {
          // Trimmed before this replica read them (it fell a whole ring behind).
          flush();
          relay.upstream.skipped(n - relay.nextLine);
        }
        if (Number.isSafeInteger(n)) relay.nextLine = n + 1;
        lines.push({ time: fields.get('t') ?? '', text: fields.get('x') ?? '' });
        continue;
      }
      flush();
      log.debug({ ...relay.key, record: kind, gen: fields.get('g') ?? relay.gen }, 'log follow record');
      if (kind === 'o') {
        const gen = fields.get('g') ?? '';
        if (relay.gen !== null && relay.gen !== gen) return relay.upstream.end('the log stream ended: the container stopped, restarted or was removed');
        relay.gen = gen;
      } else if (kind === 'p') relay.upstream.prime();
      else if (kind === 'e') return relay.upstream.end(fields.get('m') ?? 'the log stream ended');
      else if (kind === 'f') return relay.upstream.fail(Number(fields.get('c')) || 502, fields.get('m') ?? 'the log stream failed');
      else if (kind === 'r') void this.claim(relay);
    }
    flush();
  }
}
