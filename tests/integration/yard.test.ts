import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { createClient } from 'redis';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FleetLink } from '../../server/fleet/fleetLink';
import { RedisYardStorage } from '../../server/fleet/redisYards';
import type { RedisCommander } from '../../server/fleet/redisScripts';
import { personalYardId } from '../../server/yard/catalog';
import type { YardListener } from '../../server/yard/storage';
import { YardClient } from '../../lib/yard/yardClient';
import { startPortal, type Portal } from '../support/portal';
import { freePort, startRedis } from '../support/redis';
import { signInAs, signOut, type CookieJar } from '../support/session';
import { sharedCluster } from '../support/sharedCluster';
import { until } from '../support/until';

const podKrate = { type: 'object', cluster: 'demo', kind: 'pods', namespace: 'team-a', name: 'web-1', x: 10, y: 20, w: 300, h: 200, z: 1 };

function addKrate(client: YardClient, id: string, fields: Record<string, unknown>): void {
  client.doc.transact(() => {
    const krate = new Y.Map<unknown>();
    client.doc.getMap('krates').set(id, krate);
    for (const [k, v] of Object.entries(fields)) krate.set(k, v);
  });
}
const krates = (client: YardClient) => client.doc.getMap('krates').toJSON() as Record<string, Record<string, unknown>>;

const clients: YardClient[] = [];
async function connect(portal: Portal, jar: CookieJar, yard: string): Promise<YardClient> {
  const socket = io(`${portal.url}/yard`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: jar.header(), Origin: portal.url }, forceNew: true });
  const client = new YardClient(socket, yard);
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}
async function open(portal: Portal, jar: CookieJar, yard: string): Promise<YardClient> {
  const client = await connect(portal, jar, yard);
  await client.join();
  await until(() => client.synced, { message: 'the yard to sync' });
  return client;
}
afterEach(() => clients.splice(0).forEach((c) => c.close()));

const api = (portal: Portal, jar: CookieJar, path: string, init: RequestInit = {}) =>
  fetch(`${portal.url}${path}`, { ...init, headers: { Cookie: jar.header(), 'Content-Type': 'application/json', 'X-Crowsnest-Csrf': '1', Origin: portal.url, ...(init.headers ?? {}) } });

describe('the Yard on one replica (kept in files)', () => {
  let cluster: Awaited<ReturnType<typeof sharedCluster>>;
  let portal: Portal;
  let dataDir: string;
  let alice: CookieJar;
  let bob: CookieJar;
  let carol: CookieJar;
  const secret = randomBytes(32).toString('base64url');
  const start = () =>
    startPortal({
      ...cluster.env,
      NEXTAUTH_SECRET: secret,
      CROWSNEST_YARDS: 'team-a=team-a/team-b;platform=platform-admins',
      CROWSNEST_ADMIN_GROUPS: 'platform-admins',
      CROWSNEST_DATA_DIR: dataDir,
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'yard-data-'));
    cluster = await sharedCluster();
    portal = await start();
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => signInAs(portal.url, u)));
  }, 180_000);
  afterAll(async () => {
    await portal?.stop();
    await cluster?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("hands alice's new krate to bob, refuses what is not allowed, and keeps the yard through a restart", async () => {
    const a = await open(portal, alice, 'team-a');
    const b = await open(portal, bob, 'team-a');
    expect(a.yard).toMatchObject({ id: 'team-a', access: 'edit' });
    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    expect(metrics).toMatch(/^crowsnest_yard_people\{yard="team-a"\} 2$/m);
    addKrate(a, 'k1', podKrate);
    await until(() => krates(b).k1, { message: 'bob to see the krate' });
    expect(krates(b).k1).toEqual(podKrate);

    // A krate pointing at a cluster the portal does not serve, and bytes that are no sync message: refused, nothing else harmed.
    addKrate(b, 'k2', { ...podKrate, cluster: 'nope' });
    b.socket.emit('sync', new Uint8Array([2, 5, 1, 2, 3]));
    await until(() => b.errors.length >= 2, { message: 'the refusals' });
    expect(b.errors.map((e) => e.code).sort()).toEqual([400, 400]);
    expect(b.errors.map((e) => e.message).join(' ')).toContain('cluster "nope" is not one this portal serves');
    (a.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 99);
    await until(() => krates(b).k1?.x === 99 && !krates(b).k2, { message: 'bob back in step, without the refused krate' });
    expect(Object.keys(krates(a))).toEqual(['k1']);

    await portal.stop();
    portal = await start();
    const again = await open(portal, alice, 'team-a');
    expect(krates(again)).toEqual({ k1: { ...podKrate, x: 99 } });
  });

  it('lets only the groups of a yard open it', async () => {
    const refusal = async (jar: CookieJar, yard: string) => {
      const client = await connect(portal, jar, yard);
      return client.join().then(
        () => null,
        (err: Error & { code: number }) => ({ code: err.code, message: err.message }),
      );
    };
    expect(await refusal(carol, 'team-a')).toMatchObject({ code: 403 });
    expect(await refusal(bob, 'platform')).toMatchObject({ code: 403 });
    expect(await refusal(bob, 'nope')).toMatchObject({ code: 404 });
    expect(await refusal(bob, personalYardId('alice'))).toMatchObject({ code: 403 });
    expect(await refusal(bob, '../etc')).toMatchObject({ code: 400 });
    // Carol has her own yard.
    const own = await open(portal, carol, personalYardId('carol'));
    addKrate(own, 'mine', podKrate);
    await until(() => own.errors.length === 0 && krates(own).mine);

    const view = await api(portal, bob, '/api/yards');
    const listed = (await view.json()) as Array<{ id: string; access: string; personal: boolean }>;
    expect(listed[0]).toMatchObject({ personal: true, id: personalYardId('bob') });
    expect(listed.map((y) => y.id)).toContain('team-a');
    expect(listed.map((y) => y.id)).not.toContain('platform');
  });

  it('ends the yard of a person who signs out, and takes no change from them after that', async () => {
    const watcher = await open(portal, alice, 'team-a');
    const leaving = await signInAs(portal.url, 'bob');
    const b = await open(portal, leaving, 'team-a');
    let disconnected = false;
    b.socket.io.opts.reconnection = false;
    b.socket.on('disconnect', () => (disconnected = true));
    await signOut(portal.url, leaving);
    await until(() => disconnected, { message: "bob's yard socket to end" });
    expect(b.errors.map((e) => e.code)).toContain(401);
    addKrate(b, 'after-sign-out', podKrate);
    const again = await connect(portal, leaving, 'team-a').then(
      () => 'connected',
      (err: Error) => err.message,
    );
    expect(again).toBe('not signed in');
    addKrate(watcher, 'marker', { ...podKrate, name: 'marker' });
    await until(() => krates(watcher).marker);
    expect(krates(watcher)['after-sign-out']).toBeUndefined();
  });

  it('makes, renames and deletes team yards as the groups allow, audited', async () => {
    const created = await api(portal, bob, '/api/yards', { method: 'POST', body: JSON.stringify({ id: 'incident-42', title: 'Incident 42', editGroups: ['team-a'] }) });
    expect(created.status).toBe(201);
    expect((await api(portal, bob, '/api/yards', { method: 'POST', body: JSON.stringify({ id: 'incident-42', editGroups: ['team-a'] }) })).status).toBe(409);
    const foreign = await api(portal, bob, '/api/yards', { method: 'POST', body: JSON.stringify({ id: 'theirs', editGroups: ['platform-admins'] }) });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toContain('not in platform-admins');
    for (const bad of ['{"id": "a b", "editGroups": ["team-a"]}', '{"id": "x"}', '{"id": "x", "editGroups": ["team-a"], "extra": 1}', '[]', 'not json']) {
      expect((await api(portal, bob, '/api/yards', { method: 'POST', body: bad })).status, bad).toBe(400);
    }
    expect((await api(portal, carol, '/api/yards/incident-42', { method: 'PATCH', body: JSON.stringify({ title: 'mine now' }) })).status).toBe(403);
    const renamed = await api(portal, bob, '/api/yards/incident-42', { method: 'PATCH', body: JSON.stringify({ title: 'Incident 42: payments down' }) });
    expect(await renamed.json()).toMatchObject({ title: 'Incident 42: payments down' });
    expect((await api(portal, bob, '/api/yards/team-a', { method: 'DELETE' })).status).toBe(409);
    expect((await api(portal, carol, '/api/yards/incident-42', { method: 'DELETE' })).status).toBe(403);
    expect((await api(portal, bob, '/api/yards/incident-42', { method: 'DELETE' })).status).toBe(200);
    expect((await api(portal, bob, '/api/yards/incident-42')).status).toBe(404);
    const audit = portal.logs.filter((l) => l.audit === true && String(l.msg).startsWith('yard')).map((l) => `${l.msg} ${l.actor} ${l.yard}`);
    expect(audit).toEqual(['yard created bob incident-42', 'yard renamed bob incident-42', 'yard deleted bob incident-42']);
  });
});

describe('the Yard at its size cap', () => {
  let cluster: Awaited<ReturnType<typeof sharedCluster>>;
  let portal: Portal;
  let alice: CookieJar;
  let bob: CookieJar;

  beforeAll(async () => {
    cluster = await sharedCluster();
    portal = await startPortal({
      ...cluster.env,
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      CROWSNEST_YARDS: 'team-a=team-a',
      CROWSNEST_ADMIN_GROUPS: 'platform-admins',
      CROWSNEST_YARD_MAX_BYTES: '4096',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    });
    [alice, bob] = await Promise.all(['alice', 'bob'].map((u) => signInAs(portal.url, u)));
  }, 180_000);
  afterAll(async () => {
    await portal?.stop();
    await cluster?.close();
  });

  it('refuses the change that would take a yard past CROWSNEST_YARD_MAX_BYTES with a 413 to its maker, and the yard and its people go on', async () => {
    const a = await open(portal, alice, 'team-a');
    const b = await open(portal, bob, 'team-a');
    // Valid krates of a few hundred bytes each (a title of 200 characters), one at a time, until one is refused.
    let refused = -1;
    for (let i = 0; i < 40 && refused < 0; i++) {
      addKrate(a, `k${i}`, { ...podKrate, name: `web-${i}`, title: `${i} `.padEnd(200, '~') });
      await until(() => krates(b)[`k${i}`] || a.errors.length > 0, { message: `krate k${i} at bob, or a refusal` });
      if (a.errors.length > 0) refused = i;
    }
    expect(refused).toBeGreaterThan(3);
    expect(a.errors).toEqual([{ code: 413, event: 'sync', message: expect.stringMatching(/^the yard would grow to \d+ bytes; at most 4096 are kept/) }]);
    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    expect(metrics).toMatch(/^crowsnest_yard_refusals_total\{code="413"\} 1$/m);

    // Alice's tab starts over from the yard's document, which lacks only the refused krate.
    await until(() => a.synced && Object.keys(krates(a)).length === refused, { message: "alice's tab back in step with the yard" });
    expect(krates(a)).toEqual(krates(b));
    expect(krates(b)[`k${refused}`]).toBeUndefined();
    // Everyone goes on: bob moves a krate of the full yard and removes two, and then alice's new krate fits.
    (b.doc.getMap('krates').get('k0') as Y.Map<unknown>).set('x', 640);
    b.doc.getMap('krates').delete('k1');
    b.doc.getMap('krates').delete('k2');
    await until(() => krates(a).k0?.x === 640 && !krates(a).k1 && !krates(a).k2, { message: "bob's move and removals at alice" });
    addKrate(a, 'again', podKrate);
    await until(() => krates(b).again, { message: "alice's new krate at bob" });
    expect(b.errors).toEqual([]);
    expect(a.errors).toHaveLength(1);
  });
});

describe('the Yard across a fleet (kept in Redis)', () => {
  let cluster: Awaited<ReturnType<typeof sharedCluster>>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let redisPort: number;
  let redisDir: string;
  const replicas: Portal[] = [];
  let alice: CookieJar;
  let bob: CookieJar;
  const secret = randomBytes(32).toString('base64url');
  const start = () =>
    startPortal({
      ...cluster.env,
      NEXTAUTH_SECRET: secret,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      CROWSNEST_YARDS: 'team-a=team-a',
      CROWSNEST_ADMIN_GROUPS: 'platform-admins',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
      CROWSNEST_DRAIN_SECONDS: '3',
    });

  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'yard-redis-'));
    redisPort = await freePort();
    redis = await startRedis({ port: redisPort, dir: redisDir });
    cluster = await sharedCluster();
    replicas.push(...(await Promise.all([start(), start()])));
    [alice, bob] = await Promise.all(['alice', 'bob'].map((u) => signInAs(replicas[0].url, u)));
  }, 240_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
    await cluster?.close();
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('shows changes and presence made on one replica to people on another, and converges concurrent moves', async () => {
    const a = await open(replicas[0], alice, 'team-a');
    const b = await open(replicas[1], bob, 'team-a');
    addKrate(a, 'k1', podKrate);
    await until(() => krates(b).k1, { message: 'bob, on the other replica, to see the krate' });
    (a.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 111);
    (b.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 222);
    (b.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('y', 333);
    await until(() => JSON.stringify(krates(a)) === JSON.stringify(krates(b)) && krates(a).k1.y === 333, { message: 'both to converge' });

    b.setPresence({ cursor: { x: 5, y: 6 }, activeKrateId: 'k1' });
    const seen = await until(
      () => [...a.awareness.getStates().values()].find((s) => (s as { user?: { name?: string } }).user?.name === 'bob' && (s as { cursor?: unknown }).cursor) as { cursor: unknown; activeKrateId: string } | undefined,
      { message: "bob's presence on alice's replica" },
    );
    expect(seen).toMatchObject({ cursor: { x: 5, y: 6 }, activeKrateId: 'k1' });
    b.close();
    await until(() => ![...a.awareness.getStates().values()].some((s) => (s as { user?: { name?: string } }).user?.name === 'bob'), {
      timeoutMs: 10_000,
      message: "bob's presence to be gone after he left",
    });
  });

  it('closes a deleted yard on every replica with a 410 to its people, and a yard made again with its id starts empty', async () => {
    const made = await api(replicas[0], alice, '/api/yards', { method: 'POST', body: JSON.stringify({ id: 'doomed', editGroups: ['team-a'] }) });
    expect(made.status).toBe(201);
    const here = await open(replicas[0], alice, 'doomed');
    const there = await open(replicas[1], bob, 'doomed');
    addKrate(there, 'k1', podKrate);
    await until(() => krates(here).k1, { message: "bob's krate at alice, on the other replica" });

    expect((await api(replicas[0], alice, '/api/yards/doomed', { method: 'DELETE' })).status).toBe(200);
    await until(() => there.closed, { message: 'bob, on the other replica, to be told' });
    expect(there.closed).toEqual({ code: 410, message: 'alice deleted this yard.' });
    expect(here.closed).toEqual({ code: 410, message: 'alice deleted this yard.' });
    await until(() => !there.socket.connected && !here.socket.connected, { message: 'both connections to end' });
    const reopened = await connect(replicas[1], bob, 'doomed');
    expect(await reopened.join().then(() => null, (err: Error & { code: number }) => err.code)).toBe(404);

    // Made again (on the other replica): nothing of the deleted yard comes back.
    expect((await api(replicas[1], bob, '/api/yards', { method: 'POST', body: JSON.stringify({ id: 'doomed', editGroups: ['team-a'] }) })).status).toBe(201);
    const fresh = await open(replicas[0], alice, 'doomed');
    expect(krates(fresh)).toEqual({});
    addKrate(fresh, 'k2', { ...podKrate, name: 'web-2' });
    const again = await open(replicas[1], bob, 'doomed');
    await until(() => krates(again).k2, { message: 'the new yard to work across the replicas' });
    expect(Object.keys(krates(again))).toEqual(['k2']);
  });

  it('refuses what a replica that missed the announcement would still save of a deleted yard, and closes the yard there', async () => {
    const root = new AbortController();
    setMaxListeners(0, root.signal);
    const connections: Array<{ destroy(): void }> = [];
    const connection = async (): Promise<RedisCommander> => {
      const c = createClient({ url: `redis://127.0.0.1:${redisPort}`, disableOfflineQueue: true, RESP: 2 });
      c.on('error', () => undefined);
      connections.push(c);
      await c.connect();
      return c;
    };
    const storage = async (replicaId: string) => {
      const commands = await connection();
      return new RedisYardStorage(commands, await connection(), replicaId, new FleetLink(commands, root.signal), root.signal);
    };
    try {
      const admin = await connection();
      const deleting = await storage('deleting');
      // This replica's subscription is down (it hears no announcement), as when Redis restarts at the wrong moment.
      const stale = await storage('stale');
      stale.start(async () => undefined);
      const heard: string[] = [];
      stale.onDeleted((id) => heard.push(id));
      const listener: YardListener = { remote: () => undefined, awareness: () => undefined, resave: () => undefined };
      const doc = new Y.Doc();
      const krate = new Y.Map<unknown>();
      doc.getMap('krates').set('k1', krate);
      krate.set('x', 1);

      await deleting.prepare('raced');
      await deleting.prepare('quiet');
      const raced = (await stale.open('raced', listener, { deletable: true })).link;
      await stale.open('quiet', listener, { deletable: true });
      await raced.append(Y.encodeStateAsUpdate(doc));
      // A compaction is saved while the yard exists (once the replica has read its own change back).
      await until(
        async () => {
          await raced.compact(Y.encodeStateAsUpdate(doc));
          return (await admin.sendCommand<number>(['HEXISTS', 'crowsnest:yard:{raced}:snapshot', 'state'])) === 1;
        },
        { message: 'the snapshot of the yard' },
      );

      await deleting.erase('raced', 'alice');
      await deleting.erase('quiet', 'alice');
      krate.set('x', 2);
      await raced.append(Y.encodeStateAsUpdate(doc));
      await raced.compact(Y.encodeStateAsUpdate(doc));
      expect(await admin.sendCommand(['EXISTS', 'crowsnest:yard:{raced}:log', 'crowsnest:yard:{raced}:snapshot'])).toBe(0);
      expect(await admin.sendCommand(['GET', 'crowsnest:yard:{raced}:epoch'])).toBe('deleted');
      // It finds both deleted: the one it wrote to at once, the quiet one at its next check.
      await until(() => heard.includes('raced') && heard.includes('quiet'), { message: 'the stale replica to find both yards deleted' });
      await expect(stale.open('raced', listener, { deletable: true })).rejects.toMatchObject({ status: 410, message: 'yard "raced" was deleted' });
    } finally {
      root.abort();
      for (const c of connections) c.destroy();
    }
  });

  it('keeps the yard through a restart of every replica and of Redis with persistence; without it the replicas save their copies again', async () => {
    const a = await open(replicas[0], alice, 'team-a');
    const watcher = await open(replicas[1], bob, 'team-a');
    addKrate(a, 'kept', { ...podKrate, name: 'kept' });
    // Closed at once, as a tab closed right after a change: the change is kept.
    a.close();
    await until(() => krates(watcher).kept, { message: 'the change made just before the tab closed to arrive' });
    for (let i = 0; i < replicas.length; i++) {
      await replicas[i].stop();
      replicas[i] = await start();
    }
    const afterReplicas = await open(replicas[1], bob, 'team-a');
    expect(krates(afterReplicas).kept).toMatchObject({ name: 'kept' });

    await redis.stop();
    redis = await startRedis({ port: redisPort, dir: redisDir });
    const afterRedis = await until(
      async () => {
        const client = await open(replicas[0], alice, 'team-a');
        return krates(client).kept ? client : undefined;
      },
      { timeoutMs: 20_000, message: 'the yard back after Redis restarted with its data' },
    );
    expect(krates(afterRedis).kept).toMatchObject({ name: 'kept' });

    // Redis restarted empty: the replicas that have the yard open save it again, and tell their people.
    await redis.stop();
    redis = await startRedis({ port: redisPort });
    await until(() => afterRedis.notices.some((n) => n.includes('saved copy was lost')), { timeoutMs: 20_000, message: 'the notice' });
    const fresh = await until(
      async () => {
        const client = await open(replicas[1], bob, 'team-a');
        return krates(client).kept ? client : undefined;
      },
      { timeoutMs: 20_000, message: 'the yard saved again' },
    );
    expect(krates(fresh).kept).toMatchObject({ name: 'kept' });
  });

  it('tells the people who open a yard Redis lost while no replica had it open, and lists the yards people made again', async () => {
    const metric = async (portal: Portal, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${portal.url}/metrics`)).text())?.[1]);
    const admin = createClient({ url: redis.url, RESP: 2 });
    await admin.connect();
    const kept = () => admin.sendCommand(['SMEMBERS', 'crowsnest:yards:kept']) as Promise<string[]>;
    /** The yards Redis holds, once both replicas have read them. */
    const inStep = async () => {
      const ids = await kept();
      const known = await Promise.all(replicas.map((r) => metric(r, 'crowsnest_yards_saved')));
      return known.every((n) => n === ids.length) ? ids : undefined;
    };
    const own = personalYardId('bob');
    // A name of its own on every attempt: a retry finds the yard the first attempt made.
    const remembered = `remembered-${randomBytes(3).toString('hex')}`;
    try {
      const before = await until(inStep, { message: 'both replicas in step with Redis' });
      const mine = await open(replicas[0], bob, own);
      addKrate(mine, 'mine', podKrate);
      expect((await api(replicas[1], alice, '/api/yards', { method: 'POST', body: JSON.stringify({ id: remembered, editGroups: ['team-a'] }) })).status).toBe(201);
      const made = await open(replicas[1], alice, remembered);
      addKrate(made, 'theirs', podKrate);
      const after = await until(async () => ((await inStep())?.length === before.length + 2 ? kept() : undefined), { message: 'both replicas to know the two yards are saved' });
      expect(after).toEqual(expect.arrayContaining([own, remembered]));
      mine.close();
      made.close();
    } finally {
      admin.destroy();
    }
    await until(async () => (await Promise.all(replicas.map((r) => metric(r, 'crowsnest_yards_open')))).every((n) => n === 0), { timeoutMs: 30_000, message: 'no yard open on any replica' });

    await redis.stop();
    redis = await startRedis({ port: redisPort });
    // The replicas notice, record what Redis held, and list the yard alice made again (empty).
    await until(
      async () => {
        const lists = await Promise.all(replicas.map(async (r) => (await (await api(r, alice, '/api/yards')).json()) as Array<{ id: string }>));
        return lists.every((list) => list.some((y) => y.id === remembered));
      },
      { timeoutMs: 20_000, message: "alice's yard listed again on both replicas" },
    );
    const back = await open(replicas[0], bob, own);
    expect(krates(back)).toEqual({});
    expect(back.notices).toEqual([expect.stringMatching(/^This yard's saved layout was lost: Redis lost its data \(noticed at .+\) while no server had the yard open, so it starts empty\.$/)]);
    const theirs = await open(replicas[1], alice, remembered);
    expect(krates(theirs)).toEqual({});
    expect(theirs.notices).toHaveLength(1);
    // A yard that was never saved is new, not lost.
    const fresh = await open(replicas[1], alice, personalYardId('alice'));
    expect(fresh.notices).toEqual([]);

    // Once someone pins a krate again, the yard is no longer lost: people who open it are not told.
    const watcher = await open(replicas[1], bob, own);
    expect(watcher.notices).toHaveLength(1);
    addKrate(back, 'again', podKrate);
    await until(() => krates(watcher).again, { message: 'the new krate on the other replica' });
    const later = await open(replicas[1], bob, own);
    expect(krates(later)).toMatchObject({ again: podKrate });
    expect(later.notices).toEqual([]);
  });
});
