import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEvent, LinesEvent, StatusEvent } from '../../lib/sockets/protocol';
import { startReplica, type TestFleet } from '../support/fleet';
import type { Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { startRedis } from '../support/redis';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

/** A `/logs` client that records everything it is sent. */
class LogClient {
  readonly lines = new Map<string, string[]>();
  readonly statuses: StatusEvent[] = [];
  readonly errors: ErrorEvent[] = [];
  readonly dropped = new Map<string, number>();

  constructor(readonly socket: Socket) {
    socket.on('lines', (e: LinesEvent) => {
      const lines = this.lines.get(e.id);
      if (lines) lines.push(...e.lines);
      else this.lines.set(e.id, [...e.lines]);
      if (e.dropped) this.dropped.set(e.id, (this.dropped.get(e.id) ?? 0) + e.dropped);
    });
    socket.on('status', (e: StatusEvent) => this.statuses.push(e));
    socket.on('error', (e: ErrorEvent) => this.errors.push(e));
  }

  of(id: string): string[] {
    return this.lines.get(id) ?? [];
  }

  status(id: string): StatusEvent | undefined {
    return this.statuses.filter((s) => s.id === id).at(-1);
  }
}

/** A log line as the portal sends it with timestamps: its time and text. */
const timeOf = (line: string) => line.slice(0, line.indexOf(' '));

describe('log follows shared by a fleet of replicas through Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let harness: SimHarness;
  let alice: CookieJar;
  let bob: CookieJar;
  const portals: Portal[] = [];
  const sockets: Socket[] = [];
  const secret = randomBytes(32).toString('base64url');

  const connectLogs = async (portal: Portal, jar: CookieJar): Promise<LogClient> => {
    const socket = io(`${portal.url}/logs`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: jar.header(), Origin: portal.url }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const client = new LogClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  };
  const follows = (namespace: string, pod: string) => harness.sim.faults.logFollows().byContainer[`${namespace}/${pod}/main`] ?? 0;
  /** A pod writing `rate` lines a second. */
  async function createPod(namespace: string, name: string, rate = 20): Promise<void> {
    const pod = aPod(namespace, name);
    const spec = pod.spec as { containers: Array<Record<string, unknown>> };
    spec.containers[0].env = [{ name: 'SIM_LOG_RATE', value: String(rate) }];
    const res = await harness.api(`/api/v1/namespaces/${namespace}/pods`, { method: 'POST', body: JSON.stringify(pod), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
  }
  /** The truth: the container's lines with timestamps, read from the simulator from `time`'s second on. */
  async function linesFrom(namespace: string, pod: string, time: string): Promise<string[]> {
    const res = await harness.api(`/api/v1/namespaces/${namespace}/pods/${pod}/log?timestamps=true&sinceTime=${encodeURIComponent(`${time.slice(0, 19)}Z`)}`);
    expect(res.status).toBe(200);
    return (await res.text()).split('\n').filter(Boolean);
  }
  /** What a viewer received is exactly the cluster's log over the same span: nothing missing, nothing twice. */
  async function expectWhole(namespace: string, pod: string, received: string[]): Promise<void> {
    const truth = await linesFrom(namespace, pod, timeOf(received[0]));
    const start = truth.indexOf(received[0]);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(received).toEqual(truth.slice(start, start + received.length));
  }
  const metric = async (portal: Portal, name: string): Promise<number> => {
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };
  const alive = () => portals.filter((p) => p.process.exitCode === null && p.process.signalCode === null);
  /** Each time the replica opened the container's follow for the fleet. */
  const opensOf = (portal: Portal, pod: string) => portal.logs.filter((l) => l.pod === pod && l.msg === 'log follow opened for the fleet');

  beforeAll(async () => {
    redis = await startRedis();
    harness = await startSim({ scenario: 'empty', controllers: false });
    for (const [namespace, name] of [['team-a', 'web-1'], ['team-a', 'web-2'], ['team-b', 'api-1'], ['kube-system', 'dns-1']]) await createPod(namespace, name);
    await createPod('team-a', 'flood-1', 20_000);
    const { path: kubeconfig } = await portalKubeconfig(harness);
    const fleet: TestFleet = { kubeconfig, redisUrl: redis.url, secret, portals };
    const env = {
      CROWSNEST_WATCH_STREAMS: 'off',
      CROWSNEST_DRAIN_SECONDS: '5',
      // Room for a flood in each socket's outbox: a count of dropped lines then means lines the relay missed.
      CROWSNEST_SOCKET_BUFFER_BYTES: String(512 * 1024 * 1024),
    };
    await Promise.all([0, 1, 2].map(() => startReplica(fleet, env)));
    // One sign-in each: a session is valid on every replica.
    [alice, bob] = await Promise.all([signInAs(portals[0].url, 'alice'), signInAs(portals[0].url, 'bob')]);
  }, 240_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await Promise.all(portals.map((p) => p.stop('SIGKILL')));
    await harness?.close();
    await redis?.stop();
  });

  it('follows a container once for two viewers on two replicas, sends both the same lines, and stops when the last one leaves', async () => {
    const [a, b] = await Promise.all([connectLogs(portals[0], alice), connectLogs(portals[1], bob)]);
    const target = { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 5, timestamps: true };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 5, { message: 'alice’s first lines' });
    b.socket.emit('subscribe', { id: 'b', ...target });
    await until(() => b.of('b').length >= 40, { message: 'bob’s lines, through Redis', timeoutMs: 20_000 });
    expect(follows('team-a', 'web-1')).toBe(1);
    // Counted for the fleet on every replica; opened by one of them.
    await until(async () => (await Promise.all(portals.map((p) => metric(p, 'crowsnest_log_upstreams_fleet')))).every((n) => n === 1), { message: 'one follow counted for the fleet on every replica' });
    const opened = await Promise.all(portals.map((p) => metric(p, 'crowsnest_log_upstreams')));
    expect(opened.reduce((sum, n) => sum + n, 0)).toBe(1);
    expect(a.status('a')?.state).toBe('streaming');
    expect(b.status('b')?.state).toBe('streaming');
    // Bob's lines are a run of alice's: the same lines, in the same order, none missing.
    const bobs = [...b.of('b')];
    const at = a.of('a').indexOf(bobs[0]);
    expect(at).toBeGreaterThanOrEqual(0);
    await until(() => a.of('a').length >= at + bobs.length, { message: 'alice to have as many' });
    expect(a.of('a').slice(at, at + bobs.length)).toEqual(bobs);
    await expectWhole('team-a', 'web-1', a.of('a'));

    a.socket.emit('unsubscribe', { id: 'a' });
    const seen = b.of('b').length;
    await until(() => b.of('b').length > seen + 20, { message: 'bob still following after alice left' });
    expect(follows('team-a', 'web-1')).toBe(1);
    await expectWhole('team-a', 'web-1', b.of('b'));
    b.socket.disconnect();
    await until(() => follows('team-a', 'web-1') === 0, { message: 'the follow to stop once nobody in the fleet watches' });
  });

  it('refuses bob on another replica a log alice follows in a namespace he may not read, with Kubernetes’ reason', async () => {
    const [a, b] = await Promise.all([connectLogs(portals[0], alice), connectLogs(portals[1], bob)]);
    const target = { cluster: 'sim', namespace: 'kube-system', pod: 'dns-1', container: 'main', tailLines: 1 };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 1, { message: 'alice following kube-system' });
    b.socket.emit('subscribe', { id: 'b', ...target });
    const refusal = await until(() => b.errors.find((e) => e.id === 'b'), { message: 'bob refused' });
    expect(refusal.code).toBe(403);
    expect(refusal.message).toMatch(/forbidden.*bob.*pods\/log.*kube-system/);
    expect(b.of('b')).toEqual([]);
    const seen = a.of('a').length;
    await until(() => a.of('a').length > seen + 5, { message: 'alice still following' });
    expect(follows('kube-system', 'dns-1')).toBe(1);
  });

  it('hands the follow on when its opener loses access: the other viewer goes on as herself, without a gap or a repeat', async () => {
    const [b, a] = await Promise.all([connectLogs(portals[0], bob), connectLogs(portals[1], alice)]);
    const target = { cluster: 'sim', namespace: 'team-b', pod: 'api-1', container: 'main', tailLines: 1, timestamps: true };
    b.socket.emit('subscribe', { id: 'b', ...target });
    await until(() => b.of('b').length >= 1, { message: 'bob following team-b' });
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 10, { message: 'alice following the follow bob opened' });
    // Bob's replica opened it, as bob.
    expect(opensOf(portals[0], 'api-1')).toHaveLength(1);
    expect(opensOf(portals[1], 'api-1')).toHaveLength(0);
    const removed = await harness.kubectl(['delete', 'rolebinding', 'team-a-view', '-n', 'team-b']);
    expect(removed.code, removed.stderr).toBe(0);
    try {
      const refusal = await until(() => b.errors.find((e) => e.id === 'b'), { message: 'bob stopped after the revocation', timeoutMs: 15_000 });
      expect(refusal.code).toBe(403);
      // Alice's replica reopens it, as alice.
      await until(() => opensOf(portals[1], 'api-1').some((l) => l.how === 'takeover'), { message: 'alice’s replica to take the follow over', timeoutMs: 15_000 });
      const seen = a.of('a').length;
      await until(() => a.of('a').length > seen + 40, { message: 'alice’s lines after the handover', timeoutMs: 20_000 });
      expect(a.status('a')?.state).toBe('streaming');
      expect(a.errors).toEqual([]);
      await expectWhole('team-b', 'api-1', a.of('a'));
      expect(follows('team-b', 'api-1')).toBe(1);
    } finally {
      const restored = await harness.kubectl(['create', 'rolebinding', 'team-a-view', '-n', 'team-b', '--clusterrole=view', '--group=team-a']);
      expect(restored.code, restored.stderr).toBe(0);
    }
  });

  it('keeps a flood of 20,000 lines a second to a capped stream in Redis, and the replicas answering', async () => {
    const [a, b] = await Promise.all([connectLogs(portals[0], alice), connectLogs(portals[1], alice)]);
    const target = { cluster: 'sim', namespace: 'team-a', pod: 'flood-1', container: 'main', tailLines: 10 };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 10, { message: 'the first viewer following (its replica owns the follow)' });
    b.socket.emit('subscribe', { id: 'b', ...target });
    await until(() => b.of('b').length >= 10, { message: 'the second viewer following' });
    // The second replica stalls for more than a ring's worth of lines: it is told how many it missed.
    const seen = a.of('a').length;
    portals[1].process.kill('SIGSTOP');
    try {
      await until(() => a.of('a').length > seen + 5_000, { message: 'a ring’s worth of lines meanwhile' });
    } finally {
      portals[1].process.kill('SIGCONT');
    }
    await until(() => (b.dropped.get('b') ?? 0) > 0, { message: 'the stalled replica’s viewer told of the lines it missed' });
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const key = 'crowsnest:logs:{sim/team-a/flood-1/main}:lines';
      let longest = 0;
      await until(
        async () => {
          longest = Math.max(longest, await client.xLen(key));
          return a.of('a').length + (a.dropped.get('a') ?? 0) >= 20_000 && b.of('b').length + (b.dropped.get('b') ?? 0) >= 20_000;
        },
        { message: '20,000 lines to each viewer (sent or counted as dropped)', timeoutMs: 30_000 },
      );
      // The ring is 1,000 lines; XADD MAXLEN ~ trims whole nodes of the stream (100 entries each).
      expect(longest).toBeGreaterThan(0);
      expect(longest).toBeLessThanOrEqual(1_200);
      for (const portal of portals.slice(0, 2)) expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
      expect(follows('team-a', 'flood-1')).toBe(1);
    } finally {
      await client.close();
    }
    a.socket.disconnect();
    b.socket.disconnect();
    await until(() => follows('team-a', 'flood-1') === 0, { message: 'the flood’s follow to stop' });
  });

  it('hands the follow over at once when its owner drains (SIGTERM)', async () => {
    const [a, b] = await Promise.all([connectLogs(portals[0], alice), connectLogs(portals[1], alice)]);
    const target = { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 1, timestamps: true };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 1, { message: 'the first viewer following' });
    b.socket.emit('subscribe', { id: 'b', ...target });
    await until(() => b.of('b').length >= 10, { message: 'the second viewer following' });
    const opensBefore = opensOf(portals[1], 'web-1').length;
    expect(await portals[0].stop('SIGTERM')).toBe(0);
    await until(() => opensOf(portals[1], 'web-1').length > opensBefore, { message: 'the other replica to take the follow over', timeoutMs: 20_000 });
    expect(opensOf(portals[1], 'web-1').at(-1)?.how).toBe('takeover');
    const seen = b.of('b').length;
    await until(() => b.of('b').length > seen + 40, { message: 'lines after the handover', timeoutMs: 20_000 });
    await expectWhole('team-a', 'web-1', b.of('b'));
    await until(() => follows('team-a', 'web-1') === 1, { message: 'one follow again' });
  });

  it('takes the follow over when its owner is killed: the other viewer keeps every line, once', async () => {
    const [a, b] = await Promise.all([connectLogs(portals[1], alice), connectLogs(portals[2], alice)]);
    const target = { cluster: 'sim', namespace: 'team-a', pod: 'web-2', container: 'main', tailLines: 1, timestamps: true };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 1, { message: 'the first viewer following' });
    b.socket.emit('subscribe', { id: 'b', ...target });
    await until(() => b.of('b').length >= 10, { message: 'the second viewer following' });
    const owner = alive().find((p) => opensOf(p, 'web-2').length > 0)!;
    expect(owner).toBeDefined();
    const [survivor, viewer] = owner === portals[1] ? [portals[2], b] : [portals[1], a];
    const id = viewer === a ? 'a' : 'b';
    await owner.stop('SIGKILL');
    await until(() => opensOf(survivor, 'web-2').some((l) => l.how === 'takeover'), { message: 'the survivor to take the follow over', timeoutMs: 20_000 });
    const seen = viewer.of(id).length;
    await until(() => viewer.of(id).length > seen + 40, { message: 'lines after the takeover', timeoutMs: 20_000 });
    expect(viewer.status(id)?.state).toBe('streaming');
    await expectWhole('team-a', 'web-2', viewer.of(id));
    await until(() => follows('team-a', 'web-2') === 1, { message: 'one follow again (the dead owner’s connection closed)' });
  });

  it('moves the viewers to their replica’s own follow when Redis goes away, without a gap or a repeat', async () => {
    const [survivor] = alive();
    const [a, b] = await Promise.all([connectLogs(survivor, alice), connectLogs(survivor, bob)]);
    const target = { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 1, timestamps: true };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 1, { message: 'alice following' });
    b.socket.emit('subscribe', { id: 'b', ...target });
    await until(() => b.of('b').length >= 10, { message: 'bob following' });
    expect(opensOf(survivor, 'web-1').length).toBeGreaterThan(0);
    await redis.stop();
    await until(() => survivor.logs.some((l) => /redis is unreachable/.test(String(l.msg))), { message: 'the replica to notice', timeoutMs: 20_000 });
    const [seenA, seenB] = [a.of('a').length, b.of('b').length];
    await until(() => a.of('a').length > seenA + 40 && b.of('b').length > seenB + 40, { message: 'lines from the replica’s own follow', timeoutMs: 20_000 });
    await until(async () => (await metric(survivor, 'crowsnest_log_relays')) === 0, { message: 'nothing relayed through Redis any more' });
    expect(follows('team-a', 'web-1')).toBe(1);
    await expectWhole('team-a', 'web-1', a.of('a'));
    await expectWhole('team-a', 'web-1', b.of('b'));
    expect([a.status('a')?.state, b.status('b')?.state]).toEqual(['streaming', 'streaming']);
  });
});
