import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { signInAs, type CookieJar } from '../support/session';
import { until } from '../support/until';

type ConnectError = Error & { data?: { code?: number } };

describe('the socket.io handshake', () => {
  let portal: Portal;
  let alice: CookieJar;
  let bob: CookieJar;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    portal = await startPortal({ CROWSNEST_DEMO: '1', CROWSNEST_SOCKETS_PER_USER: '3' });
    [alice, bob] = await Promise.all([signInAs(portal.url, 'alice'), signInAs(portal.url, 'bob')]);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
  });

  /** Connects as a browser tab would (its own connection, WebSocket only); resolves with the socket or the refusal. */
  const connect = (jar: CookieJar, { origin = portal.url, transports = ['websocket'], namespace = '/logs' }: { origin?: string; transports?: string[]; namespace?: string } = {}) =>
    new Promise<{ socket: Socket; refused?: ConnectError }>((resolve) => {
      const socket = io(`${portal.url}${namespace}`, { path: '/socket.io', transports, extraHeaders: { Cookie: jar.header(), Origin: origin }, reconnection: false, forceNew: true, timeout: 10_000 });
      sockets.push(socket);
      socket.once('connect', () => resolve({ socket }));
      socket.once('connect_error', (err: ConnectError) => resolve({ socket, refused: err }));
    });

  it('connects over WebSocket from the portal’s origin', async () => {
    const { socket, refused } = await connect(alice);
    expect(refused).toBeUndefined();
    expect(socket.connected).toBe(true);
    expect(socket.io.engine.transport.name).toBe('websocket');
  });

  it('refuses a forged cross-origin WebSocket handshake', async () => {
    const { refused } = await connect(alice, { origin: 'https://evil.example' });
    expect(refused?.message).toMatch(/foreign or missing Origin/);
    expect(refused?.data?.code).toBe(403);
  });

  it('refuses a forged Origin on /yard, whose handshake is checked as /logs’ is', async () => {
    const { refused: fromPortal } = await connect(bob, { namespace: '/yard' });
    expect(fromPortal).toBeUndefined();
    const { refused } = await connect(bob, { origin: 'https://evil.example', namespace: '/yard' });
    expect(refused?.message).toMatch(/foreign or missing Origin/);
    expect(refused?.data?.code).toBe(403);
  });

  it('serves no long-polling transport (its handshake carries no Origin to check)', async () => {
    const res = await fetch(`${portal.url}/socket.io/?EIO=4&transport=polling`, { headers: { Cookie: alice.header() } });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Transport unknown/);
    const { refused } = await connect(alice, { transports: ['polling'] });
    expect(refused).toBeDefined();
  });

  it('caps each person’s connections: over the cap the next is refused with 429, and a closed one frees its slot', async () => {
    const held = await Promise.all([connect(alice), connect(alice, { namespace: '/shell' }), connect(alice)]);
    expect(held.map((h) => h.refused)).toEqual([undefined, undefined, undefined]);
    const over = await connect(alice);
    expect(over.refused?.message).toMatch(/too many connections: you already have 3 open/);
    expect(over.refused?.data?.code).toBe(429);
    // Per person: bob is not affected.
    const other = await connect(bob);
    expect(other.refused).toBeUndefined();
    held[0].socket.disconnect();
    const again = await until(
      async () => {
        const attempt = await connect(alice);
        return attempt.refused ? undefined : attempt;
      },
      { message: 'a slot to be freed by the closed connection' },
    );
    expect(again.socket.connected).toBe(true);
  });

  it('frees the slot of a connection that closes while its session is being checked', async () => {
    // A raw engine.io WebSocket asks for /logs and closes at once, before the server has checked its session.
    const openAndCloseAtOnce = () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${portal.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers: { Cookie: alice.header(), Origin: portal.url } });
        ws.once('open', () => {
          ws.send('40/logs,');
          ws.close();
        });
        ws.once('close', () => resolve());
        ws.once('error', reject);
      });
    for (let i = 0; i < 10; i++) await openAndCloseAtOnce();
    // Nothing was left holding a slot: alice can still open her full cap (3), on /logs and /shell.
    const full = await until(
      async () => {
        const attempts = await Promise.all([connect(alice), connect(alice, { namespace: '/shell' }), connect(alice)]);
        if (attempts.every((a) => !a.refused)) return attempts;
        for (const a of attempts) a.socket.disconnect();
        return undefined;
      },
      { timeoutMs: 10_000, message: 'alice to hold three sockets at once' },
    );
    expect(full.map((a) => a.socket.connected)).toEqual([true, true, true]);
  });

  it('limits connect-src to the portal’s own origin in the pages’ CSP', async () => {
    const page = await fetch(`${portal.url}/signin`);
    const csp = page.headers.get('content-security-policy') ?? '';
    const connectSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
    expect(connectSrc).toBe("connect-src 'self'");
  });
});
