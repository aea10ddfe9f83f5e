import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEvent, LinesEvent, StatusEvent } from '../../lib/sockets/protocol';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';
import { node } from '../../sim/scenarios/builders';

/**
 * A plain-HTTP pass-through in front of the simulator that remembers every
 * request path: the portal talks to the cluster through it, so the test
 * can count what the cluster was asked (one follow per container, however
 * many viewers).
 */
async function countingProxy(target: { host: string; port: number }): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    paths.push(req.url ?? '');
    const upstream = request({ host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (req, socket, head) => {
    paths.push(req.url ?? '');
    const upstream = connect(target.port, target.host, () => {
      let headText = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2) headText += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      upstream.write(headText + '\r\n');
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `/logs` client that records everything it is sent. */
class LogClient {
  readonly lines = new Map<string, string[]>();
  readonly statuses: StatusEvent[] = [];
  readonly errors: ErrorEvent[] = [];
  readonly dropped = new Map<string, number>();

  constructor(readonly socket: Socket) {
    socket.on('lines', (e: LinesEvent) => {
      this.lines.set(e.id, [...(this.lines.get(e.id) ?? []), ...e.lines]);
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

describe('/logs over socket.io', () => {
  let harness: SimHarness;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let portal: Portal;
  let alice: CookieJar;
  let bob: CookieJar;
  let carol: CookieJar;
  const sockets: Socket[] = [];

  const connectLogs = async (jar: CookieJar): Promise<LogClient> => {
    const socket = io(`${portal.url}/logs`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: jar.header(), Origin: portal.url }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const client = new LogClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  };
  const followRequests = (namespace: string, pod: string) => proxy.paths.filter((p) => p.startsWith(`/api/v1/namespaces/${namespace}/pods/${pod}/log?`) && p.includes('follow=true'));
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', clockSpeed: 20 });
    harness.sim.store.create('/nodes', node('node-1', 0));
    for (const [ns, name] of [['team-a', 'web-1'], ['team-a', 'web-2'], ['team-b', 'api-1'], ['kube-system', 'dns-1']]) {
      const res = await harness.api(`/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify(aPod(ns, name)) });
      expect(res.status).toBe(201);
    }
    proxy = await countingProxy({ host: '127.0.0.1', port: harness.sim.port });
    const { kc } = await portalKubeconfig(harness);
    kc.clusters[0] = { ...kc.clusters[0], server: proxy.url, caData: undefined, skipTLSVerify: true };
    const path = join(harness.dir, 'portal-via-proxy.yaml');
    await writeFile(path, kc.exportConfig());
    portal = await startPortal({
      KUBECONFIG: path,
      CROWSNEST_DEMO: '0',
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
      CROWSNEST_LOG_STREAMS_PER_USER: '3',
    });
    [alice, bob, carol] = await Promise.all([signInAs(portal.url, 'alice'), signInAs(portal.url, 'bob'), signInAs(portal.url, 'carol')]);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await proxy?.close();
    await harness?.close();
  });

  it('shares one upstream follow between two viewers of a container, and stops it when the last one leaves', async () => {
    const [a, b] = await Promise.all([connectLogs(alice), connectLogs(bob)]);
    const target = { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 5 };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 5, { message: 'alice’s first lines' });
    b.socket.emit('subscribe', { id: 'b', ...target, timestamps: true });
    await until(() => b.of('b').length >= 5, { message: 'bob’s backlog from the ring' });
    const aliceBefore = a.of('a').length;
    const bobBefore = b.of('b').length;
    await until(() => a.of('a').length > aliceBefore && b.of('b').length > bobBefore, { message: 'new lines for both viewers', timeoutMs: 20_000 });
    expect(a.status('a')?.state).toBe('streaming');
    expect(b.status('b')?.state).toBe('streaming');
    // Bob asked for timestamps; alice did not.
    expect(b.of('b').at(-1)).toMatch(/^\d{4}-\d\d-\d\dT\S+Z /);
    expect(a.of('a').at(-1)).not.toMatch(/^\d{4}-\d\d-\d\dT/);
    // The same lines, in the same order.
    expect(b.of('b').at(-1)!.replace(/^\S+ /, '')).toBe(a.of('a').at(-1));
    expect(followRequests('team-a', 'web-1')).toHaveLength(1);
    expect(await metric('crowsnest_log_upstreams')).toBe(1);

    a.socket.emit('unsubscribe', { id: 'a' });
    b.socket.disconnect();
    await until(async () => (await metric('crowsnest_log_upstreams')) === 0, { message: 'the upstream to stop once nobody watches' });
  });

  it('stops a viewer whose access is revoked while following, with Kubernetes’ reason', async () => {
    const b = await connectLogs(bob);
    b.socket.emit('subscribe', { id: 'b', cluster: 'sim', namespace: 'team-b', pod: 'api-1', container: 'main', tailLines: 1 });
    await until(() => b.status('b')?.state === 'streaming', { message: 'bob following in team-b' });
    const removed = await harness.kubectl(['delete', 'rolebinding', 'team-a-view', '-n', 'team-b']);
    expect(removed.code, removed.stderr).toBe(0);
    try {
      const refusal = await until(() => b.errors.find((e) => e.id === 'b'), { message: 'bob to be stopped after the revocation', timeoutMs: 15_000 });
      expect(refusal.code).toBe(403);
      expect(refusal.message).toMatch(/bob.*pods\/log.*team-b/);
      expect(b.status('b')).toMatchObject({ state: 'error' });
    } finally {
      const restored = await harness.kubectl(['create', 'rolebinding', 'team-a-view', '-n', 'team-b', '--clusterrole=view', '--group=team-a']);
      expect(restored.code, restored.stderr).toBe(0);
    }
  });

  it('refuses a viewer without pods/log in that namespace with Kubernetes’ reason, while another keeps streaming', async () => {
    const [a, b, c] = await Promise.all([connectLogs(alice), connectLogs(bob), connectLogs(carol)]);
    const target = { cluster: 'sim', namespace: 'kube-system', pod: 'dns-1', container: 'main', tailLines: 1 };
    a.socket.emit('subscribe', { id: 'a', ...target });
    await until(() => a.of('a').length >= 1, { message: 'alice streaming kube-system' });
    b.socket.emit('subscribe', { id: 'b', ...target });
    c.socket.emit('subscribe', { id: 'c', cluster: 'sim', namespace: 'team-a', pod: 'web-2', container: 'main' });
    const refusal = await until(() => b.errors.find((e) => e.id === 'b'), { message: 'bob refused' });
    expect(refusal.code).toBe(403);
    expect(refusal.message).toMatch(/forbidden.*bob.*pods\/log.*kube-system/);
    expect(b.status('b')).toMatchObject({ state: 'error' });
    const carolRefused = await until(() => c.errors.find((e) => e.id === 'c'), { message: 'carol refused' });
    expect(carolRefused.code).toBe(403);
    expect(b.of('b')).toEqual([]);
    const seen = a.of('a').length;
    await until(() => a.of('a').length > seen, { message: 'alice still streaming after bob was refused', timeoutMs: 20_000 });
    expect(a.status('a')?.state).toBe('streaming');
  });

  it('tells a viewer that the container stopped, and serves the previous container’s log after a restart', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crasher', namespace: 'team-a' }, spec: { containers: [{ name: 'main', image: 'ghcr.io/acme/crashloop:1.0' }] } };
    expect((await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(pod) })).status).toBe(201);
    const restarted = async () => {
      const res = await harness.api('/api/v1/namespaces/team-a/pods/crasher');
      const body = (await res.json()) as any;
      const s = body.status?.containerStatuses?.[0];
      return (s?.restartCount ?? 0) >= 1 ? s : undefined;
    };
    await until(restarted, { message: 'the crash-looping pod to restart', timeoutMs: 30_000 });
    const a = await connectLogs(alice);
    a.socket.emit('subscribe', { id: 'now', cluster: 'sim', namespace: 'team-a', pod: 'crasher', container: 'main' });
    const ended = await until(() => a.statuses.find((s) => s.id === 'now' && s.state === 'ended'), { message: 'the follow to end when the container crashes', timeoutMs: 30_000 });
    expect(ended.message).toMatch(/stopped|restarted/);

    a.socket.emit('subscribe', { id: 'before', cluster: 'sim', namespace: 'team-a', pod: 'crasher', container: 'main', previous: true });
    await until(() => a.statuses.find((s) => s.id === 'before' && s.state === 'ended'), { message: 'the previous log, read to its end' });
    await until(() => a.of('before').length > 0, { message: "the previous container's lines" });
    expect(a.errors.filter((e) => e.id === 'before')).toEqual([]);
  });

  it('answers a missing pod with Kubernetes’ message', async () => {
    const a = await connectLogs(alice);
    a.socket.emit('subscribe', { id: 'ghost', cluster: 'sim', namespace: 'team-a', pod: 'no-such-pod', container: 'main' });
    const err = await until(() => a.errors.find((e) => e.id === 'ghost'), { message: 'an error for the missing pod' });
    expect(err.code).toBe(404);
    expect(err.message).toBe('pods "no-such-pod" not found');
  });

  it('caps log streams per user with 429', async () => {
    const a = await connectLogs(alice);
    const b = await connectLogs(alice);
    for (const id of ['1', '2']) a.socket.emit('subscribe', { id, cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 1 });
    b.socket.emit('subscribe', { id: '3', cluster: 'sim', namespace: 'team-a', pod: 'web-2', container: 'main', tailLines: 1 });
    await until(() => ['1', '2'].every((id) => a.status(id)?.state === 'streaming') && b.status('3')?.state === 'streaming', { message: 'three streams open' });
    b.socket.emit('subscribe', { id: '4', cluster: 'sim', namespace: 'team-b', pod: 'api-1', container: 'main' });
    const over = await until(() => b.errors.find((e) => e.id === '4'), { message: 'the fourth refused' });
    expect(over.code).toBe(429);
    // Closing one frees a place.
    a.socket.emit('unsubscribe', { id: '1' });
    b.socket.emit('subscribe', { id: '5', cluster: 'sim', namespace: 'team-b', pod: 'api-1', container: 'main', tailLines: 1 });
    await until(() => b.status('5')?.state === 'streaming', { message: 'a new stream after one was closed' });
  });

  it('answers malformed payloads with an error event and stays usable', async () => {
    const a = await connectLogs(alice);
    a.socket.emit('subscribe', 'nonsense');
    a.socket.emit('subscribe', { cluster: 'sim', namespace: 'Team A!', pod: 'web-1', container: 'main' });
    a.socket.emit('subscribe', { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: -1 });
    a.socket.emit('unsubscribe', { id: 42 });
    a.socket.emit('unsubscribe', { id: 'never-subscribed' });
    await until(() => a.errors.length >= 5, { message: 'five error events' });
    expect(a.errors.slice(0, 4).map((e) => e.code)).toEqual([400, 400, 400, 400]);
    expect(a.errors[1].message).toMatch(/namespace/);
    expect(a.errors[4].code).toBe(404);
    a.socket.emit('subscribe', { id: 'ok', cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 2 });
    await until(() => a.of('ok').length >= 2, { message: 'lines after the malformed events' });
    expect(a.socket.connected).toBe(true);
  });

  it('refuses a socket without a session or from a foreign origin', async () => {
    const attempt = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = io(`${portal.url}/logs`, { path: '/socket.io', transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
        sockets.push(socket);
        socket.once('connect', () => resolve('connected'));
        socket.once('connect_error', (err) => resolve(err.message));
      });
    expect(await attempt({ Origin: portal.url })).toMatch(/not signed in/);
    expect(await attempt({ Origin: 'http://evil.example', Cookie: alice.header() })).toMatch(/Origin/);
  });
});
