import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createClient } from 'redis';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEvent, ExitEvent, StatusEvent } from '../../lib/sockets/protocol';
import { startReplica } from '../support/fleet';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { freePort, startRedis } from '../support/redis';
import { startBalancer } from '../../scripts/fleet/balancer';
import { signInAs, signOut, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

/** The kinds the browsers watch, with the simulator's name for their resource. */
const KINDS: Array<[string, string]> = [
  ['pods', 'pods'],
  ['deployments', 'deployments.apps'],
  ['services', 'services'],
  ['configmaps', 'configmaps'],
  ['jobs', 'jobs.batch'],
];

/** The simulator's names for the RBAC resources the access reviews depend on. */
const RBAC = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'].map((r) => `${r}.rbac.authorization.k8s.io`);

describe('a fleet of replicas sharing informers through Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let harness: SimHarness;
  let kubeconfig: string;
  let alice: CookieJar;
  const portals: Portal[] = [];
  const open: SseClient[] = [];
  const secret = randomBytes(32).toString('base64url');

  /** A replica of this fleet, with this file's settings. */
  const addReplica = () =>
    startReplica({ kubeconfig, redisUrl: redis.url, secret, portals }, {
      CROWSNEST_HEARTBEAT_SECONDS: '1',
      CROWSNEST_WATCH_PER_USER_LIMIT: '60',
      CROWSNEST_FLEET_HELD_TTL_SECONDS: '3',
      // Far longer than any wait below: a sign-out reaches other replicas by announcement, not by this sweep.
      CROWSNEST_SESSION_CHECK_SECONDS: '60',
      CROWSNEST_DRAIN_SECONDS: '5',
      // Access answers kept for an hour: only RBAC news can change one within a test.
      CROWSNEST_ACCESS_REVIEW_TTL_SECONDS: '3600',
    });

  beforeAll(async () => {
    redis = await startRedis();
    harness = await startSim({ scenario: 'empty', controllers: false, bookmarkIntervalMs: 500 });
    for (const name of ['web-1', 'web-2', 'api-1']) await createPod('team-a', name);
    ({ path: kubeconfig } = await portalKubeconfig(harness));
    await Promise.all([addReplica(), addReplica(), addReplica()]);
    // One sign-in: the session is valid on every replica (one secret, one sign-out list).
    alice = await signInAs(portals[0].url, 'alice');
  }, 240_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all(portals.map((p) => p.stop('SIGKILL')));
    await harness?.close();
    await redis?.stop();
  });

  async function createPod(ns: string, name: string): Promise<void> {
    const res = await harness.api(`/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify(aPod(ns, name)), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
  }
  async function deletePod(ns: string, name: string): Promise<void> {
    // At once (as `kubectl delete --force --grace-period=0`): these tests count the deltas of a deletion exactly.
    const res = await harness.api(`/api/v1/namespaces/${ns}/pods/${name}?gracePeriodSeconds=0`, { method: 'DELETE' });
    expect(res.status).toBe(200);
  }
  /** The truth: a fresh LIST from the simulator. */
  async function listed(): Promise<string[]> {
    const list = (await (await harness.api('/api/v1/pods')).json()) as { items: Array<{ metadata: { namespace: string; name: string } }> };
    return list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
  }
  async function watch(portal: Portal, kind: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(`${portal.url}/api/clusters/sim/${kind}/watch`, { Cookie: alice.header(), ...headers });
    open.push(client);
    expect(client.status).toBe(200);
    return client;
  }
  const alive = () => portals.filter((p) => p.process.exitCode === null && p.process.signalCode === null);
  /** The replica whose latest word on the kind's informer is that it started it. */
  function ownerOf(kind: string): Portal | undefined {
    return alive().find((p) => {
      const last = p.logs.filter((l) => l.kind === kind && (l.msg === 'informer started' || /lost the informer lease|informer stopped|stored history became unreadable/.test(String(l.msg)))).at(-1);
      return last?.msg === 'informer started';
    });
  }
  /** A replica that does not watch RBAC and trusts the owner's notices (so its access answers are kept for their full hour). */
  function rbacFollower(): Promise<Portal> {
    const rbacLog = (p: Portal) => p.logs.filter((l) => /^rbac: (watching|no longer watching|changes)/.test(String(l.msg)));
    return until(
      () =>
        alive().find((p) => {
          const owns = rbacLog(p).filter((l) => /watching this cluster/.test(String(l.msg))).at(-1);
          const current = rbacLog(p).filter((l) => String(l.msg).startsWith('rbac: changes')).at(-1);
          return !String(owns?.msg ?? '').startsWith('rbac: watching') && current?.current === true;
        }),
      { message: 'a replica that follows the RBAC owner and trusts it' },
    );
  }
  const startedAt = (p: Portal, kind: string, after: number) => p.logs.find((l) => l.kind === kind && l.msg === 'informer started' && Date.parse(String(l.time)) >= after);
  const epochOf = (id: string | undefined) => id?.slice(0, id.lastIndexOf('-'));

  it('watches each kind once for the whole fleet, with owners spread over the replicas', async () => {
    const clients: Array<[string, SseClient]> = [];
    for (let i = 0; i < 50; i++) {
      const [kind] = KINDS[i % KINDS.length];
      clients.push([kind, await watch(portals[i % portals.length], kind)]);
    }
    await until(() => clients.every(([, c]) => c.of('snapshot').length === 1), { message: 'every snapshot', timeoutMs: 60_000 });
    const watches = harness.sim.faults.watchesByResource();
    for (const [, resource] of KINDS) expect(watches[resource], resource).toBe(1);
    expect(watches.namespaces).toBe(1);
    expect(watches['customresourcedefinitions.apiextensions.k8s.io']).toBe(1);
    // RBAC too: one replica watches it for the fleet.
    for (const resource of RBAC) expect(watches[resource], resource).toBe(1);
    const owners = new Set(KINDS.map(([kind]) => ownerOf(kind)));
    expect(owners.has(undefined)).toBe(false);
    expect(owners.size).toBeGreaterThan(1);

    // A change reaches every browser, whichever replica serves it.
    await createPod('team-a', 'everywhere');
    const podClients = clients.filter(([kind]) => kind === 'pods').map(([, c]) => c);
    await until(() => podClients.every((c) => c.names('pods').includes('team-a/everywhere')), { message: 'the pod on every stream' });
    // Positions are the owner's: the same id for the same change on every replica.
    const ids = new Set(podClients.map((c) => c.of('added').find((e) => e.data.row.name === 'everywhere')?.id));
    expect(ids.size).toBe(1);
    await deletePod('team-a', 'everywhere');
  });

  it('tells Prometheus, from what each replica knows, the lease age and stream length of the kinds it owns and how far each copy trails', async () => {
    const clients = await Promise.all(alive().map((p) => watch(p, 'pods')));
    await until(() => clients.every((c) => c.of('snapshot').length === 1), { message: 'the snapshots' });
    const owner = await until(() => ownerOf('pods'), { message: 'an owner of pods' });
    const others = alive().filter((p) => p !== owner);
    /** A gauge's value for sim/pods on a replica; undefined when it has no such series. */
    const gauge = async (p: Portal, name: string) => {
      const text = await (await fetch(`${p.url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name}{cluster="sim",kind="pods"} `));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    const admin = createClient({ url: redis.url, RESP: 2 });
    admin.on('error', () => undefined);
    await admin.connect();
    const streamLength = async () => Number(await admin.sendCommand(['XLEN', 'crowsnest:topic:{sim/pods}:deltas']));
    try {
      // The owner knows its stream's length from its own writes: as Redis has it, before and after a change.
      const known = async () => {
        const [reported, actual] = await Promise.all([gauge(owner, 'crowsnest_fleet_stream_length'), streamLength()]);
        return reported === actual ? actual : undefined;
      };
      const before = await until(known, { message: "the owner's stream length" });
      await createPod('team-b', 'metered');
      await until(async () => ((await known()) ?? 0) > before, { message: "the owner's stream length after a change" });
      const age = await gauge(owner, 'crowsnest_fleet_lease_age_seconds');
      expect(age).toBeGreaterThanOrEqual(0);
      await until(async () => (await gauge(owner, 'crowsnest_fleet_lease_age_seconds'))! > age!, { message: 'the lease to grow older' });
      // Those who follow the kind report neither.
      for (const p of others) {
        expect(await gauge(p, 'crowsnest_fleet_lease_age_seconds')).toBeUndefined();
        expect(await gauge(p, 'crowsnest_fleet_stream_length')).toBeUndefined();
      }
      // Every copy, the owner's included, has applied every delta of the stream.
      await until(() => clients.every((c) => c.names('pods').includes('team-b/metered')), { message: 'the pod on every stream' });
      await until(async () => (await Promise.all(alive().map((p) => gauge(p, 'crowsnest_fleet_follow_lag_deltas')))).every((lag) => lag === 0), {
        message: 'no lag in deltas on any replica',
      });
    } finally {
      admin.destroy();
      await deletePod('team-b', 'metered');
    }
  });

  it("changes carol's access at once on a replica that does not watch RBAC, when a RoleBinding is made with kubectl", async () => {
    const follower = await rbacFollower();
    const carol = await signInAs(follower.url, 'carol');
    const access = async () => {
      const body = (await (await fetch(`${follower.url}/api/clusters`, { headers: { Cookie: carol.header() } })).json()) as Array<{ access?: unknown }>;
      return body[0].access;
    };
    expect(await access()).toEqual({ scope: 'none' });
    const created = await harness.kubectl(['create', 'rolebinding', 'carol-view', '-n', 'team-b', '--clusterrole=view', '--user=carol']);
    expect(created.code, created.stderr).toBe(0);
    try {
      await until(async () => JSON.stringify(await access()) === JSON.stringify({ scope: 'namespaces', namespaces: ['team-b'] }), { message: "carol's new access on the follower" });
    } finally {
      await harness.kubectl(['delete', 'rolebinding', 'carol-view', '-n', 'team-b']);
    }
    expect(harness.sim.faults.watchesByResource()[RBAC[1]]).toBe(1);
  });

  it('resumes on another replica from Last-Event-ID with exactly the missed deltas; an unknown or malformed position gets a snapshot', async () => {
    const first = await watch(portals[0], 'pods');
    await first.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const lastId = first.lastId!;
    await first.close();
    await createPod('team-b', 'missed-1');
    await deletePod('team-b', 'missed-1');
    await createPod('team-b', 'missed-2');

    const resumed = await watch(portals[1], 'pods', { 'Last-Event-ID': lastId });
    await resumed.waitFor((c) => c.of('added').some((e) => e.data.row.name === 'missed-2'), 'the replayed deltas');
    expect(resumed.of('snapshot')).toHaveLength(0);
    const replayed = resumed.events.filter((e) => ['added', 'modified', 'deleted'].includes(e.event));
    expect(replayed.map((e) => `${e.event}:${e.data.row?.name ?? e.data.key.name}`)).toEqual(['added:missed-1', 'deleted:missed-1', 'added:missed-2']);
    const seqs = replayed.map((e) => Number(e.id!.split('-').at(-1)));
    const from = Number(lastId.split('-').at(-1));
    expect(seqs).toEqual([from + 1, from + 2, from + 3]);

    for (const bad of ['0123456789ab-3', 'not a position', `${epochOf(lastId)}-999999999`]) {
      const client = await watch(portals[2], 'pods', { 'Last-Event-ID': bad });
      await client.waitFor((c) => c.of('snapshot').length === 1, `a snapshot for ${bad}`);
      expect(client.names('pods')).toEqual(await listed());
    }
    await deletePod('team-b', 'missed-2');
  });

  it('works behind a plain round-robin nginx: sign-in, snapshots and live changes through the proxy, no stickiness', async () => {
    const balancer = await startBalancer(join(harness.dir, 'nginx'), await freePort(), alive().map((p) => new URL(p.url).host));
    try {
      // The sign-in's steps land on different replicas; the session works on all.
      const bob = await signInAs(balancer.url, 'bob');
      const clients = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const client = await SseClient.open(`${balancer.url}/api/clusters/sim/pods/watch`, { Cookie: bob.header() });
          open.push(client);
          expect(client.status).toBe(200);
          return client;
        }),
      );
      await until(() => clients.every((c) => c.of('snapshot').length === 1), { message: 'every snapshot through the proxy' });
      await createPod('team-a', 'through-nginx');
      // Unbuffered: each change arrives as it happens, not when a proxy buffer fills.
      await until(() => clients.every((c) => c.names('pods').includes('team-a/through-nginx')), { message: 'the change on every proxied stream' });
      await deletePod('team-a', 'through-nginx');
    } finally {
      await balancer.stop();
    }
  });

  it("takes a killed owner's kind over within 10 s, continuing its epoch: clients elsewhere miss nothing and see no duplicate", async () => {
    const owner = ownerOf('pods')!;
    expect(owner).toBeDefined();
    const others = alive().filter((p) => p !== owner);
    const clients = await Promise.all(others.map((p) => watch(p, 'pods')));
    await until(() => clients.every((c) => c.of('snapshot').length === 1), { message: 'the snapshots' });
    const epoch = epochOf(clients[0].lastId);

    const killedAt = Date.now();
    await owner.stop('SIGKILL');
    for (let i = 0; i < 5; i++) await createPod('team-b', `after-kill-${i}`);
    await deletePod('team-b', 'after-kill-0');

    const next = await until(() => others.find((p) => startedAt(p, 'pods', killedAt)), { message: 'another replica to take the pods over', timeoutMs: 20_000 });
    const tookMs = Date.parse(String(startedAt(next, 'pods', killedAt)!.time)) - killedAt;
    expect(tookMs).toBeLessThanOrEqual(10_000);
    const truth = await listed();
    await until(async () => clients.every((c) => JSON.stringify(c.names('pods')) === JSON.stringify(truth)), { message: 'every client to match the cluster', timeoutMs: 20_000 });
    for (const client of clients) {
      // Continuity held: the same epoch, no second snapshot, and every sequence number exactly once.
      expect(client.of('snapshot')).toHaveLength(1);
      const ids = client.events.filter((e) => ['added', 'modified', 'deleted'].includes(e.event)).map((e) => e.id!);
      expect(new Set(ids.map(epochOf))).toEqual(new Set([epoch]));
      const seqs = ids.map((id) => Number(id.split('-').at(-1)));
      const first = Number(client.of('snapshot')[0].id!.split('-').at(-1));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => first + 1 + i));
    }
  });

  it('fences off a frozen owner: another replica takes over, and the old one, thawed, notices and publishes nothing', async () => {
    const owner = ownerOf('pods')!;
    const others = alive().filter((p) => p !== owner);
    const clients = await Promise.all(others.map((p) => watch(p, 'pods')));
    await until(() => clients.every((c) => c.of('snapshot').length === 1), { message: 'the snapshots' });
    const frozenAt = Date.now();
    owner.process.kill('SIGSTOP');
    try {
      await until(() => others.find((p) => startedAt(p, 'pods', frozenAt)), { message: 'another replica to take the pods over', timeoutMs: 20_000 });
      await createPod('team-b', 'while-frozen');
    } finally {
      owner.process.kill('SIGCONT');
    }
    // Thawed, the old owner has watch events queued for the change: its writes are refused, and it says it lost the lease.
    await until(() => owner.logs.some((l) => l.kind === 'pods' && /lost the informer lease/.test(String(l.msg)) && Date.parse(String(l.time)) >= frozenAt), { message: 'the thawed owner to notice', timeoutMs: 20_000 });
    await createPod('team-b', 'after-thaw');
    const truth = await listed();
    await until(() => clients.every((c) => JSON.stringify(c.names('pods')) === JSON.stringify(truth)), { message: 'every client to match the cluster', timeoutMs: 20_000 });
    for (const client of clients) {
      const seqs = client.events.filter((e) => ['added', 'modified', 'deleted'].includes(e.event)).map((e) => Number(e.id!.split('-').at(-1)));
      const first = Number(client.of('snapshot')[0].id!.split('-').at(-1));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => first + 1 + i));
    }
    await deletePod('team-b', 'while-frozen');
    await deletePod('team-b', 'after-thaw');
  });

  it('hands a stopping replica’s kinds over at once (SIGTERM), and tells its clients to reconnect', async () => {
    await addReplica();
    const owner = ownerOf('pods')!;
    const client = await watch(owner, 'pods');
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const stoppingAt = Date.now();
    const exit = owner.stop('SIGTERM');
    await client.waitFor((c) => c.of('done').length === 1, 'the done event');
    expect(client.of('done')[0].data.reason).toBe('draining');
    expect(await exit).toBe(0);
    const next = await until(() => alive().find((p) => startedAt(p, 'pods', stoppingAt)), { message: 'another replica to take the pods over', timeoutMs: 10_000 });
    // Released, not expired: well inside the 3 s lease TTL.
    expect(Date.parse(String(startedAt(next, 'pods', stoppingAt)!.time)) - stoppingAt).toBeLessThan(3000);
    const resumed = await watch(next, 'pods', { 'Last-Event-ID': client.lastId! });
    await createPod('team-b', 'after-handover');
    await resumed.waitFor((c) => c.names('pods').includes('team-b/after-handover'), 'the change after the handover');
    expect(resumed.of('snapshot')).toHaveLength(0);
  });

  it('gives a stopping replica’s leases back before it tells its clients to reconnect (SIGTERM), even while Redis is slow to write', async () => {
    await addReplica();
    const owner = ownerOf('pods')!;
    const ownerId = String(owner.logs.find((l) => typeof l.replicaId === 'string')?.replicaId);
    const client = await watch(owner, 'pods');
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const admin = createClient({ url: redis.url, RESP: 2 });
    admin.on('error', () => undefined);
    await admin.connect();
    const holder = async () => String((await admin.sendCommand(['GET', 'crowsnest:topic:{sim/pods}:lease'])) ?? '').split(':')[0];
    try {
      expect(await holder()).toBe(ownerId);
      // Redis holds every write for 1.5 s, giving the lease back included (reads, like the one below, go on).
      await admin.sendCommand(['CLIENT', 'PAUSE', '1500', 'WRITE']);
      const exit = owner.stop('SIGTERM');
      await client.waitFor((c) => c.of('done').length === 1, 'the done event');
      expect(client.of('done')[0].data.reason).toBe('draining');
      // When the clients are told to go elsewhere, the kind is no longer the stopping replica's.
      expect(await holder()).not.toBe(ownerId);
      expect(await exit).toBe(0);
    } finally {
      admin.destroy();
    }
  });

  it("counts a person's streams across the fleet; a killed replica's share comes back within the heartbeat TTL", async () => {
    await addReplica();
    const [a, b] = alive();
    const bob = await signInAs(b.url, 'bob');
    const openAs = async (p: Portal) => {
      const client = await SseClient.open(`${p.url}/api/clusters/sim/pods/watch`, { Cookie: bob.header() });
      open.push(client);
      return client;
    };
    const onA = await Promise.all(Array.from({ length: 40 }, () => openAs(a)));
    const onB = await Promise.all(Array.from({ length: 20 }, () => openAs(b)));
    expect([...onA, ...onB].every((c) => c.status === 200)).toBe(true);
    const over = await openAs(b);
    expect(over.status).toBe(429);
    await a.stop('SIGKILL');
    // A's 40 slots lapse once nobody renews them.
    const next = await until(
      async () => {
        const client = await openAs(b);
        return client.status === 200 ? client : undefined;
      },
      { message: "the killed replica's slots to lapse", timeoutMs: 15_000 },
    );
    expect(next.status).toBe(200);
  });

  it('ends a person’s streams and shells on every replica when they sign out on one', async () => {
    const [a, b] = alive();
    const bobElsewhere = await signInAs(a.url, 'bob');
    const client = await SseClient.open(`${b.url}/api/clusters/sim/pods/watch`, { Cookie: bobElsewhere.header() });
    open.push(client);
    await client.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const shell = io(`${b.url}/shell`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: bobElsewhere.header(), Origin: b.url }, reconnection: false, forceNew: true });
    const seen = { output: '', errors: [] as ErrorEvent[], disconnected: false };
    shell.on('output', (data: ArrayBuffer) => (seen.output += Buffer.from(data).toString('utf8')));
    shell.on('error', (e: ErrorEvent) => seen.errors.push(e));
    shell.on('disconnect', () => (seen.disconnected = true));
    try {
      await new Promise<void>((resolve, reject) => (shell.once('connect', () => resolve()), shell.once('connect_error', reject)));
      shell.emit('open', { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', cols: 80, rows: 24 });
      await until(() => seen.output.includes('# '), { message: "the prompt of bob's shell on the other replica", timeoutMs: 15_000 });
      shell.emit('input', 'echo still-bob\r');
      await until(() => seen.output.includes('still-bob'), { message: "bob's shell on the other replica", timeoutMs: 15_000 }).catch((err: Error) => {
        throw new Error(`${err.message}: errors ${JSON.stringify(seen.errors)}, output ${JSON.stringify(seen.output.slice(-300))}`);
      });
      await signOut(a.url, bobElsewhere);
      await client.waitFor((c) => c.of('done').some((e) => e.data.reason === 'signed-out'), 'the stream on the other replica to end', 10_000);
      expect(client.ended).toBe(true);
      // The sweep is set to a minute: only the announcement can end the shell this soon.
      await until(() => seen.disconnected, { message: 'the shell on the other replica to close', timeoutMs: 10_000 });
      expect(seen.errors).toContainEqual(expect.objectContaining({ code: 401 }));
    } finally {
      shell.disconnect();
    }
  });

  it('ends a person’s shell and log viewer, in Kubernetes’ words, on a replica that does not watch RBAC when kubectl deletes their RoleBinding', async () => {
    const follower = await rbacFollower();
    const bob = await signInAs(follower.url, 'bob');
    const connect = async (namespace: string) => {
      const socket = io(`${follower.url}${namespace}`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: bob.header(), Origin: follower.url }, reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject)));
      return socket;
    };
    const [shell, logs] = await Promise.all([connect('/shell'), connect('/logs')]);
    const seen = { output: '', shellErrors: [] as ErrorEvent[], exit: undefined as ExitEvent | undefined, logErrors: [] as ErrorEvent[], statuses: [] as StatusEvent[] };
    shell.on('output', (data: ArrayBuffer) => (seen.output += Buffer.from(data).toString('utf8')));
    shell.on('error', (e: ErrorEvent) => seen.shellErrors.push(e));
    shell.on('exit', (e: ExitEvent) => (seen.exit = e));
    logs.on('error', (e: ErrorEvent) => seen.logErrors.push(e));
    logs.on('status', (e: StatusEvent) => seen.statuses.push(e));
    try {
      shell.emit('open', { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', cols: 80, rows: 24 });
      logs.emit('subscribe', { id: 'w', cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 1 });
      await until(() => seen.output.includes('# '), { message: "the prompt of bob's shell", timeoutMs: 15_000 });
      await until(() => seen.statuses.some((s) => s.id === 'w' && s.state === 'streaming'), { message: "bob's log viewer following" });
      const removed = await harness.kubectl(['delete', 'rolebinding', 'team-a-edit', '-n', 'team-a']);
      expect(removed.code, removed.stderr).toBe(0);
      try {
        // Answers are kept for an hour and the session sweep runs every minute: only the RBAC owner's announcement ends them this soon.
        const refusal = await until(() => seen.shellErrors.find((e) => e.code === 403), { message: "bob's shell to be ended", timeoutMs: 10_000 });
        expect(refusal.message).toMatch(/^pods "web-1" is forbidden: User "bob" cannot create resource "pods\/exec" in API group "" in the namespace "team-a"/);
        await until(() => seen.exit, { message: "the shell's exit" });
        expect(seen.exit).toEqual({ code: null, message: 'closed: access revoked' });
        await until(() => harness.sim.faults.execSessions() === 0, { message: 'the exec to be closed in the cluster' });
        const stopped = await until(() => seen.logErrors.find((e) => e.id === 'w'), { message: "bob's log viewer to be stopped", timeoutMs: 10_000 });
        expect(stopped.code).toBe(403);
        expect(stopped.message).toMatch(/forbidden.*bob.*pods\/log.*team-a/);
      } finally {
        const restored = await harness.kubectl(['create', 'rolebinding', 'team-a-edit', '-n', 'team-a', '--clusterrole=edit', '--group=team-a']);
        expect(restored.code, restored.stderr).toBe(0);
      }
    } finally {
      shell.disconnect();
      logs.disconnect();
    }
  });

  it('loses nothing through a rolling restart of every replica under churn: clients resume wherever they land', async () => {
    const streams = Array.from({ length: 6 }, () => new ResumingStream(() => alive(), (p) => `${p.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header() }));
    await until(() => streams.every((s) => s.synced), { message: 'every stream to sync' });
    let churning = true;
    let made = 0;
    const churn = (async () => {
      while (churning) {
        await createPod('team-b', `roll-${made}`);
        if (made >= 2) await deletePod('team-b', `roll-${made - 2}`);
        made++;
      }
    })();
    for (const replica of [...alive()]) {
      await addReplica();
      expect(await replica.stop('SIGTERM')).toBe(0);
    }
    churning = false;
    await churn;
    const truth = await listed();
    await until(() => streams.every((s) => JSON.stringify(s.names()) === JSON.stringify(truth)), { message: 'every stream to equal the cluster', timeoutMs: 30_000 });
    for (const s of streams) {
      expect(s.reconnects).toBeGreaterThan(0);
      expect(s.duplicates).toBe(0);
      expect(s.gaps).toBe(0);
      s.stop();
    }
    for (let i = Math.max(0, made - 2); i < made; i++) await deletePod('team-b', `roll-${i}`);
  });

  it('keeps its data plane on its own informers while Redis is away, says so, and shares the informers again when it returns', async () => {
    const clients = await Promise.all(alive().map((p) => watch(p, 'pods')));
    await until(() => clients.every((c) => c.of('snapshot').length === 1), { message: 'the snapshots' });
    const readiness = () => Promise.all(alive().map(async (p) => (await fetch(`${p.url}/readyz`)).text()));
    const port = Number(new URL(redis.url).port);
    await redis.stop();
    await until(async () => (await readiness()).every((text) => /^ok \(degraded: redis unavailable/.test(text)), { message: 'every replica to say it is degraded', timeoutMs: 20_000 });
    const metrics = await (await fetch(`${alive()[0].url}/metrics`)).text();
    expect(metrics).toMatch(/^crowsnest_fleet_redis_up 0$/m);
    // The data plane runs on each replica's own informers now: open streams still get every change
    // (until their session check, every 60 s here, fails closed while the sign-out list is away).
    await createPod('team-b', 'during-outage');
    await until(() => clients.every((c) => c.names('pods').includes('team-b/during-outage')), { message: 'the change during the outage on every stream', timeoutMs: 20_000 });

    redis = await startRedis({ port });
    await until(async () => (await readiness()).every((text) => text === 'ok'), { message: 'every replica back in the fleet', timeoutMs: 30_000 });
    await deletePod('team-b', 'during-outage');
    await createPod('team-b', 'after-outage');
    const truth = await listed();
    await until(() => clients.every((c) => JSON.stringify(c.names('pods')) === JSON.stringify(truth)), { message: 'every client to match the cluster', timeoutMs: 30_000 });
    // One watch of pods for the whole fleet again.
    await until(() => harness.sim.faults.watchesByResource().pods === 1, { message: 'one pods watch again', timeoutMs: 30_000 });
    expect(clients.every((c) => !c.ended)).toBe(true);
  });

  it('starts when Redis is unreachable, saying it is degraded, and refuses sessions it cannot check (503)', async () => {
    const port = Number(new URL(redis.url).port) + 1;
    const lonely = await startPortal({
      KUBECONFIG: kubeconfig,
      CROWSNEST_DEMO: '0',
      REDIS_URL: `redis://127.0.0.1:${port === 65536 ? 1 : port}`,
      NEXTAUTH_SECRET: secret,
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    });
    portals.push(lonely);
    expect(await (await fetch(`${lonely.url}/readyz`)).text()).toMatch(/^ok \(degraded: redis unavailable/);
    // Fail closed: without the sign-out list a session is not trusted.
    const refused = await fetch(`${lonely.url}/api/clusters/sim/pods`, { headers: { Cookie: alice.header() } });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/session cannot be checked/);
  });

  it('refuses a second demo-mode replica: each would serve its own simulated cluster under one name', async () => {
    const demoEnv = { CROWSNEST_DEMO: '1', KUBECONFIG: undefined, REDIS_URL: redis.url, NEXTAUTH_SECRET: secret };
    const first = await startPortal(demoEnv);
    portals.push(first);
    const second = await startPortal(demoEnv).then(
      (p) => {
        portals.push(p);
        return null;
      },
      (err: Error) => err,
    );
    expect(second?.message).toMatch(/cluster \\?"demo\\?" is https:\/\/127\.0\.0\.1:\d+ for the rest of the fleet but https:\/\/127\.0\.0\.1:\d+ here/);
    }, 180_000);
});

/**
 * A browser's stream through a rolling restart: when its stream ends it
 * reconnects to a live replica with its last id, keeping its rows, and counts
 * any sequence number seen twice or skipped within an epoch.
 */
class ResumingStream {
  private readonly rows = new Map<string, { namespace?: string; name: string }>();
  private lastId?: string;
  private client?: SseClient;
  private stopped = false;
  synced = false;
  reconnects = -1;
  duplicates = 0;
  gaps = 0;
  private position?: { epoch: string; seq: number };

  constructor(
    private readonly replicas: () => Portal[],
    private readonly url: (p: Portal) => string,
    private readonly headers: Record<string, string>,
  ) {
    void this.run();
  }

  names(): string[] {
    return [...this.rows.values()].map((r) => `${r.namespace ?? ''}/${r.name}`).sort();
  }

  stop(): void {
    this.stopped = true;
    void this.client?.close();
  }

  private async run(): Promise<void> {
    let turn = 0;
    while (!this.stopped) {
      const live = this.replicas();
      const portal = live[turn++ % Math.max(1, live.length)];
      const client = await SseClient.open(this.url(portal), { ...this.headers, ...(this.lastId ? { 'Last-Event-ID': this.lastId } : {}) }).catch(() => undefined);
      if (!client || client.status !== 200) {
        // A browser's retry delay (the stream's `retry:` is longer; this keeps the test short).
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      this.client = client;
      this.reconnects++;
      let seen = 0;
      while (!this.stopped) {
        await until(() => client.events.length > seen || client.ended, { message: 'an event', timeoutMs: 120_000 });
        for (; seen < client.events.length; seen++) this.apply(client.events[seen]);
        if (client.ended && seen === client.events.length) break;
      }
    }
  }

  private apply(e: { id?: string; event: string; data: any }): void {
    if (e.id) this.lastId = e.id;
    const dash = e.id?.lastIndexOf('-') ?? -1;
    const at = e.id && dash > 0 ? { epoch: e.id.slice(0, dash), seq: Number(e.id.slice(dash + 1)) } : undefined;
    if (e.event === 'snapshot') {
      this.rows.clear();
      for (const row of e.data.items) this.rows.set(row.uid, row);
      this.synced = true;
      this.position = at;
      return;
    }
    if (e.event !== 'added' && e.event !== 'modified' && e.event !== 'deleted') return;
    if (at && this.position && at.epoch === this.position.epoch) {
      if (at.seq <= this.position.seq) this.duplicates++;
      else if (at.seq > this.position.seq + 1) this.gaps++;
    }
    if (at) this.position = at;
    if (e.event === 'deleted') this.rows.delete(e.data.key.uid);
    else this.rows.set(e.data.row.uid, e.data.row);
  }
}
