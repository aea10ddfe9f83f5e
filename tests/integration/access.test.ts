import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary } from '@/lib/clusters';
import { kubeConfigActingAs } from '@/server/kube/actingAs';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { signInAs } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

const actor = (name: string, groups: string[]) => ({ name, groups, sessionId: `test-${name}` });

describe('Kubernetes decides what each person may do', () => {
  let harness: SimHarness;
  let portal: Portal;
  let kc: KubeConfig;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty' });
    const config = await portalKubeconfig(harness);
    kc = config.kc;
    // A long TTL: only the RBAC watch can make a revocation visible within the test.
    portal = await startPortal({ KUBECONFIG: config.path, CROWSNEST_DEMO: '0', CROWSNEST_ACCESS_REVIEW_TTL_SECONDS: '3600' });
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const accessOf = async (user: string) => {
    const jar = await signInAs(portal.url, user);
    return async () => {
      const res = await fetch(`${portal.url}/api/clusters`, { headers: { Cookie: jar.header() } });
      const body = (await res.json()) as ClusterSummary[];
      if (!Array.isArray(body)) throw new Error(`/api/clusters answered ${res.status}: ${JSON.stringify(body)}`);
      const [cluster] = body;
      return cluster.access;
    };
  };

  it('shows alice, bob and carol different access on the same cluster', async () => {
    expect(await (await accessOf('alice'))()).toEqual({ scope: 'cluster' });
    expect(await (await accessOf('bob'))()).toEqual({ scope: 'namespaces', namespaces: ['team-a', 'team-b'] });
    expect(await (await accessOf('carol'))()).toEqual({ scope: 'none' });
  });

  it('tells each person only what they may list: the node count and the installed custom kinds', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    const posted = await harness.api('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: JSON.stringify(crd), headers: { 'Content-Type': 'application/json' } });
    expect(posted.status).toBe(201);
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((user) => signInAs(portal.url, user)));
    const get = async (path: string, jar: { header(): string }) => (await (await fetch(`${portal.url}${path}`, { headers: { Cookie: jar.header() } })).json()) as any;
    const kindTokens = async (jar: { header(): string }) => (await get('/api/clusters/sim/kinds', jar)).kinds.map((k: any) => k.token) as string[];

    await until(async () => (await kindTokens(alice)).includes('gadgets.example.com'), { message: 'alice to see the custom kind' });
    expect(await kindTokens(carol)).not.toContain('gadgets.example.com');
    expect(await kindTokens(carol)).toContain('pods');
    expect(await kindTokens(bob)).not.toContain('gadgets.example.com');
    // The portal's own routes answer a kind carol may not learn of exactly as one that does not exist.
    for (const path of ['/api/clusters/sim/{k}', '/api/clusters/sim/{k}/watch', '/api/clusters/sim/watch?kinds={k}']) {
      const answer = async (token: string) => {
        const res = await fetch(`${portal.url}${path.replace('{k}', token)}`, { headers: { Cookie: carol.header() } });
        return { status: res.status, message: String(((await res.json()) as any).error?.message).replace(token, '<kind>') };
      };
      expect(await answer('gadgets.example.com'), path).toEqual(await answer('nothings.example.com'));
      expect((await answer('gadgets.example.com')).status).toBe(404);
    }

    const [aliceCluster] = await get('/api/clusters', alice);
    const [carolCluster] = await get('/api/clusters', carol);
    expect(aliceCluster.nodeCount).toEqual(expect.any(Number));
    expect(carolCluster).not.toHaveProperty('nodeCount');
    expect(carolCluster.version).toBeTruthy();

    // Once bob may list gadgets in one of his namespaces, the kind is his to see.
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'gadget-reader', namespace: 'team-a' }, rules: [{ apiGroups: ['example.com'], resources: ['gadgets'], verbs: ['get', 'list', 'watch'] }] };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'gadget-reader', namespace: 'team-a' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'gadget-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' }],
    };
    for (const [path, body] of [['/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles', role], ['/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', binding]] as const) {
      expect((await harness.api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })).status).toBe(201);
    }
    await until(async () => (await kindTokens(bob)).includes('gadgets.example.com'), { message: 'bob to see the custom kind once granted' });
    expect(await kindTokens(carol)).not.toContain('gadgets.example.com');
  });

  it('honours a revoked RoleBinding within seconds, through the RBAC watch', async () => {
    const bob = await accessOf('bob');
    expect(await bob()).toEqual({ scope: 'namespaces', namespaces: ['team-a', 'team-b'] });
    const removed = await harness.kubectl(['delete', 'rolebinding', 'team-a-view', '-n', 'team-b']);
    expect(removed.code).toBe(0);
    await until(async () => JSON.stringify(await bob()) === JSON.stringify({ scope: 'namespaces', namespaces: ['team-a'] }), {
      timeoutMs: 10_000,
      message: "bob's access to drop team-b",
    });
  });

  it('makes calls as the person: bob reads team-a, is refused in kube-system with Kubernetes’ words', async () => {
    const asBob = kubeConfigActingAs(kc, actor('bob', ['team-a'])).makeApiClient(CoreV1Api);
    await expect(asBob.listNamespacedPod({ namespace: 'team-a' })).resolves.toBeTruthy();
    const refused = await asBob.listNamespacedPod({ namespace: 'kube-system' }).catch((err: { code?: number; body?: string }) => err);
    expect((refused as { code?: number }).code).toBe(403);
    expect(String((refused as { body?: string }).body)).toContain('User \\"bob\\" cannot list resource \\"pods\\" in API group \\"\\" in the namespace \\"kube-system\\"');
  });

  it('refuses carol everywhere, as Kubernetes does', async () => {
    const asCarol = kubeConfigActingAs(kc, actor('carol', [])).makeApiClient(CoreV1Api);
    const refused = await asCarol.listNamespacedPod({ namespace: 'team-a' }).catch((err: { code?: number }) => err);
    expect((refused as { code?: number }).code).toBe(403);
  });
});
