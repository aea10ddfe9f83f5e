import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { rawRequest } from '../support/rawHttp';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';

const SCALE = '/api/clusters/sim/deployments/team-a/web/scale';

/** The scale action spelled in every way that is not the path's normal form (each one reached the handler as a "page"). */
const BYPASSES = [
  `/.${SCALE}`,
  `/x/..${SCALE}`,
  `/favicon.ico/..${SCALE}`,
  `/_next/..${SCALE}`,
  `/%2e${SCALE}`,
  `/%2E${SCALE}`,
  `/x/%2e%2e${SCALE}`,
  `/x/%2E.${SCALE}`,
  `//${SCALE.slice(1)}`,
  `/api//clusters/sim/deployments/team-a/web/scale`,
  `/\\${SCALE.slice(1)}`,
  `/x\\..\\${SCALE.slice(1)}`,
  `/%5c${SCALE.slice(1)}`,
  `/x/..%2f${SCALE.slice(1)}`,
  `/api%2Fclusters/sim/deployments/team-a/web/scale`,
];

describe('request targets not in normal form', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;

  const replicas = async (): Promise<number> => {
    const res = await harness.api('/apis/apps/v1/namespaces/team-a/deployments/web');
    return ((await res.json()) as { spec: { replicas: number } }).spec.replicas;
  };
  /** The portal's resident memory now, from the kernel. */
  const residentBytes = async (): Promise<number> => {
    const status = await readFile(`/proc/${portal.process.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
  };

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    const created = await harness.api('/apis/apps/v1/namespaces/team-a/deployments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'team-a' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
      }),
    });
    expect(created.status).toBe(201);
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('refuses a foreign-Origin scale without the CSRF header with 400 in every non-normal spelling, and the deployment is untouched', async () => {
    for (const target of BYPASSES) {
      const answer = await rawRequest(portal.url, 'POST', target, { Cookie: alice.header(), Origin: 'https://evil.example', 'Content-Type': 'application/json' }, '{"replicas":7}');
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.body), target).toMatchObject({ error: { code: 400, message: expect.stringMatching(/^malformed request target/) } });
    }
    for (const target of ['/./api/me', '/x/../signin', '//', '/%2e%2e/etc/passwd', '*']) {
      const read = await rawRequest(portal.url, 'GET', target, { Cookie: alice.header() });
      expect(read.status, target).toBe(400);
    }
    const absolute = await rawRequest(portal.url, 'POST', `${portal.url}${SCALE}`, { Cookie: alice.header(), Origin: 'https://evil.example', 'Content-Type': 'application/json' }, '{"replicas":7}');
    expect(absolute.status).toBe(400);
    expect(await replicas()).toBe(1);
    // The same request on the normal path meets the Origin check; a proper one scales (so a bypass would have shown).
    const foreign = await rawRequest(portal.url, 'POST', SCALE, { Cookie: alice.header(), Origin: 'https://evil.example', 'Content-Type': 'application/json' }, '{"replicas":7}');
    expect(foreign.status).toBe(403);
    const proper = await rawRequest(portal.url, 'POST', SCALE, { Cookie: alice.header(), Origin: portal.url, 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' }, '{"replicas":2}');
    expect(proper.status).toBe(200);
    expect(await replicas()).toBe(2);
  });

  it('refuses an oversized body in every non-normal spelling without reading it into memory', async () => {
    const headers = { Cookie: alice.header(), Origin: portal.url, 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' };
    const before = await residentBytes();
    // Valid JSON that would scale the deployment if any handler read it.
    const huge = { bytes: 96 * 1024 * 1024, prefix: '{"replicas":9}', fill: ' ' };
    for (const target of [`/.${SCALE}`, `/x/..${SCALE}`, `/favicon.ico/..${SCALE}`, `/%2e${SCALE}`, `/%5c${SCALE.slice(1)}`, `/\\${SCALE.slice(1)}`, `//${SCALE.slice(1)}`]) {
      for (const chunked of [false, true]) {
        const what = `${target} (${chunked ? 'chunked' : 'Content-Length'})`;
        // Refused with 400 once the head is read; a client still sending far past the limit may see the connection close instead.
        const answer = await rawRequest(portal.url, 'POST', target, headers, { ...huge, chunked });
        expect([400, 0], what).toContain(answer.status);
        expect(answer.bodyBytesWritten, `${what}: the portal read the whole body`).toBeLessThan(huge.bytes);
        const small = await rawRequest(portal.url, 'POST', target, headers, { bytes: 2 * 1024 * 1024, prefix: '{"replicas":9}', fill: ' ', chunked });
        expect(small.status, what).toBe(400);
      }
    }
    expect(await residentBytes()).toBeLessThan(before + huge.bytes / 2);
    expect(await replicas()).not.toBe(9);
    expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
  });

  it('caps a chunked body by counting its bytes: a small one is served, one past 1 MiB gets 413', async () => {
    const headers = { Cookie: alice.header(), Origin: portal.url, 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' };
    const small = await rawRequest(portal.url, 'POST', SCALE, { ...headers, 'Transfer-Encoding': 'chunked' }, '5\r\n{"rep\r\n9\r\nlicas":3}\r\n0\r\n\r\n');
    expect(small.status, small.body).toBe(200);
    expect(await replicas()).toBe(3);
    const over = await rawRequest(portal.url, 'POST', SCALE, headers, { bytes: 2 * 1024 * 1024, prefix: '{"replicas":9}', fill: ' ', chunked: true });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({ error: { code: 413, message: expect.stringMatching(/limit is 1048576 bytes/) } });
    const before = await residentBytes();
    const bytes = 96 * 1024 * 1024;
    const huge = await rawRequest(portal.url, 'POST', SCALE, headers, { bytes, prefix: '{"replicas":9}', fill: ' ', chunked: true });
    expect([413, 0]).toContain(huge.status);
    expect(huge.bodyBytesWritten).toBeLessThan(bytes);
    expect(await residentBytes()).toBeLessThan(before + bytes / 2);
    expect(await replicas()).toBe(3);
    // Also on a page (which does not read it): no path lets an unbounded body in.
    const hugePage = await rawRequest(portal.url, 'POST', '/', { Cookie: alice.header() }, { bytes, chunked: true });
    expect(hugePage.bodyBytesWritten).toBeLessThan(bytes);
    expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
  });

  it('still serves the pages, Next’s assets and next-auth in their normal form', async () => {
    const home = await fetch(`${portal.url}/`, { headers: { Cookie: alice.header() } });
    expect(home.status).toBe(200);
    const html = await home.text();
    const assets = [...new Set([...html.matchAll(/"(\/_next\/[^"?]+)(?:\?[^"]*)?"/g)].map((m) => m[1]))];
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await fetch(`${portal.url}${asset}`)).status, asset).toBe(200);
    const signin = await fetch(`${portal.url}/signin?callbackUrl=%2Fclusters%2Fsim`);
    expect(signin.status).toBe(200);
    expect((await fetch(`${portal.url}/api/auth/providers`)).status).toBe(200);
    expect((await fetch(`${portal.url}/api/auth/session`, { headers: { Cookie: alice.header() } })).status).toBe(200);
  });
});
