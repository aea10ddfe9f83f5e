import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { ClusterSummary } from '@/lib/clusters';
import { startPortal, type Portal } from '../support/portal';
import { signInAs, type CookieJar } from '../support/session';
import { until } from '../support/until';

describe('the Crowsnest server in demo mode', () => {
  let portal: Portal;
  let alice: CookieJar;

  beforeAll(async () => {
    portal = await startPortal({ CROWSNEST_DEMO: '1' });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
  });

  it.each(['/healthz', '/livez', '/readyz'])('answers %s with ok and no sign-in', async (path) => {
    const res = await fetch(portal.url + path);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('serves the simulated demo cluster through its kubeconfig', async () => {
    const res = await fetch(`${portal.url}/api/clusters`, { headers: { Cookie: alice.header() } });
    expect(res.status).toBe(200);
    const clusters = (await res.json()) as ClusterSummary[];
    expect(clusters).toHaveLength(1);
    const [demo] = clusters;
    expect(demo).toMatchObject({ name: 'demo', status: 'reachable' });
    expect(demo.server).toMatch(/^https?:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.version).toMatch(/^v1\.\d+/);
    expect(demo.nodeCount).toBeGreaterThan(0);
  });

  it('answers API calls without a session with 401 JSON', async () => {
    const res = await fetch(`${portal.url}/api/clusters`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(401);
  });

  it('sends pages without a session to sign-in, keeping where they were going', async () => {
    const res = await fetch(`${portal.url}/clusters/demo`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/signin?callbackUrl=%2Fclusters%2Fdemo');
    const signin = await fetch(`${portal.url}/signin`);
    expect(signin.status).toBe(200);
  });

  it('keeps a well-formed X-Request-ID and replaces one that is not', async () => {
    const kept = await fetch(`${portal.url}/healthz`, { headers: { 'X-Request-ID': 'trace-42.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-42.abc');
    const replaced = await fetch(`${portal.url}/healthz`, { headers: { 'X-Request-ID': 'x'.repeat(300) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one JSON access-log line per request, with its request id and actor', async () => {
    const res = await fetch(`${portal.url}/api/clusters`, { headers: { 'X-Request-ID': 'log-me-1', Cookie: alice.header() } });
    await res.arrayBuffer();
    const line = await until(() => portal.logs.find((l) => l.msg === 'request' && l.requestId === 'log-me-1'), { message: 'the access log line' });
    expect(line).toMatchObject({ method: 'GET', path: '/api/clusters', status: 200, level: 'info', actor: 'alice' });
    expect(typeof line.durationMs).toBe('number');
  });

  it('serves the home page to a signed-in user, with a CSP nonce on its scripts', async () => {
    const res = await fetch(portal.url + '/', { headers: { Cookie: alice.header() } });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await res.text();
    expect(html).toContain('alice');
    expect(html).toContain(`nonce="${nonce}"`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBeTruthy();
  });

  it('accepts socket.io connections only with a session and this origin', async () => {
    const attempt = async (headers: Record<string, string>) => {
      const socket = io(portal.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: headers });
      try {
        return await new Promise<string>((resolve) => {
          socket.on('connect', () => resolve('connected'));
          socket.on('connect_error', (err) => resolve(err.message));
        });
      } finally {
        socket.close();
      }
    };
    expect(await attempt({ Cookie: alice.header(), Origin: portal.url })).toBe('connected');
    expect(await attempt({ Origin: portal.url })).toBe('not signed in');
    expect(await attempt({ Cookie: alice.header(), Origin: 'https://evil.example' })).toMatch(/forbidden/);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, closes long-lived connections and exits 0 within the drain budget', async () => {
    const portal = await startPortal({ CROWSNEST_DEMO: '1', CROWSNEST_DRAIN_SECONDS: '5' });
    const jar = await signInAs(portal.url, 'bob');
    const socket = io(portal.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { Cookie: jar.header(), Origin: portal.url } });
    try {
      await until(() => socket.connected, { message: 'the socket.io connection' });
      let disconnected = false;
      socket.on('disconnect', () => (disconnected = true));

      const code = await portal.stop('SIGTERM');
      expect(code).toBe(0);
      await until(() => disconnected || !socket.connected, { message: 'the socket to be closed' });
      expect(portal.logs.some((l) => l.msg === 'drained; exiting')).toBe(true);
      expect(portal.logs.some((l) => String(l.msg).startsWith('drain budget spent'))).toBe(false);
      await expect(fetch(`${portal.url}/healthz`)).rejects.toThrow();
    } finally {
      socket.close();
      await portal.stop('SIGKILL');
    }
  });
});
