import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary } from '@/lib/clusters';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { freePort } from '../support/redis';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';

/**
 * The portal running as carol, who is granted only what the test gives her:
 * list+watch pods, list (not watch) configmaps, nothing on nodes or metrics.
 * Beside it, a context whose API server does not answer.
 */
describe("kinds gated by the portal's own permissions, and an unreachable cluster", () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    const rbac = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: portal-limited }
rules:
- { apiGroups: [""], resources: [pods, namespaces], verbs: [list, watch] }
- { apiGroups: [""], resources: [configmaps], verbs: [list] }
- { apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: portal-limited }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: portal-limited }
subjects: [{ kind: User, apiGroup: rbac.authorization.k8s.io, name: carol }]
`;
    const applied = await harness.kubectl(['apply', '-f', await harness.file('rbac.yaml', rbac)]);
    expect(applied.code, applied.stderr).toBe(0);
    for (let i = 0; i < 60; i++) {
      await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', `padding-${i}`, { app: 'padding', long: 'x'.repeat(60) })), headers: { 'Content-Type': 'application/json' } });
    }
    const { kc } = await portalKubeconfig(harness, 'limited', 'carol');
    const dead = new KubeConfig();
    dead.loadFromOptions({
      clusters: [...kc.clusters, { name: 'gone', server: `https://127.0.0.1:${await freePort()}`, skipTLSVerify: true }],
      users: [...kc.users, { name: 'nobody', token: 'x' }],
      contexts: [...kc.contexts, { name: 'gone', cluster: 'gone', user: 'nobody' }],
      currentContext: 'limited',
    });
    const path = join(harness.dir, 'two-clusters.yaml');
    await writeFile(path, dead.exportConfig());
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const kinds = async () => (await (await fetch(`${portal.url}/api/clusters/limited/kinds`, { headers: { Cookie: alice.header() } })).json()) as any;

  it('streams what it may watch, polls what it may only list, and disables the rest with the reason', async () => {
    const body = await kinds();
    const state = (token: string) => body.kinds.find((k: any) => k.token === token);
    expect(state('pods')).toMatchObject({ state: 'streaming', stream: true });
    expect(state('configmaps')).toMatchObject({ state: 'polling', stream: false });
    expect(state('configmaps').reason).toMatch(/may list but not watch/);
    expect(state('nodes')).toMatchObject({ state: 'disabled' });
    expect(state('nodes').reason).toMatch(/may not list nodes/);
    const snapshot = await fetch(`${portal.url}/api/clusters/limited/configmaps`, { headers: { Cookie: alice.header() } });
    expect(snapshot.status).toBe(200);
    const disabled = await fetch(`${portal.url}/api/clusters/limited/nodes`, { headers: { Cookie: alice.header() } });
    expect(disabled.status).toBe(403);
  });

  it('tells "metrics not permitted" apart from "not installed"', async () => {
    expect((await kinds()).metrics).toMatchObject({ state: 'not-permitted' });
  });

  it('compresses a large snapshot when the client accepts it', async () => {
    const res = await fetch(`${portal.url}/api/clusters/limited/pods`, { headers: { Cookie: alice.header(), 'Accept-Encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as any).items).toHaveLength(60);
  });

  it('shows an unreachable cluster with its error without holding up the others', async () => {
    const res = await fetch(`${portal.url}/api/clusters`, { headers: { Cookie: alice.header() } });
    const clusters = (await res.json()) as ClusterSummary[];
    expect(clusters.find((c) => c.name === 'limited')).toMatchObject({ status: 'reachable' });
    const gone = clusters.find((c) => c.name === 'gone')!;
    expect(gone.status).toBe('unreachable');
    expect(gone.error).toMatch(/ECONNREFUSED|connect/i);
  });
});
