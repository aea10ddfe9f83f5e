import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from '../support/kubectl';
import { startSim, type SimHarness } from '../support/sim';

let h: SimHarness;
let token: string;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  const sa = await h.kubectl(['create', 'serviceaccount', 'portal', '-n', 'team-a']);
  expect(sa.code, sa.stderr).toBe(0);
});

afterAll(async () => {
  await h?.close();
});

/** kubectl acting with a bearer token instead of the context's own credentials. */
function as(bearer: string, args: string[]) {
  return h.kubectl(['--token', bearer, ...args]);
}

function claimsOf(jwt: string): any {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

describe('kubectl create token', () => {
  it('returns a signed JWT for the service account with the Kubernetes claims and the asked lifetime', async () => {
    const r = await h.kubectl(['create', 'token', 'portal', '-n', 'team-a', '--duration=30m']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    token = r.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).alg).toBe('RS256');
    const claims = claimsOf(token);
    const sa = JSON.parse((await h.kubectl(['get', 'sa', 'portal', '-n', 'team-a', '-o', 'json'])).stdout);
    expect(claims).toMatchObject({
      sub: 'system:serviceaccount:team-a:portal',
      aud: ['https://kubernetes.default.svc.cluster.local'],
      iss: 'https://kubernetes.default.svc.cluster.local',
      'kubernetes.io': { namespace: 'team-a', serviceaccount: { name: 'portal', uid: sa.metadata.uid } },
    });
    expect(claims.exp - claims.iat).toBe(1800);
  });

  it('refuses a lifetime under ten minutes and an unknown service account', async () => {
    const short = await h.kubectl(['create', 'token', 'portal', '-n', 'team-a', '--duration=5m']);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toContain('may not specify a duration less than 10 minutes');
    const missing = await h.kubectl(['create', 'token', 'ghost', '-n', 'team-a']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('serviceaccounts "ghost" not found');
  });
});

describe('a service account token as credentials', () => {
  it('authenticates as the service account with its groups (kubectl auth whoami)', async () => {
    const r = await as(token, ['auth', 'whoami']);
    expect(r.code, r.stderr).toBe(0);
    const attrs = Object.fromEntries(tableRows(r.stdout).slice(1).map((row) => [row[0], row[1]]));
    expect(attrs.Username).toBe('system:serviceaccount:team-a:portal');
    expect(attrs.Groups).toBe('[system:serviceaccounts system:serviceaccounts:team-a system:authenticated]');
  });

  it('is authorised by RBAC: forbidden until a RoleBinding names the service account, then allowed in that namespace only', async () => {
    const before = await as(token, ['get', 'pods', '-n', 'team-a']);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toContain('pods is forbidden: User "system:serviceaccount:team-a:portal" cannot list resource "pods" in API group "" in the namespace "team-a"');
    const bind = await h.kubectl(['create', 'rolebinding', 'portal-view', '--clusterrole=view', '--serviceaccount=team-a:portal', '-n', 'team-a']);
    expect(bind.code, bind.stderr).toBe(0);
    const after = await as(token, ['get', 'pods', '-n', 'team-a']);
    expect(after.code, after.stderr).toBe(0);
    expect((await as(token, ['auth', 'can-i', 'list', 'pods', '-n', 'team-a'])).stdout.trim()).toBe('yes');
    expect((await as(token, ['auth', 'can-i', 'delete', 'pods', '-n', 'team-a'])).stdout.trim()).toBe('no');
    const elsewhere = await as(token, ['get', 'pods', '-n', 'team-b']);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain('cannot list resource "pods" in API group "" in the namespace "team-b"');
  });

  it('is refused once its service account is gone, or when it was made for another audience', async () => {
    const other = await h.api('/api/v1/namespaces/team-a/serviceaccounts/portal/token', { method: 'POST', body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'] } }) });
    expect(other.status).toBe(201);
    const vault = (await other.json()).status.token;
    const wrongAudience = await h.api('/api/v1/namespaces/team-a/pods', { user: null, headers: { Authorization: `Bearer ${vault}` } });
    expect(wrongAudience.status).toBe(401);
    expect((await h.kubectl(['delete', 'serviceaccount', 'portal', '-n', 'team-a'])).code).toBe(0);
    const gone = await h.api('/api/v1/namespaces/team-a/pods', { user: null, headers: { Authorization: `Bearer ${token}` } });
    expect(gone.status).toBe(401);
  });
});
