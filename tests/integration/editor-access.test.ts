import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';

describe('edit dry runs, access answers and kind schemas through the portal', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  let bob: CookieJar;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'demo' });
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    [alice, bob] = await Promise.all([signInAs(portal.url, 'alice'), signInAs(portal.url, 'bob')]);
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const call = (jar: CookieJar, path: string, init: { method?: string; body?: string; contentType?: string } = {}) =>
    fetch(`${portal.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { Cookie: jar.header(), 'X-Crowsnest-CSRF': '1', Origin: portal.url, ...(init.body === undefined ? {} : { 'Content-Type': init.contentType ?? 'application/yaml' }) },
      body: init.body,
    });
  const web = '/api/clusters/sim/deployments/team-a/web';
  /** The deployment as stored, read by the simulator's admin (not through the portal). */
  const stored = async () => (await (await harness.api('/apis/apps/v1/namespaces/team-a/deployments/web')).json()) as Record<string, any>;
  const edited = async (change: (o: Record<string, any>) => void) => {
    const o = await stored();
    change(o);
    return stringify(o);
  };

  describe('PUT ?dryRun=All', () => {
    it('checks an edit without storing it, and answers the object as Kubernetes would store it', async () => {
      const before = await stored();
      const res = await call(alice, `${web}?dryRun=All`, { method: 'PUT', body: await edited((o) => (o.spec.replicas = 7)) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).spec.replicas).toBe(7);
      const after = await stored();
      expect(after.spec.replicas).toBe(before.spec.replicas);
      expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    });

    it('refuses an unknown field (strict field validation), naming it, instead of dropping it', async () => {
      const res = await call(alice, `${web}?dryRun=All`, { method: 'PUT', body: await edited((o) => (o.spec.replica = 3)) });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as any;
      expect(error.message).toContain('unknown field "spec.replica"');
      // And for real: nothing stored, nothing silently dropped.
      const real = await call(alice, web, { method: 'PUT', body: await edited((o) => (o.spec.replica = 3)) });
      expect(real.status).toBe(400);
    });

    it("passes on Kubernetes' field causes for an invalid value", async () => {
      const res = await call(alice, `${web}?dryRun=All`, { method: 'PUT', body: await edited((o) => (o.spec.replicas = -1)) });
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as any;
      expect(error.reason).toBe('Invalid');
      expect(error.causes).toContainEqual(expect.objectContaining({ field: 'spec.replicas', reason: 'FieldValueInvalid' }));
      expect((await stored()).spec.replicas).not.toBe(-1);
    });

    it('refuses a value of the wrong type in Kubernetes words', async () => {
      const res = await call(alice, `${web}?dryRun=All`, { method: 'PUT', body: await edited((o) => (o.spec.replicas = 'three')) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.message).toContain('cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    });

    it('answers 409 for a stale resourceVersion, dry run or not', async () => {
      const body = await edited((o) => (o.metadata.resourceVersion = '1'));
      for (const path of [`${web}?dryRun=All`, web]) {
        const res = await call(alice, path, { method: 'PUT', body });
        expect(res.status).toBe(409);
        expect(((await res.json()) as any).error.reason).toBe('Conflict');
      }
    });

    it('refuses a dryRun value Kubernetes does not know, before anything is sent', async () => {
      const res = await call(alice, `${web}?dryRun=Yes`, { method: 'PUT', body: await edited(() => {}) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.message).toBe('dryRun: Unsupported value: "Yes": supported values: "All"');
    });

    it('refuses malformed YAML and a renamed object with 400, dry run too', async () => {
      const broken = await call(alice, `${web}?dryRun=All`, { method: 'PUT', body: 'spec: [unclosed' });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as any).error.message).toMatch(/not valid YAML/);
      const renamed = await call(alice, `${web}?dryRun=All`, { method: 'PUT', body: await edited((o) => (o.metadata.name = 'web2')) });
      expect(renamed.status).toBe(400);
      expect(((await renamed.json()) as any).error.message).toMatch(/renames the object to "web2"/);
    });

    it("refuses bob's dry run in team-b as Kubernetes would (403)", async () => {
      const o = (await (await harness.api('/apis/apps/v1/namespaces/team-b/deployments/queue-worker')).json()) as Record<string, any>;
      const res = await call(bob, '/api/clusters/sim/deployments/team-b/queue-worker?dryRun=All', { method: 'PUT', body: stringify(o) });
      expect(res.status).toBe(403);
      expect(((await res.json()) as any).error.message).toContain('User "bob" cannot update resource "deployments"');
    });

    it("applies for real and answers the new resourceVersion with Kubernetes' warnings passed on", async () => {
      const before = await stored();
      const res = await call(alice, web, { method: 'PUT', body: await edited((o) => (o.metadata.labels = { ...o.metadata.labels, reviewed: 'yes' })) });
      expect(res.status).toBe(200);
      const saved = (await res.json()) as any;
      expect(saved.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
      expect((await stored()).metadata.labels.reviewed).toBe('yes');
    });
  });

  describe('GET …/access', () => {
    const access = async (jar: CookieJar, path: string) => {
      const res = await call(jar, path);
      return { status: res.status, body: (await res.json()) as any };
    };

    it('says bob may only view in team-b, with Kubernetes-worded reasons', async () => {
      const { status, body } = await access(bob, '/api/clusters/sim/deployments/team-b/queue-worker/access');
      expect(status).toBe(200);
      expect(Object.keys(body.actions).sort()).toEqual(['delete', 'edit', 'restart', 'rollback', 'scale']);
      expect(body.actions.scale).toEqual({ allowed: false, reason: 'User "bob" cannot patch resource "deployments/scale" in API group "apps" in the namespace "team-b"' });
      // A rollback patches the Deployment's template, as the rollback route does.
      expect(body.actions.rollback).toEqual({ allowed: false, reason: 'User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "team-b"' });
      expect(body.actions.delete.allowed).toBe(false);
      expect(body.actions.edit.allowed).toBe(false);
    });

    it('says bob may act in team-a, and on pods asks for logs and exec', async () => {
      const { body } = await access(bob, '/api/clusters/sim/deployments/team-a/web/access');
      expect(body.actions).toEqual({ edit: { allowed: true }, delete: { allowed: true }, scale: { allowed: true }, restart: { allowed: true }, rollback: { allowed: true } });
      const pods = (await (await harness.api('/api/v1/namespaces/team-b/pods')).json()) as any;
      const pod = pods.items[0].metadata.name;
      const inB = await access(bob, `/api/clusters/sim/pods/team-b/${pod}/access`);
      expect(inB.body.actions.logs).toEqual({ allowed: true });
      expect(inB.body.actions.shell).toEqual({ allowed: false, reason: 'User "bob" cannot create resource "pods/exec" in API group "" in the namespace "team-b"' });
    });

    it('answers 404 for an unknown cluster or kind, and 400 for a namespaced kind without a namespace', async () => {
      expect((await access(alice, '/api/clusters/nope/deployments/team-a/web/access')).status).toBe(404);
      expect((await access(alice, '/api/clusters/sim/gizmos/team-a/web/access')).status).toBe(404);
      expect((await access(alice, '/api/clusters/sim/deployments/_/web/access')).status).toBe(400);
    });

    it('is not answered without a session', async () => {
      const res = await fetch(`${portal.url}/api/clusters/sim/deployments/team-a/web/access`);
      expect(res.status).toBe(401);
    });
  });

  describe('GET /api/clusters/{cluster}/schemas/{kind}', () => {
    it("answers the kind's OpenAPI schema and the schemas it refers to", async () => {
      const res = await call(bob, '/api/clusters/sim/schemas/deployments');
      expect(res.status).toBe(200);
      const schema = (await res.json()) as any;
      expect(schema).toMatchObject({ group: 'apps', version: 'v1', kind: 'Deployment' });
      const root = schema.schemas[schema.root];
      expect(Object.keys(root.properties)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec', 'status']));
      expect(Object.keys(schema.schemas).some((n: string) => n.endsWith('DeploymentSpec'))).toBe(true);
      expect(Object.keys(schema.schemas).some((n: string) => n.endsWith('ServiceSpec'))).toBe(false);
    });

    it('answers core kinds too, and 404 for an unknown cluster or kind', async () => {
      const pods = await call(alice, '/api/clusters/sim/schemas/pods');
      expect(pods.status).toBe(200);
      expect(((await pods.json()) as any).kind).toBe('Pod');
      expect((await call(alice, '/api/clusters/nope/schemas/pods')).status).toBe(404);
      expect((await call(alice, '/api/clusters/sim/schemas/gizmos')).status).toBe(404);
    });
  });
});
