import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEvent, ExitEvent } from '../../lib/sockets/protocol';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { signInAs, signOut, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

/** A `/shell` client that records what it is sent. */
class ShellClient {
  output = '';
  bytes = 0;
  /** Seen the portal's note that output was dropped (output itself keeps only its tail). */
  droppedMarker = false;
  readonly errors: ErrorEvent[] = [];
  exit?: ExitEvent;
  disconnected = false;

  constructor(readonly socket: Socket) {
    socket.on('output', (data: ArrayBuffer | Uint8Array) => {
      const buf = Buffer.from(data as ArrayBuffer);
      this.bytes += buf.length;
      if (buf.includes('bytes of output dropped')) this.droppedMarker = true;
      if (this.output.length < 200_000) this.output += buf.toString('utf8');
      else this.output = this.output.slice(-100_000) + buf.toString('utf8');
    });
    socket.on('error', (e: ErrorEvent) => this.errors.push(e));
    socket.on('exit', (e: ExitEvent) => (this.exit = e));
    socket.on('disconnect', () => (this.disconnected = true));
  }
}

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe('/shell over socket.io', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  let bob: CookieJar;
  const sockets: Socket[] = [];

  const connectShell = async (jar: CookieJar): Promise<ShellClient> => {
    const socket = io(`${portal.url}/shell`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: jar.header(), Origin: portal.url }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const client = new ShellClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return lines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  };

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    for (const [ns, name] of [['team-a', 'web-1'], ['team-b', 'api-1']]) {
      expect((await harness.api(`/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify(aPod(ns, name)) })).status).toBe(201);
    }
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', CROWSNEST_SHELLS_PER_USER: '2', CROWSNEST_SOCKET_BUFFER_BYTES: '65536', CROWSNEST_SESSION_CHECK_SECONDS: '1' });
    [alice, bob] = await Promise.all([signInAs(portal.url, 'alice'), signInAs(portal.url, 'bob')]);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const webShell = { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', cols: 100, rows: 30 };

  it('runs commands in a shell and reports the exit code', async () => {
    const s = await connectShell(alice);
    s.socket.emit('open', webShell);
    await until(() => s.output.includes('#') || s.output.includes('$'), { message: 'a prompt' });
    s.socket.emit('input', 'echo hello\r');
    await until(() => /hello\r\n/.test(s.output.replace('echo hello', '')), { message: 'hello' });
    s.socket.emit('input', 'stty size\r');
    await until(() => s.output.includes('30 100'), { message: 'the size given at open' });
    s.socket.emit('resize', { cols: 120, rows: 40 });
    s.socket.emit('input', 'stty size\r');
    await until(() => s.output.includes('40 120'), { message: 'the new size' });
    // Bytes that are not UTF-8 are passed through and break nothing.
    s.socket.emit('input', Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x9b, 0xc3]));
    s.socket.emit('input', '\x15echo still here\r');
    await until(() => s.output.includes('still here\r\n'), { message: 'the shell alive after binary garbage' });
    s.socket.emit('input', 'exit 3\r');
    const exit = await until(() => s.exit, { message: 'the exit event' });
    expect(exit.code).toBe(3);
    expect(s.errors).toEqual([]);
  });

  it('runs a command the person names instead of a shell', async () => {
    const s = await connectShell(alice);
    s.socket.emit('open', { ...webShell, command: 'echo from-a-command' });
    const exit = await until(() => s.exit, { message: 'the command to finish' });
    expect(exit.code).toBe(0);
    expect(s.output).toContain('from-a-command');
  });

  it('passes on Kubernetes’ refusal when bob opens a shell in team-b (view only)', async () => {
    const s = await connectShell(bob);
    s.socket.emit('open', { ...webShell, namespace: 'team-b', pod: 'api-1' });
    const refusal = await until(() => s.errors[0], { message: 'the refusal' });
    expect(refusal.code).toBe(403);
    expect(refusal.message).toMatch(/forbidden: User "bob" cannot (create|get) resource "pods\/exec".*team-b/);
    expect(s.socket.connected).toBe(true);
  });

  it('answers malformed payloads with an error event and stays usable', async () => {
    const s = await connectShell(alice);
    s.socket.emit('open', { cluster: 'sim', namespace: 'team-a' });
    s.socket.emit('resize', { cols: 'wide' });
    s.socket.emit('input', { not: 'bytes' });
    await until(() => s.errors.length >= 3, { message: 'three refusals' });
    expect(s.errors.map((e) => e.code)).toEqual([400, 400, 400]);
    s.socket.emit('open', { ...webShell, command: 'echo fine' });
    await until(() => s.exit, { message: 'a command after the malformed events' });
    expect(s.output).toContain('fine');
  });

  it('caps shells per user with 429', async () => {
    const [a, b, c] = await Promise.all([connectShell(alice), connectShell(alice), connectShell(alice)]);
    a.socket.emit('open', webShell);
    b.socket.emit('open', webShell);
    await until(async () => (await metric('crowsnest_shells_open')) >= 2, { message: 'two shells open' });
    c.socket.emit('open', webShell);
    const over = await until(() => c.errors[0], { message: 'the third refused' });
    expect(over.code).toBe(429);
    a.socket.disconnect();
    await until(async () => (await metric('crowsnest_shells_open')) === 1, { message: 'the shell closed with its socket' });
    c.socket.emit('open', webShell);
    await until(async () => (await metric('crowsnest_shells_open')) === 2, { message: 'a shell once a place was free' });
  });

  it('keeps server memory flat for a client that stops reading: the oldest output is dropped, with a marker', async () => {
    const s = await connectShell(alice);
    s.socket.emit('open', webShell);
    await until(() => s.output.includes('#') || s.output.includes('$'), { message: 'a prompt' });
    // Stop reading: the portal's writes to this client back up in the kernel, then in the portal.
    const raw = (s.socket.io.engine.transport as any).ws?._socket;
    expect(raw).toBeTruthy();
    raw.pause();
    const chunk = `echo ${'x'.repeat(60_000)}\r`;
    // Each line comes back twice (TTY echo and echo's output): about 30 MB in all. This must finish
    // well within socket.io's ping timeout, after which the portal rightly drops the silent client.
    for (let sent = 1; sent <= 250; sent++) {
      s.socket.emit('input', chunk);
      if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(async () => (await metric('crowsnest_socket_dropped_bytes_total')) > 2_000_000, { message: 'output dropped for the slow client', timeoutMs: 40_000 });
    // What waits for one client is bounded by its outbox (proven in sockets-outbox.test.ts), so this is flat.
    expect(rssBytes(portal.process.pid!)).toBeLessThan(1024 * 1024 * 1024);
    raw.resume();
    await until(() => s.droppedMarker, { message: 'the marker once the client reads again', timeoutMs: 30_000 });
    expect(s.bytes).toBeLessThan(28_000_000);
  }, 120_000);

  it('closes the shell when the person signs out', async () => {
    const jar = await signInAs(portal.url, 'alice');
    const s = await connectShell(jar);
    s.socket.emit('open', webShell);
    await until(async () => (await metric('crowsnest_shells_open')) >= 1 && (s.output.includes('#') || s.output.includes('$')), { message: 'a shell' });
    await signOut(portal.url, jar);
    await until(() => s.disconnected, { message: 'the socket closed after sign-out' });
    expect(s.errors.some((e) => e.code === 401)).toBe(true);
  });
});
