import { createServer, type IncomingMessage } from 'node:http';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigActingAs } from '@/server/kube/actingAs';

/** A loopback HTTP server that records the header lines of each request, as a Go apiserver would see them. */
describe('acting as a person', () => {
  const seen: Array<IncomingMessage['headersDistinct']> = [];
  const server = createServer((req, res) => {
    seen.push(req.headersDistinct);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.url?.includes('watch=true')) res.end();
    else res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }));
  });
  let base: KubeConfig;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    base = new KubeConfig();
    base.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'portal', token: 'portal-token' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'portal' }],
      currentContext: 'c',
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const actor = { name: 'dana', groups: ['ops,admins', 'team-a'], sessionId: 's' };

  it('sends the user and one Impersonate-Group line per group on API calls, with the portal’s own credentials', async () => {
    seen.length = 0;
    await kubeConfigActingAs(base, actor).makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'x' });
    const headers = seen[0];
    expect(headers['impersonate-user']).toEqual(['dana']);
    expect(headers['impersonate-group']).toEqual(['ops,admins', 'team-a']);
    expect(headers.authorization).toEqual(['Bearer portal-token']);
  });

  it('does the same on the fetch path used by watches and logs', async () => {
    seen.length = 0;
    await new Promise<void>((resolve) => {
      void new Watch(kubeConfigActingAs(base, actor)).watch('/api/v1/pods', {}, () => undefined, () => resolve());
    });
    expect(seen[0]['impersonate-user']).toEqual(['dana']);
    expect(seen[0]['impersonate-group']).toEqual(['ops,admins', 'team-a']);
  });

  it('refuses to put a name with a line break into a header', async () => {
    const bad = kubeConfigActingAs(base, { name: 'eve\r\nImpersonate-Group: system:masters', groups: [], sessionId: 's' });
    await expect(bad.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'x' })).rejects.toThrow(/safe header value/);
  });
});
