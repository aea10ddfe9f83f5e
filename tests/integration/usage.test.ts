import { delimiter } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageResponse } from '../../lib/usage';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

/** The usage route against two clusters: `demo` with metrics-server, `bare` without. */
describe('GET /api/clusters/{cluster}/usage', () => {
  let demo: SimHarness;
  let bare: SimHarness;
  let portal: Portal;
  const jars: Record<string, CookieJar> = {};

  beforeAll(async () => {
    [demo, bare] = await Promise.all([startSim({ scenario: 'demo' }), startSim({ scenario: 'demo', metrics: false })]);
    const paths = [(await portalKubeconfig(demo, 'demo')).path, (await portalKubeconfig(bare, 'bare')).path];
    portal = await startPortal({ KUBECONFIG: paths.join(delimiter), CROWSNEST_DEMO: '0', CROWSNEST_USAGE_INTERVAL_SECONDS: '1', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    for (const user of ['alice', 'bob', 'carol']) jars[user] = await signInAs(portal.url, user);
  }, 240_000);
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await Promise.all([demo?.close(), bare?.close()]);
  });

  const get = (path: string, user?: string) => fetch(`${portal.url}${path}`, { headers: user ? { Cookie: jars[user].header() } : {} });
  const usage = async (query: string, user = 'alice', cluster = 'demo') => {
    const res = await get(`/api/clusters/${cluster}/usage?${query}`, user);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as UsageResponse;
  };
  /**
   * Waits until the sampler has stored `n` samples and the latest has something for the query. Not every series
   * need have a latest value: the demo's probe CronJob starts a pod every minute, and a pod that has finished keeps
   * its series (nulls from then on) for the rest of the window.
   */
  const samples = (query: string, n: number, user = 'alice') =>
    until(
      async () => {
        const body = await usage(query, user);
        return body.times.length >= n && body.series.some((s) => s.cpu.at(-1) !== null) ? body : undefined;
      },
      { timeoutMs: 30_000, message: `${n} samples of ${query}` },
    );

  it('answers 401 without a session', async () => {
    const res = await get('/api/clusters/demo/usage?kind=nodes');
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe(401);
  });

  it('answers 404 for an unknown cluster', async () => {
    const res = await get('/api/clusters/nope/usage?kind=nodes', 'alice');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toBe('unknown cluster "nope"');
  });

  it.each(['kind=deployments', 'kind=pods&window=99999', 'kind=nodes&namespaces=team-a', 'kind=pods&name=web', 'kind=pods&labelSelector=a%3D%3D%3Db'])('answers 400 to %s', async (query) => {
    const res = await get(`/api/clusters/demo/usage?${query}`, 'alice');
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).not.toBe('');
  });

  it('serves every node’s CPU and memory over time, sampled at the interval', async () => {
    const body = await samples('kind=nodes', 3);
    const nodes = (await (await demo.api('/api/v1/nodes')).json()).items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
    expect(body.series.map((s) => s.name)).toEqual(nodes);
    expect(body.metrics.state).toBe('ok');
    expect(body.intervalSeconds).toBe(1);
    expect([...body.times].sort((a, b) => a - b)).toEqual(body.times);
    for (const s of body.series) {
      expect(s.cpu.at(-1)).toBeGreaterThan(0);
      expect(s.memory.at(-1)).toBeGreaterThan(1024 * 1024);
    }
    const latest = await usage('kind=nodes&latest=1');
    expect(latest.times).toHaveLength(1);
  });

  it('serves one pod per container, and a workload summed over its pods', async () => {
    const pods = await samples('kind=pods&namespaces=team-a&labelSelector=app%3Dweb', 2);
    const [namespace, name] = pods.series[0].name.split('/');
    expect(namespace).toBe('team-a');
    const containers = await usage(`kind=pods&namespaces=team-a&name=${name}&group=container`);
    expect(containers.series.map((s) => s.name)).toEqual(['web']);
    const sum = await usage('kind=pods&namespaces=team-a&labelSelector=app%3Dweb&group=sum');
    const each = await usage('kind=pods&namespaces=team-a&labelSelector=app%3Dweb');
    // Both answers cover the same samples unless one landed between them: compare where the times agree.
    const t = sum.times.findLast((time) => each.times.includes(time))!;
    const i = sum.times.indexOf(t);
    const j = each.times.indexOf(t);
    expect(sum.series.map((s) => s.name)).toEqual(['total']);
    expect(sum.series[0].cpu[i]).toBeCloseTo(each.series.reduce((total, s) => total + (s.cpu[j] ?? 0), 0), 9);
  });

  it('gives bob only the namespaces he may list, and refuses him nodes in Kubernetes’ words', async () => {
    const body = await samples('kind=pods', 1, 'bob');
    const namespaces = new Set(body.series.map((s) => s.name.split('/')[0]));
    expect([...namespaces].sort()).toEqual(['team-a', 'team-b']);
    const some = await usage('kind=pods&namespaces=team-a,kube-system', 'bob');
    expect(some.series.every((s) => s.name.startsWith('team-a/'))).toBe(true);
    expect(some.errors.map((e) => e.namespace)).toEqual(['kube-system']);
    const nodes = await get('/api/clusters/demo/usage?kind=nodes', 'bob');
    expect(nodes.status).toBe(403);
    expect((await nodes.json()).error.message).toBe('nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope');
  });

  it('refuses carol, who may list nothing, rather than answering zeros', async () => {
    await samples('kind=pods', 1);
    for (const query of ['kind=pods', 'kind=pods&namespaces=team-a', 'kind=nodes']) {
      const res = await get(`/api/clusters/demo/usage?${query}`, 'carol');
      expect(res.status, query).toBe(403);
      expect((await res.json()).error.message).toMatch(/is forbidden: User "carol" cannot list resource/);
    }
  });

  it('says "not-installed" for a cluster without metrics-server, with no samples', async () => {
    const body = await until(async () => {
      const b = await usage('kind=nodes', 'alice', 'bare');
      return b.metrics.state !== 'starting' ? b : undefined;
    });
    expect(body.metrics.state).toBe('not-installed');
    expect(body.metrics.reason).toMatch(/metrics-server/);
    expect(body.times).toEqual([]);
    expect(body.series).toEqual([]);
  });
});
