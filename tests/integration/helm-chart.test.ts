/**
 * The chart helm/crowsnest, judged by real helm 4 and real kubectl against the simulated
 * cluster: strict lint and a server-side dry run of every values file in ci/, the whole
 * release lifecycle, the values schema's refusals, and the release seen through Crowsnest.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { node } from '../../sim/scenarios/builders';
import { helm } from '../fidelity/support/helm';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { signInAs } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

const CHART = new URL('../../helm/crowsnest', import.meta.url).pathname;
const README = new URL('../../README.md', import.meta.url).pathname;
const VALUES_FILES = readdirSync(`${CHART}/ci`).filter((f) => f.endsWith('-values.yaml'));
const NS = 'crowsnest';
const RELEASE = 'crow';
const INSTANCE = `app.kubernetes.io/instance=${RELEASE}`;

let h: SimHarness;

async function ok(args: string[], timeoutMs?: number): Promise<string> {
  const r = await helm(h, args, timeoutMs);
  expect(r.code, `helm ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function json(args: string[]): Promise<any> {
  const r = await h.kubectl([...args, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const manifests = (text: string): any[] => parseAllDocuments(text).map((d) => d.toJSON()).filter(Boolean);
const find = (rendered: any[], kind: string, name: string): any => rendered.find((m) => m.kind === kind && m.metadata.name === name);
const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

/** Secrets' data (base64, as stored) by name, from a rendering or a `kubectl get secrets` list. */
const secretData = (objects: any[]): Record<string, Record<string, string>> =>
  Object.fromEntries(objects.filter((m) => m.kind === 'Secret').map((m) => [m.metadata.name, m.data ?? {}]));

/**
 * A container's environment and args as the kubelet makes them: each secretKeyRef read from
 * `secrets`, and $(NAME) in a variable's value or in args replaced by a variable defined before.
 */
function asStarted(container: any, secrets: Record<string, Record<string, string>>): { env: Record<string, string>; args: string[] } {
  const env: Record<string, string> = {};
  const expand = (text: string) => text.replace(/\$\((\w+)\)/g, (reference, name: string) => env[name] ?? reference);
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const value = secrets[ref.name]?.[ref.key];
      expect(value, `${variable.name}: key ${ref.key} of Secret ${ref.name}`).toBeDefined();
      env[variable.name] = decode(value!);
    } else env[variable.name] = expand(variable.value ?? '');
  }
  return { env, args: (container.args ?? []).map(expand) };
}

/** Whether a label selector's matchLabels select a pod with these labels. */
const selects = (selector: { matchLabels: Record<string, string> }, labels: Record<string, string>) =>
  Object.entries(selector.matchLabels).every(([key, value]) => labels[key] === value);

/** The password the bundled Redis starts with (after --requirepass) and the REDIS_URL the portal starts with. */
function redisPasswords(rendered: any[], secrets: Record<string, Record<string, string>>): { required: string; url: URL } {
  const redis = asStarted(find(rendered, 'StatefulSet', `${RELEASE}-crowsnest-redis`).spec.template.spec.containers[0], secrets);
  const portal = asStarted(find(rendered, 'Deployment', `${RELEASE}-crowsnest`).spec.template.spec.containers[0], secrets);
  const flag = redis.args.indexOf('--requirepass');
  expect(flag, `redis args ${redis.args.join(' ')}`).toBeGreaterThanOrEqual(0);
  return { required: redis.args[flag + 1], url: new URL(portal.env.REDIS_URL) };
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  h.sim.store.create('/nodes', node('node-a', 0));
  h.sim.store.create('/nodes', node('node-b', 1));
  expect((await h.kubectl(['create', 'namespace', NS])).code).toBe(0);
  // The Prometheus Operator's ServiceMonitor kind, for the values file that turns the chart's on.
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'servicemonitors.monitoring.coreos.com' },
    spec: {
      group: 'monitoring.coreos.com',
      scope: 'Namespaced',
      names: { plural: 'servicemonitors', singular: 'servicemonitor', kind: 'ServiceMonitor', listKind: 'ServiceMonitorList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
  const created = await h.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(crd) });
  expect(created.code, created.stderr).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

describe('the chart, rendered', () => {
  it.each(VALUES_FILES)('passes strict lint and a server-side dry run with ci/%s', async (file) => {
    await ok(['lint', '--strict', CHART, '-f', `${CHART}/ci/${file}`]);
    const rendered = await ok(['template', RELEASE, CHART, '-n', NS, '-f', `${CHART}/ci/${file}`]);
    const applied = await h.kubectl(['apply', '--dry-run=server', '-n', NS, '-f', '-'], { stdin: rendered });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`deployment.apps/${RELEASE}-crowsnest created (server dry run)`);
  });

  it('sets every variable the README lists from a value', async () => {
    const rendered = manifests(await ok(['template', RELEASE, CHART, '-n', NS, '-f', `${CHART}/ci/external-redis-values.yaml`, '--set', 'kubeconfig.existingSecret=clusters', '--set', 'auth.url=https://crowsnest.example.com']));
    const deployment = rendered.find((m) => m.kind === 'Deployment' && m.metadata.name === `${RELEASE}-crowsnest`);
    const env = new Set<string>(deployment.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name));
    const table = (await import('node:fs')).readFileSync(README, 'utf8').split('## Configuration')[1].split('\n## ')[0];
    const listed = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((v) => v[1]));
    expect(listed.length).toBeGreaterThan(40);
    // The one exception: where the pod's service account is mounted is Kubernetes' fixed path.
    const missing = listed.filter((name) => !env.has(name) && name !== 'CROWSNEST_SERVICE_ACCOUNT_DIR');
    expect(missing).toEqual([]);
  });

  it('makes the bundled Redis require a password, generated once into the chart\'s Secret or from yours, and gives it to the portal in REDIS_URL', async () => {
    const generated = manifests(await ok(['template', RELEASE, CHART, '-n', NS]));
    const kept = find(generated, 'Secret', `${RELEASE}-crowsnest`).data;
    expect(kept, 'the chart\'s Secret').toHaveProperty('redis-password');
    const password = decode(kept['redis-password']);
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    const { required, url } = redisPasswords(generated, secretData(generated));
    expect(required).toBe(password);
    expect(url.href).toBe(`redis://:${password}@${RELEASE}-crowsnest-redis:6379`);
    expect(url.password).toBe(password);

    const own = manifests(await ok(['template', RELEASE, CHART, '-n', NS, '-f', `${CHART}/ci/bundled-redis-persistent-values.yaml`]));
    expect(find(own, 'Secret', `${RELEASE}-crowsnest`).data['redis-password']).toBeUndefined();
    const theirs = { ...secretData(own), 'crowsnest-redis-password': { 'redis-password': Buffer.from('Their-own.password_1~').toString('base64') } };
    const fromTheirs = redisPasswords(own, theirs);
    expect(fromTheirs.required).toBe('Their-own.password_1~');
    expect(fromTheirs.url.password).toBe('Their-own.password_1~');
  });

  it('lets only the portal\'s pods reach the bundled Redis when networkPolicy is on, as the API server accepts', async () => {
    const text = await ok(['template', RELEASE, CHART, '-n', NS, '-f', `${CHART}/ci/networkpolicy-values.yaml`]);
    const rendered = manifests(text);
    const portalPod = find(rendered, 'Deployment', `${RELEASE}-crowsnest`).spec.template.metadata.labels;
    const redisPod = find(rendered, 'StatefulSet', `${RELEASE}-crowsnest-redis`).spec.template.metadata.labels;
    const policy = find(rendered, 'NetworkPolicy', `${RELEASE}-crowsnest-redis`);
    expect(policy, 'a NetworkPolicy for the bundled Redis').toBeDefined();
    expect(selects(policy.spec.podSelector, redisPod)).toBe(true);
    expect(selects(policy.spec.podSelector, portalPod)).toBe(false);
    // Both directions are policed, and no egress rule: the Redis reaches nothing.
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.egress ?? []).toEqual([]);
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(rule.ports).toEqual([{ port: 6379, protocol: 'TCP' }]);
    expect(rule.from).toHaveLength(1);
    // A pod selector alone: pods of the release's namespace only, and of those only the portal's.
    expect(Object.keys(rule.from[0])).toEqual(['podSelector']);
    expect(selects(rule.from[0].podSelector, portalPod)).toBe(true);
    expect(selects(rule.from[0].podSelector, redisPod)).toBe(false);

    const applied = await h.kubectl(['apply', '--dry-run=server', '-n', NS, '-f', '-'], { stdin: text });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`networkpolicy.networking.k8s.io/${RELEASE}-crowsnest-redis created (server dry run)`);
    expect(applied.stdout).toContain(`networkpolicy.networking.k8s.io/${RELEASE}-crowsnest created (server dry run)`);

    // No bundled Redis, no policy for it.
    const external = manifests(await ok(['template', RELEASE, CHART, '-n', NS, '-f', `${CHART}/ci/networkpolicy-values.yaml`, '--set', 'redis.url=redis://redis.shared.svc:6379']));
    expect(external.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name)).toEqual([`${RELEASE}-crowsnest`]);
  });

  it('takes every secret from Secrets of your own when named, and renders no Secret, ServiceAccount or ClusterRole when told not to', async () => {
    const rendered = manifests(await ok(['template', RELEASE, CHART, '-n', NS, '-f', `${CHART}/ci/existing-secrets-values.yaml`]));
    const pod = find(rendered, 'Deployment', `${RELEASE}-crowsnest`).spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e: { name: string }) => [e.name, e]));
    expect(env.NEXTAUTH_SECRET.valueFrom).toEqual({ secretKeyRef: { name: 'crowsnest-session', key: 'nextauth-secret' } });
    expect(env.OIDC_CLIENT_SECRET.valueFrom).toEqual({ secretKeyRef: { name: 'crowsnest-oidc', key: 'oidc-client-secret' } });
    expect(env.REDIS_URL.valueFrom).toEqual({ secretKeyRef: { name: 'crowsnest-redis', key: 'redis-url' } });
    expect(env.REDIS_PASSWORD).toBeUndefined();
    expect(env.KUBECONFIG.value).toBe('/etc/crowsnest/kubeconfig/kubeconfig');
    expect(pod.volumes.find((v: { name: string }) => v.name === 'kubeconfig')).toEqual({ name: 'kubeconfig', secret: { secretName: 'crowsnest-clusters' } });
    expect(pod.serviceAccountName).toBe('crowsnest-portal');
    // The portal, its Service and its disruption budget; nothing the installer said they provide.
    expect(rendered.map((m) => m.kind).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
  });

  it('adds the rules rbac.customResources names to the ClusterRole, with watch while custom streams are on', async () => {
    const rules = async (...set: string[]) =>
      find(manifests(await ok(['template', RELEASE, CHART, '-n', NS, '-f', `${CHART}/ci/custom-resources-values.yaml`, ...set])), 'ClusterRole', `${RELEASE}-crowsnest`).rules;
    const watched = await rules();
    expect(watched).toContainEqual({ apiGroups: ['cert-manager.io'], resources: ['certificates', 'issuers'], verbs: ['list', 'watch'] });
    expect(watched).toContainEqual({ apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['list', 'watch'] });
    const polled = await rules('--set', 'watchStreams.kinds={all,-custom}');
    expect(polled).toContainEqual({ apiGroups: ['cert-manager.io'], resources: ['certificates', 'issuers'], verbs: ['list'] });
    expect(polled).toContainEqual({ apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['list'] });
  });

  it('prints the ingress URL and the callback to register in NOTES when the ingress and OIDC are set', async () => {
    const out = await ok(['install', RELEASE, CHART, '-n', NS, '--dry-run=client', '-f', `${CHART}/ci/ingress-tls-values.yaml`]);
    expect(out).toContain('NOTES:');
    const notes = out.split('NOTES:')[1];
    expect(notes).toContain('1. Open the portal:\n     https://crowsnest.example.com\n');
    expect(notes).toContain('register this callback URL with your OIDC provider (client crowsnest):\n     https://crowsnest.example.com/api/auth/callback/oidc\n');
    expect(notes).not.toContain('port-forward');
    expect(notes).not.toContain('nobody can sign in yet');
    expect(notes).toContain('impersonate any user and group: guard it as you would cluster-admin');
  });

  it('grants the portal list and watch, impersonation and access reviews, and nothing that writes', async () => {
    const rendered = manifests(await ok(['template', RELEASE, CHART, '-n', NS, '--set', 'watchStreams.kinds={all,-events}']));
    const role = rendered.find((m) => m.kind === 'ClusterRole');
    const verbs = new Set(role.rules.flatMap((r: { verbs: string[] }) => r.verbs));
    expect([...verbs].sort()).toEqual(['create', 'impersonate', 'list', 'watch']);
    expect(role.rules.filter((r: any) => r.verbs.includes('create'))).toEqual([{ apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] }]);
    expect(role.rules.find((r: any) => r.resources.includes('events'))).toMatchObject({ verbs: ['list'] });
    expect(role.rules.find((r: any) => r.resources.includes('pods') && r.apiGroups[0] === '')).toMatchObject({ verbs: ['list', 'watch'] });
  });
});

describe('the values schema', () => {
  it('refuses a misspelled kind in the watch streams, naming it', async () => {
    const r = await helm(h, ['install', 'bad', CHART, '-n', NS, '--set', 'watchStreams.kinds={banana,pods}']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("at '/watchStreams/kinds/0': 'banana' does not match pattern");
  });

  it('refuses an unknown top-level key and a wrong type, naming them', async () => {
    const unknown = await helm(h, ['install', 'bad', CHART, '-n', NS, '--set', 'replicas=3']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("additional properties 'replicas' not allowed");
    const wrongType = await helm(h, ['install', 'bad', CHART, '-n', NS, '--set-string', 'drainSeconds=soon']);
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toMatch(/at '\/drainSeconds': got string, want integer/);
    expect((await h.kubectl(['get', 'secrets', '-n', NS, '-l', 'name=bad', '-o', 'name'])).stdout).toBe('');
  });
});

describe('the release lifecycle in the simulated cluster', () => {
  let nextauthSecret = '';
  let redisPassword = '';
  const deployment = () => json(['get', 'deployment', `${RELEASE}-crowsnest`, '-n', NS]);
  /** The bundled Redis's password as its pod and the portal's pods would start with it, from what is in the cluster now. */
  const startedRedisPassword = async () => {
    const inCluster = [await deployment(), await json(['get', 'statefulset', `${RELEASE}-crowsnest-redis`, '-n', NS])];
    const secrets = secretData((await json(['get', 'secrets', '-n', NS])).items.map((s: any) => ({ ...s, kind: 'Secret' })));
    const { required, url } = redisPasswords(inCluster, secrets);
    expect(url.password).toBe(required);
    expect(decode(secrets[`${RELEASE}-crowsnest`]['redis-password'])).toBe(required);
    return required;
  };

  it('installs with --wait: the portal and its Redis roll out, and NOTES say what to do next', async () => {
    const out = await ok(['install', RELEASE, CHART, '-n', NS, '--wait', '--timeout', '3m'], 200_000);
    expect(out).toContain('STATUS: deployed');
    expect(out).toContain(`kubectl -n ${NS} port-forward svc/${RELEASE}-crowsnest 8080:80`);
    expect(out).toContain('auth.oidc.issuer and auth.oidc.clientId are not set');
    const d = await deployment();
    expect(d.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2 });
    expect((await json(['get', 'statefulset', `${RELEASE}-crowsnest-redis`, '-n', NS])).status.readyReplicas).toBe(1);
    const pod = d.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(25);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    nextauthSecret = (await json(['get', 'secret', `${RELEASE}-crowsnest`, '-n', NS])).data['nextauth-secret'];
    expect(Buffer.from(nextauthSecret, 'base64').length).toBeGreaterThanOrEqual(32);
    redisPassword = await startedRedisPassword();
    expect(redisPassword).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('upgrades to three replicas, keeping the generated session secret and Redis password', async () => {
    await ok(['upgrade', RELEASE, CHART, '-n', NS, '--reuse-values', '--set', 'replicaCount=3', '--wait', '--timeout', '3m'], 200_000);
    await until(async () => (await deployment()).status.readyReplicas === 3, { message: 'three ready replicas' });
    expect((await json(['get', 'secret', `${RELEASE}-crowsnest`, '-n', NS])).data['nextauth-secret']).toBe(nextauthSecret);
    expect(await startedRedisPassword()).toBe(redisPassword);
  });

  it('rolls back to two replicas', async () => {
    await ok(['rollback', RELEASE, '1', '-n', NS, '--wait', '--timeout', '3m'], 200_000);
    await until(async () => {
      const d = await deployment();
      return d.spec.replicas === 2 && d.status.readyReplicas === 2 && d.status.replicas === 2;
    }, { message: 'back to two ready replicas', timeoutMs: 60_000 });
    const history = JSON.parse(await ok(['history', RELEASE, '-n', NS, '-o', 'json'])).map((r: any) => [r.revision, r.status]);
    expect(history).toEqual([[1, 'superseded'], [2, 'superseded'], [3, 'deployed']]);
  });

  describe('seen through Crowsnest', () => {
    let portal: Portal;
    beforeAll(async () => {
      const { path } = await portalKubeconfig(h);
      portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    });
    afterAll(async () => {
      await portal?.stop('SIGKILL');
    });

    it('shows the release’s Deployment and pods, and its release Secret redacted', async () => {
      const alice = await signInAs(portal.url, 'alice');
      const get = async (path: string) => {
        const res = await fetch(`${portal.url}${path}`, { headers: { Cookie: alice.header() } });
        expect(res.status, path).toBe(200);
        return (await res.json()) as any;
      };
      const names = async (kind: string) => (await get(`/api/clusters/sim/${kind}?namespaces=${NS}`)).items.map((row: any) => row.name) as string[];
      await until(async () => (await names('deployments')).includes(`${RELEASE}-crowsnest`), { message: 'the Deployment listed' });
      const pods = await until(async () => {
        const list = (await names('pods')).filter((name) => name.startsWith(`${RELEASE}-crowsnest-`));
        return list.length >= 3 ? list : undefined;
      }, { message: 'the portal and Redis pods listed' });
      expect(pods).toContain(`${RELEASE}-crowsnest-redis-0`);

      const secretName = `sh.helm.release.v1.${RELEASE}.v3`;
      const stored = await json(['get', 'secret', secretName, '-n', NS]);
      const shown = await get(`/api/clusters/sim/secrets/${NS}/${secretName}`);
      expect(shown.type).toBe('helm.sh/release.v1');
      expect(Object.keys(shown.data)).toEqual(['release']);
      expect(shown.data.release).not.toBe(stored.data.release);
      expect(JSON.stringify(shown)).not.toContain(stored.data.release.slice(0, 64));
    });
  });

  it('uninstalls leaving nothing behind', async () => {
    await ok(['uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '2m'], 150_000);
    await until(async () => (await json(['get', 'all,secrets,serviceaccounts,pdb,pvc', '-n', NS, '-l', INSTANCE])).items.length === 0, { message: 'every labelled object gone', timeoutMs: 60_000 });
    await until(async () => (await json(['get', 'secrets', '-n', NS])).items.every((s: any) => !s.metadata.name.startsWith('sh.helm.release')), { message: 'the release records gone' });
    const roles = await json(['get', 'clusterroles,clusterrolebindings', '-l', INSTANCE]);
    expect(roles.items).toEqual([]);
  });
});
