import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigActingAs } from '../../server/kube/actingAs';
import { Cluster } from '../../server/clusters/cluster';
import { kubeJson } from '../../server/kube/kubeRequest';

const cert = readFileSync(new URL('../../sim/tls/sim-cert.pem', import.meta.url), 'utf8');
const key = readFileSync(new URL('../../sim/tls/sim-key.pem', import.meta.url), 'utf8');

/** An HTTPS API server that counts its TLS connections and remembers who asked what. */
let server: Server;
let connections = 0;
const seen: Array<{ authorization?: string; user?: string | string[] }> = [];

beforeAll(async () => {
  server = createServer({ cert, key }, (req, res) => {
    seen.push({ authorization: req.headers.authorization, user: req.headers['impersonate-user'] });
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

function kubeConfig(token: string): KubeConfig {
  const kc = new KubeConfig();
  const { port } = server.address() as AddressInfo;
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caData: Buffer.from(cert).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

describe('connections to an API server', () => {
  it('keeps one TLS connection for a run of requests (a paged list does not pay a handshake per page)', async () => {
    const kc = kubeConfig('token-a');
    const before = connections;
    for (let page = 0; page < 20; page++) await kubeJson(kc, { path: '/api/v1/pods', query: { limit: 500 } });
    expect(connections - before).toBe(1);
  });

  it('shares the connection, never the credentials: each request carries its own token and impersonation', async () => {
    seen.length = 0;
    const kc = kubeConfig('token-a');
    await kubeJson(kc, { path: '/api/v1/pods' });
    await kubeJson(kubeConfigActingAs(kc, { name: 'bob', groups: ['team-b'], sessionId: 's' }), { path: '/api/v1/pods' });
    await kubeJson(kubeConfig('token-b'), { path: '/api/v1/pods' });
    await kubeJson(kc, { path: '/api/v1/pods' });
    expect(seen).toEqual([
      { authorization: 'Bearer token-a', user: undefined },
      { authorization: 'Bearer token-a', user: 'bob' },
      { authorization: 'Bearer token-b', user: undefined },
      { authorization: 'Bearer token-a', user: undefined },
    ]);
  });

  it("keeps one TLS connection for the API clients' calls too, as the portal and as a person", async () => {
    // The server answers everything with a list; the clients read what they need of it.
    const kc = new Cluster('c', kubeConfig('token-a')).kubeConfig;
    await kc.makeApiClient(CoreV1Api).listNamespace();
    const before = connections;
    for (let i = 0; i < 10; i++) await kc.makeApiClient(CoreV1Api).listNamespace();
    const bob = kubeConfigActingAs(kc, { name: 'bob', groups: ['team-b'], sessionId: 's' });
    seen.length = 0;
    for (let i = 0; i < 10; i++) await bob.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'team-b' });
    expect(connections - before).toBe(0);
    expect(seen.every((s) => s.authorization === 'Bearer token-a' && s.user === 'bob')).toBe(true);
  });

  it('does not share a connection between different trust settings', async () => {
    const trusting = kubeConfig('token-a');
    await kubeJson(trusting, { path: '/api/v1/pods' });
    const before = connections;
    await kubeJson(trusting, { path: '/api/v1/pods' });
    const skipping = kubeConfig('token-a');
    skipping.clusters[0] = { ...skipping.clusters[0], skipTLSVerify: true };
    await kubeJson(skipping, { path: '/api/v1/pods' });
    expect(connections - before).toBe(1);
  });
});
