import { setMaxListeners } from 'node:events';
import type { KubeConfig } from '@kubernetes/client-node';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RbacFeed } from '../../server/authz/rbacFeed';
import { Cluster } from '../../server/clusters/cluster';
import { FleetLink } from '../../server/fleet/fleetLink';
import { RedisLease } from '../../server/fleet/redisLease';
import { RedisRbacFeed, rbacTopic } from '../../server/fleet/redisRbac';
import { SwitchingLease } from '../../server/fleet/switching';
import type { InformerLease } from '../../server/live/deltaBus';
import { log } from '../../server/log';
import { portalKubeconfig } from '../support/portalOnSim';
import { freePort, startRedis } from '../support/redis';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

/** The simulator's names for the RBAC resources. */
const RBAC = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'].map((r) => `${r}.rbac.authorization.k8s.io`);
const LEASE = `crowsnest:topic:{${rbacTopic('sim')}}:lease`;
const NOTICE = `crowsnest:topic:{${rbacTopic('sim')}}:rbac-notice`;
const carol = { name: 'carol', groups: [], sessionId: 'test-carol' };
const SETTINGS = { ttlMs: 1500, beatMs: 300 };

const makeClient = (port: number) => createClient({ url: `redis://127.0.0.1:${port}`, disableOfflineQueue: true, RESP: 2 });
type RedisClient = ReturnType<typeof makeClient>;

interface Replica {
  id: string;
  cluster: Cluster;
  /** Every currentness this replica's access reviewer was told, in order. */
  currents: boolean[];
  redis: RedisClient[];
  controller: AbortController;
}

let harness: SimHarness;
let kc: KubeConfig;
let redisPort: number;
let redis: Awaited<ReturnType<typeof startRedis>>;
let admin: RedisClient;
const replicas: Replica[] = [];

async function client(): Promise<RedisClient> {
  const c = makeClient(redisPort);
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/**
 * One replica as the server wires it: a cluster whose RBAC is followed through
 * the fleet's feed (Redis lease, switching to a local one while Redis is away),
 * its access answers cached for an hour so only RBAC news can change them.
 */
async function startReplica(id: string, lease?: InformerLease): Promise<Replica> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const [commands, sub] = [await client(), await client()];
  const link = new FleetLink(commands, controller.signal, 200, 500);
  await link.waitUp(3000);
  link.start();
  const redisLease = new RedisLease(commands, id, { ttlMs: SETTINGS.ttlMs, renewMs: SETTINGS.beatMs }, controller.signal);
  redisLease.start((channel, listener) => sub.subscribe(channel, listener));
  const feed = new RedisRbacFeed(commands, lease ?? new SwitchingLease(redisLease, link), id, SETTINGS, controller.signal, (channel, listener) => sub.subscribe(channel, listener));
  const currents: boolean[] = [];
  const spy: RbacFeed = { follow: (c, options, signal) => feed.follow(c, { ...options, onCurrent: (current) => (currents.push(current), options.onCurrent(current)) }, signal) };
  const cluster = new Cluster('sim', kc, { accessReviewTtlMs: 3_600_000, rbacLivenessMs: 30_000 });
  cluster.start(controller.signal, spy);
  const replica = { id, cluster, currents, redis: [commands, sub], controller };
  replicas.push(replica);
  return replica;
}

/** Stops a replica as SIGKILL would: its Redis connections are cut first, so it gives nothing back. */
function crash(replica: Replica): void {
  for (const c of replica.redis) c.destroy();
  replica.controller.abort();
}

const rbacWatches = () => {
  const counts = harness.sim.faults.watchesByResource();
  return RBAC.map((r) => counts[r] ?? 0);
};
const ownerId = async () => ((await admin.get(LEASE)) ?? '').split(':')[0];
const access = (replica: Replica) => replica.cluster.accessFor(carol);

beforeAll(async () => {
  log.level = 'silent';
  harness = await startSim({ scenario: 'empty', controllers: false, bookmarkIntervalMs: 500 });
  ({ kc } = await portalKubeconfig(harness, 'sim'));
  redisPort = await freePort();
  redis = await startRedis({ port: redisPort });
  admin = await client();
});
afterEach(async () => {
  for (const replica of replicas.splice(0)) crash(replica);
  await harness.kubectl(['delete', 'rolebinding', 'carol-view', '-n', 'team-b', '--ignore-not-found']);
  await until(() => rbacWatches().every((n) => n === 0), { message: 'every RBAC watch closed' });
  // After a test that restarted Redis, the connection may still be coming back.
  await until(() => admin.flushAll().then(() => true), { message: 'Redis emptied' });
});
afterAll(async () => {
  admin?.destroy();
  await redis?.stop();
  await harness?.close();
});

describe("a fleet's RBAC", () => {
  it('is watched once for the whole fleet, and a RoleBinding made with kubectl changes access at once on a replica that does not watch it', async () => {
    const fleet = [await startReplica('r1'), await startReplica('r2'), await startReplica('r3')];
    await until(() => fleet.every((r) => r.currents.at(-1) === true), { message: 'every replica to know RBAC is current' });
    expect(rbacWatches()).toEqual([1, 1, 1, 1]);
    const owner = await ownerId();
    const followers = fleet.filter((r) => r.id !== owner);
    expect(followers).toHaveLength(2);

    // Answers kept for an hour: only the owner's announcement can change them.
    for (const follower of followers) expect(await access(follower)).toEqual({ scope: 'none' });
    const created = await harness.kubectl(['create', 'rolebinding', 'carol-view', '-n', 'team-b', '--clusterrole=view', '--user=carol']);
    expect(created.code, created.stderr).toBe(0);
    for (const follower of followers) {
      await until(async () => (await access(follower)).scope === 'namespaces', { message: `carol's new access on ${follower.id}` });
      expect(await access(follower)).toEqual({ scope: 'namespaces', namespaces: ['team-b'] });
    }
    // Trusted all along: the followers never fell back to short-lived answers.
    for (const follower of followers) expect(follower.currents).toEqual([true]);
    expect(rbacWatches()).toEqual([1, 1, 1, 1]);
  });

  it("is taken over when its owner dies, and the new owner's news reaches the others", async () => {
    const fleet = [await startReplica('r1'), await startReplica('r2'), await startReplica('r3')];
    await until(() => fleet.every((r) => r.currents.at(-1) === true), { message: 'every replica current' });
    const first = await ownerId();
    crash(fleet.find((r) => r.id === first)!);
    const next = await until(async () => {
      const id = await ownerId();
      return id && id !== first ? id : null;
    }, { message: 'another replica to take the RBAC watches over' });
    const follower = fleet.find((r) => r.id !== first && r.id !== next)!;
    await until(() => rbacWatches().every((n) => n === 1), { message: 'one watch per RBAC kind again' });
    await until(() => follower.currents.at(-1) === true, { message: 'the follower to trust the new owner' });
    expect(await access(follower)).toEqual({ scope: 'none' });
    expect((await harness.kubectl(['create', 'rolebinding', 'carol-view', '-n', 'team-b', '--clusterrole=view', '--user=carol'])).code).toBe(0);
    await until(async () => (await access(follower)).scope === 'namespaces', { message: "carol's new access on the follower" });
  });

  it('hands the watches over at once when the owner stops gracefully', async () => {
    const fleet = [await startReplica('r1'), await startReplica('r2')];
    await until(() => fleet.every((r) => r.currents.at(-1) === true), { message: 'both current' });
    const first = await ownerId();
    const other = fleet.find((r) => r.id !== first)!;
    // Graceful: the lease is released, not left to lapse.
    fleet.find((r) => r.id === first)!.controller.abort();
    await until(async () => (await ownerId()) === other.id, { message: 'the other replica to own the watches' });
    await until(() => other.currents.at(-1) === true && rbacWatches().every((n) => n === 1), { message: 'the new owner current, one watch each' });
  });

  it('is not current on a follower whose owner’s notice goes stale, or is garbage, or while Redis does not answer', async () => {
    // A follower that never owns: the notices it hears are written here, as an owner would.
    const never: InformerLease = { acquire: (_topic, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true })) };
    const follower = await startReplica('follower', never);
    const notice = (generation: number, current = true) => JSON.stringify({ cluster: 'sim', replica: 'elsewhere', fence: '1.abc', generation, current });
    await admin.set(LEASE, 'elsewhere:1.abc', { PX: 60_000 });
    await admin.set(NOTICE, notice(1), { PX: SETTINGS.ttlMs });
    await until(() => follower.currents.at(-1) === true, { message: 'current while the notice is fresh' });
    // The owner stops renewing: the notice lapses, and the follower stops trusting long-lived answers.
    await until(() => follower.currents.at(-1) === false, { message: 'not current once the notice lapsed' });
    await admin.set(NOTICE, notice(2), { PX: 60_000 });
    await until(() => follower.currents.at(-1) === true, { message: 'current again' });
    await admin.set(NOTICE, 'not a notice', { PX: 60_000 });
    await until(() => follower.currents.at(-1) === false, { message: 'not current on garbage' });
    await admin.set(NOTICE, notice(3), { PX: 60_000 });
    await until(() => follower.currents.at(-1) === true, { message: 'current again' });
    // The owner says its own watches are stale.
    await admin.set(NOTICE, notice(3, false), { PX: 60_000 });
    await until(() => follower.currents.at(-1) === false, { message: 'not current when the owner is not' });
    await admin.set(NOTICE, notice(4), { PX: 60_000 });
    await until(() => follower.currents.at(-1) === true, { message: 'current again' });
    await redis.stop();
    try {
      await until(() => follower.currents.at(-1) === false, { message: 'not current while Redis is away' });
    } finally {
      redis = await startRedis({ port: redisPort });
    }
  });

  it('refuses the announcements of an owner that lost its lease, which then stops watching', async () => {
    const owner = await startReplica('r1');
    await until(() => owner.currents.at(-1) === true && rbacWatches().every((n) => n === 1), { message: 'the owner watching' });
    const before = await admin.get(NOTICE);
    // Another replica took the lease (as after a stall past the TTL): the old owner's next beat is refused.
    await admin.set(LEASE, 'usurper:99.fff', { PX: 60_000 });
    await until(() => rbacWatches().every((n) => n === 0), { message: 'the old owner to stop watching' });
    const after = await admin.get(NOTICE);
    expect(after === null || JSON.parse(after).fence === JSON.parse(before!).fence).toBe(true);
    // Nothing it wrote after the takeover: the notice is still its old one, never renewed with a new generation.
    expect(after === null || JSON.parse(after).generation === JSON.parse(before!).generation).toBe(true);
  });

  it('is watched by every replica itself while Redis is away, and by one again when it returns', async () => {
    const fleet = [await startReplica('r1'), await startReplica('r2')];
    await until(() => fleet.every((r) => r.currents.at(-1) === true) && rbacWatches().every((n) => n === 1), { message: 'one owner' });
    await redis.stop();
    await until(() => rbacWatches().every((n) => n === 2), { message: 'each replica watching for itself', timeoutMs: 20_000 });
    await until(() => fleet.every((r) => r.currents.at(-1) === true), { message: 'each replica current on its own watches' });
    expect((await harness.kubectl(['create', 'rolebinding', 'carol-view', '-n', 'team-b', '--clusterrole=view', '--user=carol'])).code).toBe(0);
    for (const replica of fleet) await until(async () => (await access(replica)).scope === 'namespaces', { message: `carol's access on ${replica.id} without Redis` });
    redis = await startRedis({ port: redisPort });
    admin.destroy();
    admin = await client();
    await until(() => rbacWatches().every((n) => n === 1), { message: 'one owner again', timeoutMs: 20_000 });
    await until(() => fleet.every((r) => r.currents.at(-1) === true), { message: 'every replica current' });
  });
});
