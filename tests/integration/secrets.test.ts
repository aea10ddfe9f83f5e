import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { mintSessionCookie, signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

const NEXTAUTH_SECRET = 'a-test-secret-for-the-secrets-integration-test';
const VALUE = 'vault-key-7f3c9e-do-not-log';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('secrets through the portal', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;

  const create = (namespace: string, name: string, extra: Record<string, unknown> = {}) =>
    harness.api(`/api/v1/namespaces/${namespace}/secrets`, {
      method: 'POST',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data: { password: b64(VALUE), user: b64('app') }, ...extra }),
    });
  /** The Secret as stored, read by the simulator's admin (not through the portal). */
  const stored = async (namespace: string, name: string) => (await (await harness.api(`/api/v1/namespaces/${namespace}/secrets/${name}`)).json()) as { data: Record<string, string>; metadata: Record<string, any> };
  const portalFetch = (cookie: string, path: string, init: { method?: string; body?: string; contentType?: string } = {}) =>
    fetch(`${portal.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { Cookie: cookie, 'X-Crowsnest-CSRF': '1', Origin: portal.url, ...(init.body === undefined ? {} : { 'Content-Type': init.contentType ?? 'application/json' }) },
      body: init.body,
    });

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    await create('team-a', 'db');
    await create('team-a', 'applied', { metadata: { name: 'applied', namespace: 'team-a', annotations: { [LAST_APPLIED]: JSON.stringify({ data: { password: b64(VALUE) } }) } } });
    await create('kube-system', 'cluster-token');
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', NEXTAUTH_SECRET });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('writes an audit line naming the revealed Secret and its key, and the value appears in no log line', async () => {
    const res = await fetch(`${portal.url}/api/clusters/sim/secrets/team-a/db/reveal`, {
      method: 'POST',
      headers: { Cookie: alice.header(), 'X-Crowsnest-CSRF': '1', Origin: portal.url, 'Content-Type': 'application/json', 'X-Request-ID': 'reveal-audit-1' },
      body: JSON.stringify({ key: 'password' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ key: 'password', value: VALUE });
    const line = await until(() => portal.logs.find((l) => l.msg === 'secret value revealed' && l.requestId === 'reveal-audit-1'), { message: 'the audit line' });
    expect(line).toMatchObject({ audit: true, actor: 'alice', cluster: 'sim', kind: 'secrets', namespace: 'team-a', name: 'db', key: 'password' });
    expect(JSON.stringify(line)).not.toContain('[redacted]');
    expect(portal.output()).not.toContain(VALUE);
    expect(portal.output()).not.toContain(b64(VALUE));
  });

  it('answers 404 for a key the Secret lacks, even one every object inherits, and audits no reveal', async () => {
    const reveal = (name: string, key: string, requestId: string) =>
      fetch(`${portal.url}/api/clusters/sim/secrets/team-a/${name}/reveal`, {
        method: 'POST',
        headers: { Cookie: alice.header(), 'X-Crowsnest-CSRF': '1', Origin: portal.url, 'Content-Type': 'application/json', 'X-Request-ID': requestId },
        body: JSON.stringify({ key }),
      });
    const keys = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'missing'];
    for (const key of keys) {
      const res = await reveal('db', key, `reveal-inherited-${key}`);
      expect([key, res.status]).toEqual([key, 404]);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 404, message: `secret "db" has no key "${key}"` });
    }
    // A Secret may name a value "constructor"; that one is its own and is revealed.
    await create('team-a', 'odd-keys', { data: { constructor: b64('own value') } });
    const own = await reveal('odd-keys', 'constructor', 'reveal-own-constructor');
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({ key: 'constructor', value: 'own value' });
    // Log lines arrive in order: once the last reveal's audit line is in, none of the refused ones wrote one.
    await until(() => portal.logs.find((l) => l.msg === 'secret value revealed' && l.requestId === 'reveal-own-constructor'), { message: 'the audit line of the real reveal' });
    const falseAudits = portal.logs.filter((l) => l.msg === 'secret value revealed' && String(l.requestId).startsWith('reveal-inherited-'));
    expect(falseAudits).toEqual([]);
  });

  it('refuses to write back a Secret as read (values redacted), as YAML or JSON, and leaves the stored values alone', async () => {
    const read = await portalFetch(alice.header(), '/api/clusters/sim/secrets/team-a/db');
    expect(read.status).toBe(200);
    const redacted = (await read.json()) as { data: Record<string, string> };
    expect(Object.keys(redacted.data)).toEqual(['password', 'user']);
    for (const [contentType, body] of [
      ['application/yaml', stringify(redacted, { lineWidth: 0 })],
      ['application/json', JSON.stringify(redacted)],
    ]) {
      const res = await portalFetch(alice.header(), '/api/clusters/sim/secrets/team-a/db', { method: 'PUT', body, contentType });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: number; message: string } };
      expect(error.code).toBe(400);
      expect(error.message).toContain('data.password');
      expect(error.message).toMatch(/give every value explicitly/i);
    }
    expect((await stored('team-a', 'db')).data).toEqual({ password: b64(VALUE), user: b64('app') });
  });

  it('refuses a Secret whose last-applied annotation is still the marker, even with real values', async () => {
    const redacted = (await (await portalFetch(alice.header(), '/api/clusters/sim/secrets/team-a/applied')).json()) as { data: Record<string, string> };
    const res = await portalFetch(alice.header(), '/api/clusters/sim/secrets/team-a/applied', { method: 'PUT', body: JSON.stringify({ ...redacted, data: { password: b64('new') } }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(LAST_APPLIED);
    expect((await stored('team-a', 'applied')).data.password).toBe(b64(VALUE));
  });

  it('writes a Secret whose values are given explicitly', async () => {
    const redacted = (await (await portalFetch(alice.header(), '/api/clusters/sim/secrets/team-a/db')).json()) as Record<string, unknown>;
    const edited = { ...redacted, data: { password: b64('rotated-value') }, stringData: { user: 'app2' } };
    const res = await portalFetch(alice.header(), '/api/clusters/sim/secrets/team-a/db', { method: 'PUT', body: stringify(edited), contentType: 'application/yaml' });
    expect(res.status).toBe(200);
    const after = await stored('team-a', 'db');
    expect(after.data).toEqual({ password: b64('rotated-value'), user: b64('app2') });
  });

  it('denies a person whose group claim is "nobody,system:masters" the detail and reveal of a kube-system Secret', async () => {
    const cookie = await mintSessionCookie(NEXTAUTH_SECRET, { name: 'mallory', sid: 'comma-group-session', groups: ['nobody,system:masters'] });
    const me = await portalFetch(cookie, '/api/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ name: 'mallory', groups: ['nobody,system:masters'] });
    const detail = await portalFetch(cookie, '/api/clusters/sim/secrets/kube-system/cluster-token');
    expect(detail.status).toBe(403);
    expect(((await detail.json()) as { error: { message: string } }).error.message).toContain('User "mallory" cannot get resource "secrets"');
    const reveal = await portalFetch(cookie, '/api/clusters/sim/secrets/kube-system/cluster-token/reveal', { method: 'POST', body: JSON.stringify({ key: 'password' }) });
    expect(reveal.status).toBe(403);
    expect(portal.output()).not.toContain(VALUE);
  });
});
