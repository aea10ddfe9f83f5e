import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEvent, ExitEvent, StatusEvent } from '../../lib/sockets/protocol';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { startRedis } from '../support/redis';
import { signInAs, signOut, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

/** A `/logs` socket that records its errors, statuses and whether it was disconnected. */
async function logSocket(portal: Portal, jar: CookieJar) {
  const socket: Socket = io(`${portal.url}/logs`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: jar.header(), Origin: portal.url }, reconnection: false, forceNew: true });
  const state = { errors: [] as ErrorEvent[], statuses: [] as StatusEvent[], lines: 0, disconnected: false, socket };
  socket.on('error', (e: ErrorEvent) => state.errors.push(e));
  socket.on('status', (e: StatusEvent) => state.statuses.push(e));
  socket.on('lines', (e: { lines: string[] }) => (state.lines += e.lines.length));
  socket.on('disconnect', () => (state.disconnected = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return state;
}

/** A `/shell` socket that records its output, errors and exit. */
async function shellSocket(portal: Portal, jar: CookieJar) {
  const socket: Socket = io(`${portal.url}/shell`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: jar.header(), Origin: portal.url }, reconnection: false, forceNew: true });
  const state = { output: '', errors: [] as ErrorEvent[], exit: undefined as ExitEvent | undefined, socket };
  socket.on('output', (data: ArrayBuffer) => (state.output += Buffer.from(data).toString('utf8')));
  socket.on('error', (e: ErrorEvent) => state.errors.push(e));
  socket.on('exit', (e: ExitEvent) => (state.exit = e));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return state;
}

/** Bob's shell in team-a, at its prompt. */
async function bobsShell(portal: Portal, bob: CookieJar) {
  const shell = await shellSocket(portal, bob);
  shell.socket.emit('open', { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', cols: 80, rows: 24 });
  await until(() => shell.output.includes('# '), { message: "bob's shell prompt" }).catch((err: Error) => {
    throw new Error(`${err.message}: errors ${JSON.stringify(shell.errors)}`);
  });
  return shell;
}

/** What Kubernetes says to bob about a shell in team-a/web-1 once he may not have one. */
const BOB_MAY_NOT_EXEC = /^pods "web-1" is forbidden: User "bob" cannot create resource "pods\/exec" in API group "" in the namespace "team-a"/;

/** Every long-lived channel (SSE streams, log and shell sockets) ends when the access behind it ends. */
describe('channels end when access ends', () => {
  let harness: SimHarness;
  let portal: Portal;
  const streams: SseClient[] = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', clockSpeed: 20, bookmarkIntervalMs: 500 });
    for (const [ns, name] of [['team-a', 'web-1'], ['team-b', 'api-1']]) {
      expect((await harness.api(`/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify(aPod(ns, name)) })).status).toBe(201);
    }
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({
      KUBECONFIG: path,
      CROWSNEST_DEMO: '0',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
      // Access answers would be trusted for an hour if the RBAC watch were believed current.
      CROWSNEST_ACCESS_REVIEW_TTL_SECONDS: '3600',
      CROWSNEST_WATCH_LIVENESS_SECONDS: '2',
      CROWSNEST_SESSION_CHECK_SECONDS: '1',
    });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await Promise.all(streams.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('ends an open SSE stream with done/signed-out when its person signs out', async () => {
    const alice = await signInAs(portal.url, 'alice');
    const stream = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header() });
    streams.push(stream);
    await stream.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    await signOut(portal.url, alice);
    await stream.waitFor((c) => c.ended, 'the stream to end after sign-out');
    expect(stream.of('done').map((e) => e.data)).toEqual([{ reason: 'signed-out' }]);
  });

  it('ends a revoked person’s shell with Kubernetes’ reason, and closes its exec, when kubectl deletes their RoleBinding', async () => {
    const bob = await signInAs(portal.url, 'bob');
    const shell = await bobsShell(portal, bob);
    sockets.push(shell.socket);
    expect(harness.sim.faults.execSessions()).toBe(1);
    const removed = await harness.kubectl(['delete', 'rolebinding', 'team-a-edit', '-n', 'team-a']);
    expect(removed.code, removed.stderr).toBe(0);
    try {
      const refusal = await until(() => shell.errors.find((e) => e.code === 403), { message: "bob's shell to be ended", timeoutMs: 15_000 });
      expect(refusal.message).toMatch(BOB_MAY_NOT_EXEC);
      await until(() => shell.exit, { message: "the shell's exit" });
      expect(shell.exit).toEqual({ code: null, message: 'closed: access revoked' });
      await until(() => harness.sim.faults.execSessions() === 0, { message: 'the exec to be closed in the cluster' });
      // The connection stays, without a shell.
      shell.socket.emit('input', 'echo still-here\r');
      await until(() => shell.errors.some((e) => e.code === 409), { message: 'input refused: no shell is open' });
      expect(shell.output).not.toContain('still-here');
    } finally {
      const restored = await harness.kubectl(['create', 'rolebinding', 'team-a-edit', '-n', 'team-a', '--clusterrole=edit', '--group=team-a']);
      expect(restored.code, restored.stderr).toBe(0);
    }
  });

  it('ends a revoked person’s shell while the RBAC watch is frozen (fail closed)', async () => {
    const bob = await signInAs(portal.url, 'bob');
    const shell = await bobsShell(portal, bob);
    sockets.push(shell.socket);
    harness.sim.faults.freezeWatches(true);
    try {
      // The watch cannot tell anybody now: only the re-checks while RBAC is not known current can.
      const removed = await harness.kubectl(['delete', 'rolebinding', 'team-a-edit', '-n', 'team-a']);
      expect(removed.code, removed.stderr).toBe(0);
      const refusal = await until(() => shell.errors.find((e) => e.code === 403), { message: "bob's shell to be ended", timeoutMs: 30_000 });
      expect(refusal.message).toMatch(BOB_MAY_NOT_EXEC);
      await until(() => harness.sim.faults.execSessions() === 0, { message: 'the exec to be closed in the cluster' });
    } finally {
      harness.sim.faults.freezeWatches(false);
      const restored = await harness.kubectl(['create', 'rolebinding', 'team-a-edit', '-n', 'team-a', '--clusterrole=edit', '--group=team-a']);
      expect(restored.code, restored.stderr).toBe(0);
    }
  });

  it('ends a revoked person’s log socket and stream while the RBAC watch is frozen (fail closed)', async () => {
    const bob = await signInAs(portal.url, 'bob');
    const stream = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch?namespaces=team-b`, { Cookie: bob.header() });
    streams.push(stream);
    await stream.waitFor((c) => c.of('snapshot').length === 1, "bob's team-b snapshot");
    const logs = await logSocket(portal, bob);
    sockets.push(logs.socket);
    logs.socket.emit('subscribe', { id: 'b', cluster: 'sim', namespace: 'team-b', pod: 'api-1', container: 'main', tailLines: 1 });
    await until(() => logs.statuses.some((s) => s.id === 'b' && s.state === 'streaming'), { message: 'bob following in team-b' });

    harness.sim.faults.freezeWatches(true);
    try {
      // The watch cannot tell anybody now; the revocation is an ordinary write.
      const removed = await harness.api('/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings/team-a-view', { method: 'DELETE' });
      expect(removed.status).toBe(200);
      await until(() => logs.errors.some((e) => e.id === 'b' && e.code === 403), { message: "bob's log viewer to be stopped", timeoutMs: 30_000 });
      await stream.waitFor((c) => c.ended, "bob's stream to be closed", 30_000);
      expect(stream.of('error').map((e) => e.data)).toContainEqual(expect.objectContaining({ kind: 'pods', namespace: 'team-b', code: 403 }));
    } finally {
      harness.sim.faults.freezeWatches(false);
      const restored = await harness.api('/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings', {
        method: 'POST',
        body: JSON.stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'team-a-view', namespace: 'team-b' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' }],
        }),
      });
      expect(restored.status).toBe(201);
    }
  });
});

describe('channels fail closed when the sign-out list cannot be read', () => {
  let harness: SimHarness;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let portal: Portal;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', clockSpeed: 20 });
    expect((await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'web-1')) })).status).toBe(201);
    redis = await startRedis();
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', REDIS_URL: redis.url, NEXTAUTH_SECRET: 'a-test-secret-of-enough-length-0123456789', CROWSNEST_SESSION_CHECK_SECONDS: '1', CROWSNEST_SESSION_GRACE_SECONDS: '3' });
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await redis?.stop().catch(() => undefined);
    await harness?.close();
  });

  it('refuses requests with 503 while Redis is down, and ends sockets and streams once their grace has passed', async () => {
    const alice = await signInAs(portal.url, 'alice');
    const stream = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header() });
    await stream.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const logs = await logSocket(portal, alice);
    try {
      logs.socket.emit('subscribe', { id: 'a', cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 1 });
      await until(() => logs.statuses.some((s) => s.id === 'a' && s.state === 'streaming'), { message: 'alice following' });

      await redis.stop();
      // New requests fail closed at once; open channels only after CROWSNEST_SESSION_GRACE_SECONDS.
      await until(async () => (await fetch(`${portal.url}/api/clusters`, { headers: { Cookie: alice.header() } })).status === 503, { message: 'requests refused', timeoutMs: 20_000 });
      await until(() => logs.disconnected, { message: 'the log socket to be closed', timeoutMs: 20_000 });
      expect(logs.errors).toContainEqual(expect.objectContaining({ code: 401 }));
      await stream.waitFor((c) => c.ended, 'the stream to be closed', 20_000);
      expect(stream.of('error').map((e) => e.data)).toContainEqual(expect.objectContaining({ code: 503 }));
      const refused = await fetch(`${portal.url}/api/clusters`, { headers: { Cookie: alice.header() } });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as any).error.message).toMatch(/session/);
    } finally {
      logs.socket.disconnect();
      await stream.close();
    }
  });
});

describe('channels end when the session reaches the end of its lifetime', () => {
  let harness: SimHarness;
  let portal: Portal;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', clockSpeed: 20 });
    expect((await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'web-1')) })).status).toBe(201);
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', CROWSNEST_SESSION_MAX_AGE_SECONDS: '6', CROWSNEST_SESSION_CHECK_SECONDS: '1' });
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('ends an open stream (done: signed-out) and a log socket once the session is over, without a sign-out', async () => {
    const alice = await signInAs(portal.url, 'alice');
    const signedInAt = Date.now();
    const stream = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header() });
    await stream.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const logs = await logSocket(portal, alice);
    try {
      await stream.waitFor((c) => c.ended, 'the stream to end with the session', 20_000);
      expect(stream.of('done').map((e) => e.data)).toEqual([{ reason: 'signed-out' }]);
      expect(Date.now() - signedInAt).toBeGreaterThan(4_000);
      await until(() => logs.disconnected, { message: 'the log socket to close with the session', timeoutMs: 20_000 });
      expect(logs.errors).toContainEqual(expect.objectContaining({ code: 401, message: expect.stringMatching(/session ended/) }));
    } finally {
      logs.socket.disconnect();
      await stream.close();
    }
  });
});
