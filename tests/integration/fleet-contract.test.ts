import { setMaxListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { Row } from '../../lib/kinds/types';
import type { Delta, KindHealth } from '../../lib/live/protocol';
import { CorruptTopic, LeaseLost, LocalLease, MemoryDeltaBus, type BusMessage, type DeltaBus, type InformerLease } from '../../server/live/deltaBus';
import { RedisDeltaBus, topicKeys } from '../../server/fleet/redisBus';
import { RedisLease } from '../../server/fleet/redisLease';
import { RedisLimits } from '../../server/fleet/redisLimits';
import { FleetLink } from '../../server/fleet/fleetLink';
import { MemoryLimits, type Limits } from '../../server/limits';
import { MemoryRevocations, RedisRevocations, type Revocations } from '../../server/auth/revocations';
import { FleetRevocations } from '../../server/fleet/fleetRevocations';
import { log } from '../../server/log';
import { startRedis } from '../support/redis';
import { until } from '../support/until';


function row(uid: string, extra: Partial<Row> = {}): Row {
  return { uid, name: `pod-${uid}`, namespace: 'team-a', resourceVersion: '1', ...extra } as Row;
}

/** Collects what a subscriber receives. */
function recorder() {
  const messages: BusMessage[] = [];
  return {
    messages,
    handler: (m: BusMessage) => messages.push(m),
    /** The rows a subscriber would hold after everything received. */
    rows(): Map<string, Row> {
      const rows = new Map<string, Row>();
      for (const m of messages) {
        if (m.type === 'reset') {
          rows.clear();
          for (const r of m.rows) rows.set(r.uid, r);
        } else if (m.delta.type === 'deleted') rows.delete(m.delta.key.uid);
        else rows.set(m.delta.row.uid, m.delta.row);
      }
      return rows;
    },
    seqs: () => messages.filter((m) => m.type === 'delta').map((m) => (m as { delta: Delta }).delta.seq),
    /** The sequence the subscriber is at. */
    position(): number {
      const last = messages[messages.length - 1];
      return !last ? -1 : last.type === 'reset' ? last.seq : last.delta.seq;
    },
    /** Every delta follows the message before it by one. */
    gapless(): boolean {
      let at = -1;
      for (const m of messages) {
        if (m.type === 'reset') at = m.seq;
        else if (m.delta.seq !== at + 1) return false;
        else at = m.delta.seq;
      }
      return true;
    },
  };
}

interface Harness {
  bus: DeltaBus;
  lease: InformerLease;
  /** A second replica's view of the same bus (Redis), or the same bus (memory). */
  other: () => DeltaBus;
}

let redis: Awaited<ReturnType<typeof startRedis>>;
const clients: Array<{ destroy(): void }> = [];
const root = new AbortController();
// Every bus, lease and link of these tests listens to it, as every part of a replica listens to its root signal.
setMaxListeners(0, root.signal);

async function client() {
  const c = createClient({ url: redis.url, disableOfflineQueue: true, RESP: 2 });
  c.on('error', () => undefined);
  await c.connect();
  clients.push(c);
  return c;
}

let replicas = 0;
async function redisBus(): Promise<RedisDeltaBus> {
  const bus = new RedisDeltaBus(await client(), await client(), `r${++replicas}`, { historyLength: 1000, recentLength: 100, checkMs: 200 }, root.signal);
  bus.start();
  return bus;
}

async function redisLease(ttlMs = 1500, renewMs = 300): Promise<RedisLease> {
  const sub = await client();
  const lease = new RedisLease(await client(), `r${++replicas}`, { ttlMs, renewMs }, root.signal);
  lease.start((channel, listener) => sub.subscribe(channel, listener));
  await until(() => lease.replicas().length > 0, { message: 'the replica to join' });
  return lease;
}

beforeAll(async () => {
  // These tests corrupt topics on purpose: the errors the bus logs for them are expected.
  log.level = 'silent';
  redis = await startRedis();
});

afterAll(async () => {
  root.abort();
  for (const c of clients) c.destroy();
  await redis?.stop();
});

let topicCount = 0;
const nextTopic = () => `test/kind${++topicCount}`;

/** The same promises for every implementation of the bus and the lease. */
function contract(name: string, make: () => Promise<Harness>) {
  describe(`the delta bus and lease contract: ${name}`, () => {
    it('has no state before a history begins, then the rows of the reset at sequence 0', async () => {
      const h = await make();
      const topic = nextTopic();
      const sub = recorder();
      h.bus.subscribe(topic, sub.handler);
      expect(await h.bus.current(topic)).toBeNull();
      const owner = (await h.lease.acquire(topic, root.signal))!;
      const { epoch, seq } = await h.bus.reset(topic, owner.fence, [row('a'), row('b')]);
      expect(seq).toBe(0);
      expect(epoch).toMatch(/^[a-z0-9]{1,32}$/);
      const state = await h.other().current(topic);
      expect(state?.epoch).toBe(epoch);
      expect(state?.seq).toBe(0);
      expect(state?.rows.map((r) => r.uid).sort()).toEqual(['a', 'b']);
      await until(() => sub.messages.some((m) => m.type === 'reset' && m.epoch === epoch), { message: 'the reset to reach the subscriber' });
      await owner.release();
    });

    it('delivers appended deltas in order, and current() reflects them', async () => {
      const h = await make();
      const topic = nextTopic();
      const sub = recorder();
      h.bus.subscribe(topic, sub.handler);
      const owner = (await h.lease.acquire(topic, root.signal))!;
      const { epoch } = await h.bus.reset(topic, owner.fence, [row('a')]);
      const writes: Array<Promise<void>> = [];
      for (let seq = 1; seq <= 50; seq++) writes.push(h.bus.append(topic, owner.fence, epoch, { type: 'modified', seq, row: row('a', { resourceVersion: String(seq) }) }, Date.now()));
      writes.push(h.bus.append(topic, owner.fence, epoch, { type: 'added', seq: 51, row: row('b') }, Date.now()));
      writes.push(h.bus.append(topic, owner.fence, epoch, { type: 'deleted', seq: 52, key: { namespace: 'team-a', name: 'pod-a', uid: 'a' } }, Date.now()));
      await Promise.all(writes);
      // A subscriber may receive a state that already folds some deltas in; what follows it is gapless.
      await until(() => sub.position() === 52, { message: 'every delta to arrive' });
      expect(sub.gapless()).toBe(true);
      expect([...sub.rows().keys()]).toEqual(['b']);
      const state = await h.other().current(topic);
      expect(state?.seq).toBe(52);
      expect(state?.rows.map((r) => r.uid)).toEqual(['b']);
      await owner.release();
    });

    it('gives a late subscriber the current state first, then what follows', async () => {
      const h = await make();
      const topic = nextTopic();
      const first = recorder();
      h.bus.subscribe(topic, first.handler);
      const owner = (await h.lease.acquire(topic, root.signal))!;
      const { epoch } = await h.bus.reset(topic, owner.fence, [row('a')]);
      await h.bus.append(topic, owner.fence, epoch, { type: 'added', seq: 1, row: row('b') }, Date.now());
      const late = recorder();
      const other = h.other();
      other.subscribe(topic, late.handler);
      await until(() => late.messages.some((m) => m.type === 'reset'), { message: 'the late subscriber to get the state' });
      await h.bus.append(topic, owner.fence, epoch, { type: 'added', seq: 2, row: row('c') }, Date.now());
      await until(() => late.rows().has('c'), { message: 'the next delta' });
      expect([...late.rows().keys()].sort()).toEqual(['a', 'b', 'c']);
      await owner.release();
    });

    it('refuses an append out of sequence and leaves the state as it was', async () => {
      const h = await make();
      const topic = nextTopic();
      h.bus.subscribe(topic, () => undefined);
      const owner = (await h.lease.acquire(topic, root.signal))!;
      const { epoch } = await h.bus.reset(topic, owner.fence, [row('a')]);
      await expect(h.bus.append(topic, owner.fence, epoch, { type: 'added', seq: 5, row: row('x') }, Date.now())).rejects.toThrow();
      await expect(h.bus.append(topic, owner.fence, 'otherepoch', { type: 'added', seq: 1, row: row('x') }, Date.now())).rejects.toThrow();
      const state = await h.bus.current(topic);
      expect(state?.seq).toBe(0);
      expect(state?.rows.map((r) => r.uid)).toEqual(['a']);
      await owner.release();
    });

    it('keeps the appends of one turn that follow on, and refuses from the first that does not', async () => {
      const h = await make();
      const topic = nextTopic();
      h.bus.subscribe(topic, () => undefined);
      const owner = (await h.lease.acquire(topic, root.signal))!;
      const { epoch } = await h.bus.reset(topic, owner.fence, [row('a')]);
      // One turn of the event loop: three in sequence, then a gap, then one that would follow the gap.
      const writes = [1, 2, 3, 5, 6].map((seq) => h.bus.append(topic, owner.fence, epoch, { type: 'added', seq, row: row(`r${seq}`) }, Date.now()));
      const settled = await Promise.allSettled(writes);
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
      const state = await h.bus.current(topic);
      expect(state?.seq).toBe(3);
      expect(state?.rows.map((r) => r.uid).sort()).toEqual(['a', 'r1', 'r2', 'r3']);
      await owner.release();
    });

    it('gives every new owner a higher fencing token, and refuses the writes of an older one', async () => {
      const h = await make();
      const topic = nextTopic();
      h.bus.subscribe(topic, () => undefined);
      const old = (await h.lease.acquire(topic, root.signal))!;
      const { epoch } = await h.bus.reset(topic, old.fence, [row('a')]);
      await old.release();
      expect(old.lost.aborted).toBe(true);
      const next = (await h.lease.acquire(topic, root.signal))!;
      expect(parseInt(next.fence, 10)).toBeGreaterThan(parseInt(old.fence, 10));
      await h.bus.append(topic, next.fence, epoch, { type: 'added', seq: 1, row: row('b') }, Date.now());
      await expect(h.bus.append(topic, old.fence, epoch, { type: 'added', seq: 2, row: row('c') }, Date.now())).rejects.toBeInstanceOf(LeaseLost);
      await expect(h.bus.reset(topic, old.fence, [])).rejects.toBeInstanceOf(LeaseLost);
      expect((await h.bus.current(topic))?.rows.map((r) => r.uid).sort()).toEqual(['a', 'b']);
      await next.release();
    });

    it("carries the owner's connection state to every follower, latest first to a late one, and refuses it from an older owner", async () => {
      const h = await make();
      const topic = nextTopic();
      const seen: KindHealth[] = [];
      h.bus.subscribe(topic, () => undefined);
      h.bus.onHealth(topic, (health) => seen.push(health));
      const other = h.other();
      other.subscribe(topic, () => undefined);
      const old = (await h.lease.acquire(topic, root.signal))!;
      await h.bus.reset(topic, old.fence, [row('a')]);
      await h.bus.setHealth(topic, old.fence, { state: 'synced', since: '2026-12-01T10:00:00.000Z' });
      await h.bus.setHealth(topic, old.fence, { state: 'reconnecting', since: '2026-12-01T10:05:00.000Z', reason: 'connect ECONNREFUSED 127.0.0.1:6443' });
      await until(() => seen.some((s) => s.state === 'reconnecting'), { message: 'the reconnecting state to reach a follower' });
      // A follower that loads the topic after both writes gets only the latest: states are news, not history.
      expect(seen[seen.length - 1]).toEqual({ state: 'reconnecting', since: '2026-12-01T10:05:00.000Z', reason: 'connect ECONNREFUSED 127.0.0.1:6443' });

      const late: KindHealth[] = [];
      await until(
        () =>
          new Promise<boolean>((resolve) => {
            const off = other.onHealth(topic, (health) => late.push(health));
            off();
            resolve(late.length > 0);
          }),
        { message: 'the other replica to hold the latest state' },
      );
      expect(late[late.length - 1].state).toBe('reconnecting');

      await old.release();
      const next = (await h.lease.acquire(topic, root.signal))!;
      await h.bus.setHealth(topic, next.fence, { state: 'synced', since: '2026-12-01T10:07:00.000Z' });
      await expect(h.bus.setHealth(topic, old.fence, { state: 'failed', since: '2026-12-01T10:06:00.000Z', reason: 'stale owner' })).rejects.toBeInstanceOf(LeaseLost);
      await until(() => seen[seen.length - 1]?.state === 'synced', { message: 'synced again' });
      expect(seen.some((s) => s.reason === 'stale owner')).toBe(false);
      await next.release();
    });

    it('begins a new epoch on reset, and subscribers get the new rows', async () => {
      const h = await make();
      const topic = nextTopic();
      const sub = recorder();
      h.bus.subscribe(topic, sub.handler);
      const owner = (await h.lease.acquire(topic, root.signal))!;
      const first = await h.bus.reset(topic, owner.fence, [row('a')]);
      await h.bus.append(topic, owner.fence, first.epoch, { type: 'added', seq: 1, row: row('b') }, Date.now());
      const second = await h.bus.reset(topic, owner.fence, [row('z')]);
      expect(second.epoch).not.toBe(first.epoch);
      await until(() => sub.messages.some((m) => m.type === 'reset' && m.epoch === second.epoch), { message: 'the second reset' });
      expect([...sub.rows().keys()]).toEqual(['z']);
      await owner.release();
    });
  });
}

contract('memory (one replica)', async () => {
  const bus = new MemoryDeltaBus();
  return { bus, lease: new LocalLease(), other: () => bus };
});

contract('Redis (a fleet)', async () => {
  const bus = await redisBus();
  const others: RedisDeltaBus[] = [];
  const other = await redisBus();
  others.push(other);
  return { bus, lease: await redisLease(), other: () => other };
});

describe('the Redis lease and bus of a fleet', () => {
  it('lets one replica at a time hold a topic; another takes it at once when released, and after expiry when its holder vanished', async () => {
    const a = await redisLease(1200, 300);
    const b = await redisLease(1200, 300);
    const topic = nextTopic();
    const first = (await a.acquire(topic, root.signal))!;
    let second: Awaited<ReturnType<RedisLease['acquire']>> = null;
    void b.acquire(topic, root.signal).then((o) => (second = o));
    await new Promise((r) => setTimeout(r, 700));
    expect(second).toBeNull();
    const releasedAt = Date.now();
    await first.release();
    await until(() => second !== null, { message: 'b to take the released lease' });
    expect(Date.now() - releasedAt).toBeLessThan(1200);
    expect(parseInt(second!.fence, 10)).toBe(parseInt(first.fence, 10) + 1);
    // A holder that vanished without releasing (killed): its lease expires, and another replica takes the topic.
    const orphaned = nextTopic();
    const admin = await client();
    await admin.sendCommand(['SET', topicKeys(orphaned).lease, 'gone:7.abc', 'PX', '1000']);
    const vanishedAt = Date.now();
    const taken = (await a.acquire(orphaned, root.signal))!;
    expect(Date.now() - vanishedAt).toBeGreaterThanOrEqual(900);
    expect(taken.lost.aborted).toBe(false);
  });

  it('tells a holder it lost the lease when another replica holds it', async () => {
    const a = await redisLease(900, 300);
    const topic = nextTopic();
    const owner = (await a.acquire(topic, root.signal))!;
    const admin = await client();
    await admin.sendCommand(['SET', topicKeys(topic).lease, 'elsewhere:99', 'PX', '5000']);
    await until(() => owner.lost.aborted, { message: 'the holder to notice' });
  });

  it('a follower that fell behind the trimmed history reloads and ends equal to the owner', async () => {
    const bus = await redisBus();
    const lease = await redisLease();
    const topic = nextTopic();
    const owner = (await lease.acquire(topic, root.signal))!;
    const { epoch } = await bus.reset(topic, owner.fence, [row('a')]);
    // The follower's stream reader is held back while the owner writes far more than the history keeps.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let held = false;
    const reader = await client();
    const slowTail = {
      async sendCommand<T>(args: ReadonlyArray<string | Buffer>): Promise<T> {
        if (args[0] === 'XREAD' && held) await gate;
        return reader.sendCommand(args as string[]) as Promise<T>;
      },
    };
    const follower = new RedisDeltaBus(await client(), slowTail, `r${++replicas}`, { historyLength: 1000, recentLength: 100, checkMs: 60_000 }, root.signal);
    follower.start();
    const sub = recorder();
    follower.subscribe(topic, sub.handler);
    await until(() => sub.messages.length > 0, { message: 'the follower to load' });
    held = true;
    const writes: Array<Promise<void>> = [];
    for (let seq = 1; seq <= 3000; seq++) writes.push(bus.append(topic, owner.fence, epoch, { type: 'added', seq, row: row(`r${seq}`) }, Date.now()));
    await Promise.all(writes);
    const admin = await client();
    const [first] = (await admin.sendCommand(['XRANGE', topicKeys(topic).deltas, '-', '+', 'COUNT', '1'])) as Array<[string, string[]]>;
    expect(Number(first[0].split('-')[1])).toBeGreaterThan(1);
    held = false;
    open();
    await until(() => sub.position() === 3000 && sub.rows().size === 3001, { message: 'the follower to hold every row' });
    expect(sub.messages.filter((m) => m.type === 'reset').length).toBeGreaterThanOrEqual(2);
    expect(sub.gapless()).toBe(true);
    await owner.release();
  });

  it('knows, without asking Redis, its stream’s length as the owner and how far the stream has gone as a follower that reads nothing', async () => {
    const lease = await redisLease();
    const topic = nextTopic();
    const owner = (await lease.acquire(topic, root.signal))!;
    // A short history, so the stream is trimmed.
    const bus = new RedisDeltaBus(await client(), await client(), `r${++replicas}`, { historyLength: 100, recentLength: 100, checkMs: 200 }, root.signal);
    bus.start();
    // The owner follows its own topic, as every replica's copy does.
    const own = recorder();
    bus.subscribe(topic, own.handler);
    const { epoch } = await bus.reset(topic, owner.fence, [row('a')]);
    await until(() => own.messages.length > 0, { message: 'the owner to load its topic' });
    expect(bus.knownStream(topic)).toEqual({ epoch, head: 0, length: 1 });
    // A follower whose stream reader is held from the start: it loads the topic, then reads nothing more.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const reader = await client();
    const heldTail = {
      async sendCommand<T>(args: ReadonlyArray<string | Buffer>): Promise<T> {
        if (args[0] === 'XREAD') await gate;
        return reader.sendCommand(args as string[]) as Promise<T>;
      },
    };
    const follower = new RedisDeltaBus(await client(), heldTail, `r${++replicas}`, { historyLength: 100, recentLength: 100, checkMs: 200 }, root.signal);
    follower.start();
    const sub = recorder();
    follower.subscribe(topic, sub.handler);
    await until(() => sub.messages.length > 0, { message: 'the follower to load' });
    const writes: Array<Promise<void>> = [];
    for (let seq = 1; seq <= 500; seq++) writes.push(bus.append(topic, owner.fence, epoch, { type: 'added', seq, row: row(`r${seq}`) }, Date.now()));
    await Promise.all(writes);
    const admin = await client();
    const length = Number(await admin.sendCommand(['XLEN', topicKeys(topic).deltas]));
    expect(length).toBeLessThan(501);
    expect(bus.knownStream(topic)).toEqual({ epoch, head: 500, length });
    // The follower's checks of the topic's position tell it how far the stream has gone, though it read none of it.
    await until(() => follower.knownStream(topic)?.head === 500, { message: 'the follower to learn the head from its checks' });
    expect(sub.position()).toBe(0);
    open();
    await until(() => sub.position() === 500, { message: 'the follower to catch up' });
    expect(follower.knownStream(topic)?.head).toBe(500);
    await owner.release();
  });

  it('tells the owner when the stream holds garbage or a key has the wrong type; a new epoch over it is followed', async () => {
    const bus = await redisBus();
    const lease = await redisLease();
    const topic = nextTopic();
    const owner = (await lease.acquire(topic, root.signal))!;
    const { epoch } = await bus.reset(topic, owner.fence, [row('a')]);
    const follower = await redisBus();
    const sub = recorder();
    follower.subscribe(topic, sub.handler);
    const reports: string[] = [];
    follower.onCorrupt(topic, (why) => reports.push(why));
    await until(() => sub.messages.length === 1, { message: 'the follower to load' });
    const admin = await client();
    const keys = topicKeys(topic);
    const gen = (await admin.sendCommand(['HGET', keys.meta, 'gen'])) as string;
    await admin.sendCommand(['XADD', keys.deltas, `${gen}-1`, 'd', '{not json']);
    await until(() => reports.length > 0, { message: 'the follower to report the garbage' });
    expect(reports[0]).toMatch(/not JSON/);
    // Nothing unreadable reached the subscriber.
    expect(sub.seqs()).toEqual([]);
    // The owner begins anew over it; the follower follows.
    const fresh = await bus.reset(topic, owner.fence, [row('n')]);
    expect(fresh.epoch).not.toBe(epoch);
    await until(() => sub.rows().has('n') && sub.rows().size === 1, { message: 'the follower to follow the new epoch' });
    // A position key of the wrong type: loading refuses, a reset repairs it.
    await admin.sendCommand(['DEL', keys.meta]);
    await admin.sendCommand(['SET', keys.meta, 'garbage']);
    await expect(bus.current(topic)).rejects.toBeInstanceOf(CorruptTopic);
    await bus.reset(topic, owner.fence, [row('m')]);
    expect((await bus.current(topic))?.rows.map((r) => r.uid)).toEqual(['m']);
    await until(() => sub.rows().has('m'), { message: 'the follower to follow the repaired topic' });
    await owner.release();
  });

  it('a follower notices a flushed Redis and follows the history that begins after it', async () => {
    const bus = await redisBus();
    const lease = await redisLease();
    const topic = nextTopic();
    let owner = (await lease.acquire(topic, root.signal))!;
    const { epoch } = await bus.reset(topic, owner.fence, [row('a')]);
    for (let seq = 1; seq <= 5; seq++) await bus.append(topic, owner.fence, epoch, { type: 'added', seq, row: row(`r${seq}`) }, Date.now());
    const follower = await redisBus();
    const sub = recorder();
    follower.subscribe(topic, sub.handler);
    await until(() => sub.rows().size === 6, { message: 'the follower to load' });
    const admin = await client();
    await admin.sendCommand(['FLUSHALL']);
    await expect(bus.append(topic, owner.fence, epoch, { type: 'added', seq: 6, row: row('x') }, Date.now())).rejects.toBeInstanceOf(LeaseLost);
    owner = (await lease.acquire(topic, root.signal))!;
    const next = await bus.reset(topic, owner.fence, [row('after')]);
    await until(() => sub.messages.some((m) => m.type === 'reset' && m.epoch === next.epoch), { message: 'the follower to see the new epoch' });
    expect([...sub.rows().keys()]).toEqual(['after']);
    await owner.release();
  });
});

/** The same promises for the per-person caps of one replica and of a fleet. */
function limitsContract(name: string, make: () => Promise<[Limits, Limits]>) {
  describe(`the per-person caps contract: ${name}`, () => {
    it('gives a person at most the cap in a pool, counted wherever they hold it, and a slot back on release', async () => {
      const [a, b] = await make();
      const user = `u${++topicCount}`;
      const one = await a.take('streams', user, 2);
      const two = await b.take('streams', user, 2);
      expect(one).not.toBeNull();
      expect(two).not.toBeNull();
      expect(await a.take('streams', user, 2)).toBeNull();
      expect(await b.take('streams', user, 2)).toBeNull();
      // Other pools and other people are counted apart; a cap of 0 is no cap.
      expect(await a.take('shells', user, 2)).not.toBeNull();
      expect(await a.take('streams', `${user}-other`, 2)).not.toBeNull();
      expect(await a.take('logs', user, 0)).not.toBeNull();
      expect(await b.held('streams', user)).toBe(2);
      one!();
      one!();
      expect(await b.held('streams', user)).toBe(1);
      expect(await b.take('streams', user, 2)).not.toBeNull();
      two!();
    });
  });
}

limitsContract('memory (one replica)', async () => {
  const limits = new MemoryLimits();
  return [limits, limits];
});

limitsContract('Redis (a fleet)', async () => {
  const make = async () => {
    const c = await client();
    const link = new FleetLink(c, root.signal);
    await link.waitUp(5000);
    const limits = new RedisLimits(c, link, root.signal, 3000);
    limits.start();
    return limits;
  };
  return [await make(), await make()];
});

describe('per-person caps across a fleet', () => {
  it('lets the slots of a replica that stopped renewing lapse, while a live replica keeps its own', async () => {
    const c = await client();
    const link = new FleetLink(c, root.signal);
    await link.waitUp(5000);
    const gone = new AbortController();
    const dead = new RedisLimits(c, link, gone.signal, 1500);
    dead.start();
    const alive = new RedisLimits(c, link, root.signal, 1500);
    alive.start();
    const user = `u${++topicCount}`;
    expect(await dead.take('streams', user, 2)).not.toBeNull();
    expect(await alive.take('streams', user, 2)).not.toBeNull();
    expect(await alive.take('streams', user, 2)).toBeNull();
    // The first replica stops renewing (as when it is killed): its slot lapses, the other's stays.
    gone.abort();
    await until(async () => (await alive.held('streams', user)) === 1, { message: 'the dead replica’s slot to lapse', timeoutMs: 10_000 });
    // The live one's slot is renewed past the time it was first given (it does not lapse with the other).
    const scores = async () => ((await c.sendCommand(['ZRANGE', `crowsnest:held:streams:{${user}}`, '0', '-1', 'WITHSCORES'])) as string[]).filter((_, i) => i % 2 === 1).map(Number);
    const first = Math.max(...(await scores()));
    await until(async () => Math.max(...(await scores())) > first, { message: 'the live slot to be renewed', timeoutMs: 10_000 });
    expect(await alive.held('streams', user)).toBe(1);
    expect(await alive.take('streams', user, 2)).not.toBeNull();
  });
});

/** The same promises for the sign-out list of one replica and of a fleet. */
function revocationsContract(name: string, make: () => Promise<[Revocations, Revocations]>) {
  describe(`the sign-out list contract: ${name}`, () => {
    it('denies a signed-out session everywhere until its end, tells listeners at once, and forgets it after', async () => {
      const [a, b] = await make();
      const sid = `s${++topicCount}`;
      const heard: string[] = [];
      const off = b.onRevoked?.((id) => heard.push(id));
      expect(await a.isRevoked(sid)).toBe(false);
      await a.revoke(sid, Date.now() / 1000 + 2);
      expect(await a.isRevoked(sid)).toBe(true);
      expect(await b.isRevoked(sid)).toBe(true);
      await until(() => heard.includes(sid), { message: 'the other side to hear of the sign-out' });
      await until(async () => !(await a.isRevoked(`${sid}-never`)) && !(await b.isRevoked(sid)) && !(await a.isRevoked(sid)), { message: 'the entry to lapse at the session end', timeoutMs: 30_000 });
      off?.();
    });
  });
}

revocationsContract('memory (one replica)', async () => {
  const list = new MemoryRevocations();
  return [list, list];
});

async function subscribers(): Promise<number> {
  const c = await client();
  const [, count] = (await c.sendCommand(['PUBSUB', 'NUMSUB', 'crowsnest:signed-out'])) as [string, number];
  return Number(count);
}

revocationsContract('Redis (a fleet)', async () => {
  const make = async () => {
    const c = await client();
    const sub = await client();
    const link = new FleetLink(c, root.signal);
    await link.waitUp(5000);
    return new FleetRevocations(new RedisRevocations(c), link, (sid) => c.sendCommand(['PUBLISH', 'crowsnest:signed-out', sid]), root.signal, (listener) => sub.subscribe('crowsnest:signed-out', listener));
  };
  const before = await subscribers();
  const a = await make();
  const b = await make();
  // Both listen before the first sign-out.
  await until(async () => (await subscribers()) >= before + 2, { message: 'both replicas to listen for sign-outs' });
  return [a, b];
});
