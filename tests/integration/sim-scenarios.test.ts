import { afterEach, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function get(path: string, user: 'admin' | 'bob' | 'carol' = 'admin'): Promise<{ status: number; body: any }> {
  const res = await h!.api(path, { user });
  return { status: res.status, body: await res.json() };
}

describe('scenarios', () => {
  it('empty has the system and team namespaces, bootstrap RBAC and nothing else', async () => {
    h = await startSim({ scenario: 'empty' });
    const ns = await get('/api/v1/namespaces');
    expect(ns.body.items.map((n: any) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system', 'team-a', 'team-b']);
    const roles = await get('/apis/rbac.authorization.k8s.io/v1/clusterroles');
    expect(roles.body.items.map((r: any) => r.metadata.name)).toEqual(expect.arrayContaining(['cluster-admin', 'admin', 'edit', 'view']));
    expect((await get('/api/v1/pods')).body.items).toEqual([]);
  });

  it('demo has believable workloads, including a crash-looping pod, and RBAC that applies to them', async () => {
    h = await startSim({ scenario: 'demo', clockSpeed: 20 });
    // The controllers bring the workloads up; the crash-looping pod soon backs off.
    const pods = await until(async () => {
      const items = (await get('/api/v1/pods')).body.items;
      const waiting = items.map((p: any) => p.status.containerStatuses?.[0]?.state?.waiting?.reason);
      return waiting.includes('CrashLoopBackOff') ? items : undefined;
    }, { message: 'a CrashLoopBackOff pod in demo' });
    expect(pods.filter((p: any) => p.status.phase === 'Running').length).toBeGreaterThan(15);
    expect(pods.some((p: any) => p.status.phase === 'Succeeded')).toBe(true);
    expect(pods.some((p: any) => p.status.phase === 'Pending')).toBe(true);
    for (const path of ['/apis/apps/v1/statefulsets', '/apis/apps/v1/daemonsets', '/apis/batch/v1/cronjobs', '/apis/batch/v1/jobs', '/apis/networking.k8s.io/v1/ingresses', '/apis/discovery.k8s.io/v1/endpointslices', '/api/v1/persistentvolumeclaims', '/api/v1/persistentvolumes', '/api/v1/secrets', '/api/v1/events', '/api/v1/nodes', '/apis/storage.k8s.io/v1/storageclasses', '/apis/networking.k8s.io/v1/ingressclasses', '/apis/ops.example.com/v1/backups']) {
      expect((await get(path)).body.items.length, path).toBeGreaterThan(0);
    }
    // Every pod's owner exists (so the portal's owner links and garbage collection work).
    const rs = (await get('/apis/apps/v1/replicasets')).body.items.map((r: any) => r.metadata.uid);
    const owned = pods.filter((p: any) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet');
    expect(owned.length).toBeGreaterThan(0);
    for (const p of owned) expect(rs).toContain(p.metadata.ownerReferences[0].uid);
    const ingress = (await get('/apis/networking.k8s.io/v1/namespaces/team-a/ingresses/shop')).body;
    expect(ingress.spec.tls[0].hosts).toContain('shop.acme.example');
    expect((await get('/api/v1/namespaces/team-a/pods', 'bob')).status).toBe(200);
    expect((await get('/api/v1/namespaces/team-b/pods', 'bob')).status).toBe(200);
    expect((await get('/api/v1/namespaces/monitoring/pods', 'bob')).status).toBe(403);
    expect((await get('/api/v1/namespaces/team-a/pods', 'carol')).status).toBe(403);
  });

  it('large:<N> seeds N pods over about 20 namespaces and 50 nodes and pages through them', async () => {
    h = await startSim({ scenario: 'large:10000' });
    expect(h.sim.store.count('/pods')).toBe(10000);
    expect(h.sim.store.count('/nodes')).toBe(50);
    let seen = 0;
    let cont = '';
    const namespaces = new Set<string>();
    let rv = '';
    do {
      const page = (await get(`/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).body;
      seen += page.items.length;
      for (const p of page.items) namespaces.add(p.metadata.namespace);
      rv ||= page.metadata.resourceVersion;
      expect(page.metadata.resourceVersion).toBe(rv);
      cont = page.metadata.continue ?? '';
    } while (cont);
    expect(seen).toBe(10000);
    expect(namespaces.size).toBe(20);
  });

  it('large:<N> with churn keeps creating, modifying and deleting pods while the controllers run', async () => {
    h = await startSim({ scenario: 'large:10000', churn: 200 });
    const res = await h.api(`/api/v1/pods?watch=1&resourceVersion=${h.sim.store.currentRv()}`);
    const { readWatch } = await import('../support/sim');
    const events = await readWatch(res, (evs) => evs.length >= 100);
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual(['ADDED', 'DELETED', 'MODIFIED']);
  });
});
