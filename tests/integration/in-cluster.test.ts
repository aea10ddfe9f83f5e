/**
 * The portal running in a pod as the chart's ServiceAccount, with exactly the ClusterRole
 * the chart grants (rendered by real helm, applied by real kubectl): the API server's
 * address from KUBERNETES_SERVICE_HOST/PORT, a token from `kubectl create token` and the
 * CA bundle as the kubelet would mount them. Alice, bob and carol then get what
 * Kubernetes allows each of them: streams, detail reads, logs and shells.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary } from '../../lib/clusters';
import type { ErrorEvent, ExitEvent, LinesEvent } from '../../lib/sockets/protocol';
import { helm } from '../fidelity/support/helm';
import { startPortal, type Portal } from '../support/portal';
import { aPod } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

const CHART = new URL('../../helm/crowsnest', import.meta.url).pathname;
const NAMESPACE = 'crowsnest';
const RELEASE = 'crowsnest';
const CLUSTER = 'in-cluster';

describe('in a pod, as the chart’s service account', () => {
  let harness: SimHarness;
  let portal: Portal;
  let serviceAccountDir: string;
  const jars: Record<string, CookieJar> = {};
  const sockets: Socket[] = [];

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    for (const [ns, name] of [['team-a', 'web-1'], ['team-b', 'api-1']]) {
      expect((await harness.api(`/api/v1/namespaces/${ns}/pods`, { method: 'POST', body: JSON.stringify(aPod(ns, name)) })).status).toBe(201);
    }
    expect((await harness.kubectl(['create', 'namespace', NAMESPACE])).code).toBe(0);
    // Only the chart's identity: its ServiceAccount, ClusterRole and binding, as `helm template` renders them.
    const rendered = await helm(harness, ['template', RELEASE, CHART, '-n', NAMESPACE, '--show-only', 'templates/serviceaccount.yaml', '--show-only', 'templates/clusterrole.yaml']);
    expect(rendered.code, rendered.stderr).toBe(0);
    const applied = await harness.kubectl(['apply', '-f', '-'], { stdin: rendered.stdout });
    expect(applied.code, applied.stderr).toBe(0);
    const token = await harness.kubectl(['create', 'token', RELEASE, '-n', NAMESPACE, '--duration=1h']);
    expect(token.code, token.stderr).toBe(0);

    // What the kubelet mounts at /var/run/secrets/kubernetes.io/serviceaccount.
    serviceAccountDir = await mkdtemp(join(tmpdir(), 'crowsnest-sa-'));
    await writeFile(join(serviceAccountDir, 'token'), token.stdout.trim());
    await writeFile(join(serviceAccountDir, 'ca.crt'), harness.sim.caCert);
    await writeFile(join(serviceAccountDir, 'namespace'), NAMESPACE);

    portal = await startPortal({
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(harness.sim.port),
      CROWSNEST_SERVICE_ACCOUNT_DIR: serviceAccountDir,
      // No kubeconfig anywhere: in-cluster is detected, not asked for.
      KUBECONFIG: undefined,
      CROWSNEST_DEMO: undefined,
      HOME: serviceAccountDir,
      CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    });
    for (const user of ['alice', 'bob', 'carol']) jars[user] = await signInAs(portal.url, user);
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
    if (serviceAccountDir) await rm(serviceAccountDir, { recursive: true, force: true });
  });

  const get = (user: string, path: string) => fetch(`${portal.url}${path}`, { headers: { Cookie: jars[user].header() } });

  const connect = async (user: string, namespace: '/logs' | '/shell'): Promise<Socket> => {
    const socket = io(`${portal.url}${namespace}`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: jars[user].header(), Origin: portal.url }, reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };

  it('serves the cluster it runs in, and tells each person their access there', async () => {
    const summaries = async (user: string) => (await (await get(user, '/api/clusters')).json()) as ClusterSummary[];
    const alice = await summaries('alice');
    expect(alice).toHaveLength(1);
    expect(alice[0]).toMatchObject({ name: CLUSTER, server: `https://127.0.0.1:${harness.sim.port}`, status: 'reachable' });
    expect(alice[0].error).toBeUndefined();
    expect(alice[0].access).toEqual({ scope: 'cluster' });
    expect((await summaries('bob'))[0].access).toEqual({ scope: 'namespaces', namespaces: ['team-a', 'team-b'] });
    expect((await summaries('carol'))[0].access).toEqual({ scope: 'none' });
  });

  it('streams the shared cache to each person filtered by their access reviews', async () => {
    const open = (user: string) => SseClient.open(`${portal.url}/api/clusters/${CLUSTER}/pods/watch`, { Cookie: jars[user].header() });
    const [alice, bob, carol] = await Promise.all([open('alice'), open('bob'), open('carol')]);
    try {
      await alice.waitFor((c) => c.names('pods').length === 2, 'alice’s snapshot');
      expect(alice.names('pods')).toEqual(['team-a/web-1', 'team-b/api-1']);
      await bob.waitFor((c) => c.names('pods').length === 2, 'bob’s snapshot');
      expect(bob.names('pods')).toEqual(['team-a/web-1', 'team-b/api-1']);
      // A pod appearing where bob may not look reaches alice and not bob.
      expect((await harness.api('/api/v1/namespaces/kube-system/pods', { method: 'POST', body: JSON.stringify(aPod('kube-system', 'dns-1')) })).status).toBe(201);
      await alice.waitFor((c) => c.names('pods').includes('kube-system/dns-1'), 'alice to see the new pod');
      expect(bob.names('pods')).not.toContain('kube-system/dns-1');
      // carol may list pods nowhere: she gets no rows, and a 403 for the cluster.
      await carol.waitFor((c) => c.ended || c.of('error').length > 0 || c.status !== 200, 'carol refused');
      expect(carol.names('pods')).toEqual([]);
      expect([...carol.of('error'), ...carol.of('http-error')].length).toBeGreaterThan(0);
    } finally {
      await Promise.all([alice.close(), bob.close(), carol.close()]);
    }
  });

  it('reads details as the person: bob in his namespaces, carol nowhere', async () => {
    const detail = (user: string, ns: string, name: string) => get(user, `/api/clusters/${CLUSTER}/pods/${ns}/${name}`);
    const aliceRead = await detail('alice', 'team-a', 'web-1');
    expect(aliceRead.status).toBe(200);
    expect(((await aliceRead.json()) as any).metadata.name).toBe('web-1');
    expect((await detail('bob', 'team-b', 'api-1')).status).toBe(200);
    const carolRead = await detail('carol', 'team-a', 'web-1');
    expect(carolRead.status).toBe(403);
    expect(((await carolRead.json()) as any).error.message).toContain('User "carol" cannot get resource "pods"');
  });

  it('follows logs as the person', async () => {
    const lines: Record<string, string[]> = {};
    const errors: ErrorEvent[] = [];
    const [bob, carol] = await Promise.all([connect('bob', '/logs'), connect('carol', '/logs')]);
    for (const socket of [bob, carol]) {
      socket.on('lines', (e: LinesEvent) => (lines[e.id] = [...(lines[e.id] ?? []), ...e.lines]));
      socket.on('error', (e: ErrorEvent) => errors.push(e));
    }
    const target = { cluster: CLUSTER, namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 5 };
    bob.emit('subscribe', { id: 'b', ...target });
    carol.emit('subscribe', { id: 'c', ...target });
    await until(() => (lines.b?.length ?? 0) >= 1, { message: 'bob’s log lines' });
    const refusal = await until(() => errors.find((e) => e.id === 'c'), { message: 'carol refused' });
    expect(refusal.code).toBe(403);
    expect(refusal.message).toMatch(/carol.*pods\/log/);
    expect(lines.c).toBeUndefined();
  });

  it('opens a shell as the person: bob where he may edit, not where he may only view', async () => {
    const bob = await connect('bob', '/shell');
    const output: string[] = [];
    let exit: ExitEvent | undefined;
    const errors: ErrorEvent[] = [];
    bob.on('output', (data: ArrayBuffer) => output.push(Buffer.from(data).toString('utf8')));
    bob.on('exit', (e: ExitEvent) => (exit = e));
    bob.on('error', (e: ErrorEvent) => errors.push(e));
    bob.emit('open', { cluster: CLUSTER, namespace: 'team-a', pod: 'web-1', container: 'main', cols: 80, rows: 24, command: 'echo in-cluster-shell' });
    await until(() => exit, { message: 'the command to finish' });
    expect(exit!.code).toBe(0);
    expect(output.join('')).toContain('in-cluster-shell');

    bob.emit('open', { cluster: CLUSTER, namespace: 'team-b', pod: 'api-1', container: 'main', cols: 80, rows: 24 });
    const refusal = await until(() => errors[0], { message: 'the refusal in team-b' });
    expect(refusal.code).toBe(403);
    expect(refusal.message).toMatch(/User "bob" cannot (create|get) resource "pods\/exec"/);
  });

  /** Replaces the chart's ClusterRole with its rules less the one granting `verb` on `resource`; returns a restore. */
  const withoutRule = async (resource: string, verb: string): Promise<() => Promise<void>> => {
    const got = await harness.kubectl(['get', 'clusterrole', RELEASE, '-o', 'json']);
    expect(got.code, got.stderr).toBe(0);
    const original = JSON.parse(got.stdout) as { rules: { resources?: string[]; verbs: string[] }[] };
    const rules = original.rules.filter((r) => !(r.resources?.includes(resource) && r.verbs.includes(verb)));
    expect(rules.length).toBe(original.rules.length - 1);
    const replace = async (body: unknown) => {
      const done = await harness.kubectl(['replace', '-f', '-'], { stdin: JSON.stringify(body) });
      expect(done.code, done.stderr).toBe(0);
    };
    await replace({ ...original, rules, metadata: { name: RELEASE } });
    return () => replace({ ...original, metadata: { name: RELEASE } });
  };

  it('needs the chart’s impersonate rule: without it every read as a person is refused', async () => {
    const read = () => get('bob', `/api/clusters/${CLUSTER}/pods/team-a/web-1`);
    expect((await read()).status).toBe(200);
    const restore = await withoutRule('users', 'impersonate');
    try {
      const refused = await until(async () => {
        const r = await read();
        return r.status === 403 ? ((await r.json()) as any).error.message as string : undefined;
      }, { message: 'bob’s read refused once the portal may not impersonate' });
      expect(refused).toMatch(/cannot impersonate/);
    } finally {
      await restore();
    }
    await until(async () => (await read()).status === 200, { message: 'bob’s read served again' });
  });

  it('needs the chart’s subjectaccessreviews rule: without it nobody’s access can be told', async () => {
    const bobAccess = async () => ((await (await get('bob', '/api/clusters')).json()) as ClusterSummary[])[0];
    expect((await bobAccess()).access).toEqual({ scope: 'namespaces', namespaces: ['team-a', 'team-b'] });
    const restore = await withoutRule('subjectaccessreviews', 'create');
    try {
      const summary = await until(async () => {
        const s = await bobAccess();
        return s.access?.scope === 'namespaces' ? undefined : s;
      }, { message: 'bob’s access no longer known once the portal may not ask' });
      expect(JSON.stringify(summary)).toMatch(/subjectaccessreviews/);
    } finally {
      await restore();
    }
    await until(async () => (await bobAccess()).access?.scope === 'namespaces', { message: 'bob’s access known again' });
  });
});
