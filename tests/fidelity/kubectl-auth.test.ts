import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableRows } from '../support/kubectl';
import { startSim, type SimHarness } from '../support/sim';

let h: SimHarness;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
});

afterAll(async () => {
  await h?.close();
});

/**
 * A discovery cache filled by admin. kubectl run with an identity that may not read
 * discovery (a refused impersonation, a bad token) then goes straight to the request and
 * prints the server's own message, as it does against a real cluster with a warm
 * ~/.kube/cache. (A later --cache-dir overrides the harness's fresh one.)
 */
async function warmCache(): Promise<string> {
  const cache = `${h.dir}/warm-cache`;
  const r = await h.kubectl(['api-resources', '--cache-dir', cache]);
  expect(r.code).toBe(0);
  return cache;
}

/** `kubectl auth whoami` output as {ATTRIBUTE: VALUE}. */
function attributes(stdout: string): Record<string, string> {
  return Object.fromEntries(tableRows(stdout).slice(1).map(([k, v]) => [k, v]));
}

describe('kubectl auth whoami', () => {
  it('names admin and its groups', async () => {
    const r = await h.kubectl(['auth', 'whoami']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(tableRows(r.stdout)[0]).toEqual(['ATTRIBUTE', 'VALUE']);
    expect(attributes(r.stdout)).toEqual({ Username: 'admin', Groups: '[system:masters system:authenticated]' });
  });

  it('names bob', async () => {
    const r = await h.kubectl(['auth', 'whoami', '-o', 'json'], { user: 'bob' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      status: { userInfo: { username: 'bob', groups: ['team-a', 'system:authenticated'] } },
    });
  });

  it('shows the impersonated identity with --as and --as-group', async () => {
    const r = await h.kubectl(['auth', 'whoami', '--as', 'bob', '--as-group', 'team-a']);
    expect(r.code).toBe(0);
    expect(attributes(r.stdout)).toEqual({ Username: 'bob', Groups: '[team-a system:authenticated]' });
  });
});

describe('kubectl auth whoami with several impersonation headers', () => {
  it('keeps repeated --as-group values apart and carries --as-uid', async () => {
    const r = await h.kubectl(['auth', 'whoami', '--as', 'bob', '--as-group', 'team-a', '--as-group', 'team-b', '--as-uid', '42'], { user: 'alice' });
    expect(r.code).toBe(0);
    expect(attributes(r.stdout)).toEqual({ Username: 'bob', UID: '42', Groups: '[team-a team-b system:authenticated]' });
  });

  it('keeps a group name with a comma as one group, which grants nothing', async () => {
    const whoami = await h.kubectl(['auth', 'whoami', '-o', 'json', '--as', 'someone', '--as-group', 'nobody,system:masters']);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout).status.userInfo).toEqual({ username: 'someone', groups: ['nobody,system:masters', 'system:authenticated'] });
    const created = await h.kubectl(['create', 'secret', 'generic', 'comma-probe', '-n', 'kube-system', '--from-literal=token=s3cret']);
    expect(created.code).toBe(0);
    const read = await h.kubectl(['get', 'secret', 'comma-probe', '-n', 'kube-system', '--as', 'someone', '--as-group', 'nobody,system:masters']);
    expect(read.code).toBe(1);
    expect(read.stderr).toContain('secrets "comma-probe" is forbidden: User "someone" cannot get resource "secrets" in API group "" in the namespace "kube-system"');
  });
});

describe('kubectl auth can-i', () => {
  it('says yes (exit 0) when RBAC allows', async () => {
    const r = await h.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'team-a'], { user: 'bob' });
    expect([r.code, r.stdout.trim()]).toEqual([0, 'yes']);
    const create = await h.kubectl(['auth', 'can-i', 'create', 'deployments.apps', '-n', 'team-a'], { user: 'bob' });
    expect([create.code, create.stdout.trim()]).toEqual([0, 'yes']);
  });

  it('says no (exit 1) when it does not', async () => {
    const r = await h.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'kube-system'], { user: 'bob' });
    expect([r.code, r.stdout.trim()]).toEqual([1, 'no']);
    const write = await h.kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'team-b'], { user: 'bob' });
    expect([write.code, write.stdout.trim()]).toEqual([1, 'no']);
    const secrets = await h.kubectl(['auth', 'can-i', 'get', 'secrets', '-n', 'team-b'], { user: 'bob' });
    expect([secrets.code, secrets.stdout.trim()]).toEqual([1, 'no']);
    const carol = await h.kubectl(['auth', 'can-i', 'list', 'pods', '-A'], { user: 'carol' });
    expect([carol.code, carol.stdout.trim()]).toEqual([1, 'no']);
  });

  it('answers "can I do anything" for the cluster admins only', async () => {
    for (const user of ['admin', 'alice'] as const) {
      const r = await h.kubectl(['auth', 'can-i', '*', '*', '-A'], { user });
      expect([user, r.code, r.stdout.trim()]).toEqual([user, 0, 'yes']);
    }
    const bob = await h.kubectl(['auth', 'can-i', '*', '*', '-n', 'team-a'], { user: 'bob' });
    expect([bob.code, bob.stdout.trim()]).toEqual([1, 'no']);
  });

  it('checks subresources and non-resource URLs', async () => {
    const exec = await h.kubectl(['auth', 'can-i', 'create', 'pods', '--subresource=exec', '-n', 'team-a'], { user: 'bob' });
    expect([exec.code, exec.stdout.trim()]).toEqual([0, 'yes']);
    const execB = await h.kubectl(['auth', 'can-i', 'create', 'pods', '--subresource=exec', '-n', 'team-b'], { user: 'bob' });
    expect([execB.code, execB.stdout.trim()]).toEqual([1, 'no']);
    const version = await h.kubectl(['auth', 'can-i', 'get', '/version'], { user: 'carol' });
    expect([version.code, version.stdout.trim()]).toEqual([0, 'yes']);
    const metrics = await h.kubectl(['auth', 'can-i', 'get', '/metrics'], { user: 'carol' });
    expect([metrics.code, metrics.stdout.trim()]).toEqual([1, 'no']);
  });

  it('lists bob\'s rules in team-a with --list', async () => {
    const r = await h.kubectl(['auth', 'can-i', '--list', '-n', 'team-a'], { user: 'bob' });
    expect(r.code).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows[0]).toEqual(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
    const verbsOf = (resource: string) => rows.find((row) => row[0] === resource)?.at(-1);
    expect(verbsOf('pods')).toBe('[create delete deletecollection patch update get list watch]');
    expect(verbsOf('deployments.apps')).toBe('[create delete deletecollection patch update get list watch]');
    expect(verbsOf('selfsubjectaccessreviews.authorization.k8s.io')).toBe('[create]');
    // Non-resource rows start with an empty Resources cell.
    expect(r.stdout).toMatch(/^\s+\[\/apis\/\*\]\s+\[\]\s+\[get\]$/m);
  });

  it('lists only read verbs for bob in team-b and no secrets', async () => {
    const r = await h.kubectl(['auth', 'can-i', '--list', '-n', 'team-b'], { user: 'bob' });
    const rows = tableRows(r.stdout);
    expect(rows.find((row) => row[0] === 'pods')?.at(-1)).toBe('[get list watch]');
    expect(rows.some((row) => row[0] === 'secrets')).toBe(false);
  });

  it('answers for an impersonated user with --as', async () => {
    const yes = await h.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'team-a', '--as', 'bob', '--as-group', 'team-a']);
    expect([yes.code, yes.stdout.trim()]).toEqual([0, 'yes']);
    const noGroups = await h.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'team-a', '--as', 'bob']);
    expect([noGroups.code, noGroups.stdout.trim()]).toEqual([1, 'no']);
  });
});

describe('impersonation', () => {
  it('lets alice act as bob, who is then refused in kube-system with the exact message', async () => {
    const allowed = await h.kubectl(['get', 'pods', '-n', 'team-a', '--as', 'bob', '--as-group', 'team-a'], { user: 'alice' });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr.trim()).toBe('No resources found in team-a namespace.');
    const refused = await h.kubectl(['get', 'pods', '-n', 'kube-system', '--as', 'bob', '--as-group', 'team-a'], { user: 'alice' });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
  });

  it('refuses bob impersonating anyone, in Kubernetes words, once discovery is cached', async () => {
    const cache = await warmCache();
    const canI = await h.kubectl(['auth', 'can-i', 'get', 'pods', '--as', 'alice', '--cache-dir', cache], { user: 'bob' });
    expect(canI.code).toBe(1);
    expect(canI.stderr.trim()).toBe(
      'Error from server (Forbidden): users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    const get = await h.kubectl(['get', 'pods', '-n', 'team-a', '--as', 'alice', '--cache-dir', cache], { user: 'bob' });
    expect(get.code).toBe(1);
    expect(get.stderr.trim()).toBe(
      'Error from server (Forbidden): users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it('shows kubectl\'s own "Forbidden: unknown" when the refusal hits cold discovery, as against a real cluster', async () => {
    const r = await h.kubectl(['get', 'pods', '-n', 'team-a', '--as', 'alice'], { user: 'bob' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("couldn't get current server API group list: unknown");
    expect(r.stderr.trim().split('\n').at(-1)).toBe('Error from server (Forbidden): unknown');
  });
});

describe('authentication and authorization of plain requests', () => {
  it('refuses carol listing pods in all namespaces', async () => {
    const r = await h.kubectl(['get', 'pods', '-A'], { user: 'carol' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (Forbidden): pods is forbidden: User "carol" cannot list resource "pods" in API group "" at the cluster scope');
  });

  it('refuses bob a named pod in kube-system', async () => {
    const r = await h.kubectl(['get', 'pod', 'web', '-n', 'kube-system'], { user: 'bob' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): pods "web" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "kube-system"',
    );
  });

  it('asks for a login with an invalid token', async () => {
    const cache = await warmCache();
    const bad = await h.kubectl(['get', 'pods', '--token', 'not-a-token', '--cache-dir', cache]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized)');
    const whoami = await h.kubectl(['auth', 'whoami', '--token', 'not-a-token', '--cache-dir', cache]);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('asks for a login without any token', async () => {
    // Over https with no credentials at all kubectl prompts for a username on stdin
    // ("error: EOF" here), so this context uses the simulator's plain-http side.
    const kubeconfig = await h.file(
      'no-token.kubeconfig',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'sim', cluster: { server: h.sim.httpUrl } }],
        users: [{ name: 'nobody', user: {} }],
        contexts: [{ name: 'nobody', context: { cluster: 'sim', user: 'nobody' } }],
        'current-context': 'nobody',
      }),
    );
    const r = await h.kubectl(['auth', 'whoami', '--kubeconfig', kubeconfig, '--context', 'nobody']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('words a 401 on cold discovery the way kubectl does against a real cluster', async () => {
    const r = await h.kubectl(['get', 'pods', '--token', 'not-a-token']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('error: You must be logged in to the server (the server has asked for the client to provide credentials)');
  });
});

describe('service accounts and review objects', () => {
  it('lets bob act as a service account of team-a (edit may impersonate serviceaccounts)', async () => {
    const r = await h.kubectl(['auth', 'whoami', '--as', 'system:serviceaccount:team-a:default'], { user: 'bob' });
    expect(r.code).toBe(0);
    expect(attributes(r.stdout)).toEqual({
      Username: 'system:serviceaccount:team-a:default',
      Groups: '[system:serviceaccounts system:serviceaccounts:team-a system:authenticated]',
    });
  });

  it('answers a SubjectAccessReview created from a file', async () => {
    const sar = await h.file(
      'sar.json',
      JSON.stringify({
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: 'bob', groups: ['team-a'], resourceAttributes: { namespace: 'team-b', verb: 'list', resource: 'pods' } },
      }),
    );
    // --validate=false: the simulator's OpenAPI does not describe the review kinds.
    const r = await h.kubectl(['create', '-f', sar, '-o', 'json', '--validate=false']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).status).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "team-a-view/team-b" of ClusterRole "view" to Group "team-a"' });
  });

  it('refuses a SubjectAccessReview without a user or groups, as the apiserver words it', async () => {
    const sar = await h.file('bad-sar.json', JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } }));
    const r = await h.kubectl(['create', '-f', sar, '--validate=false']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'The SubjectAccessReview "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    );
  });
});

describe('protobuf request bodies from kubectl create', () => {
  it('creates a namespace, a configmap and a secret sent as protobuf', async () => {
    expect((await h.kubectl(['create', 'namespace', 'pb-test'])).stdout.trim()).toBe('namespace/pb-test created');
    expect((await h.kubectl(['create', 'configmap', 'settings', '-n', 'pb-test', '--from-literal=mode=fast'])).stdout.trim()).toBe('configmap/settings created');
    expect((await h.kubectl(['create', 'secret', 'generic', 'creds', '-n', 'pb-test', '--from-literal=password=hunter2'])).stdout.trim()).toBe(
      'secret/creds created',
    );
    const cm = JSON.parse((await h.kubectl(['get', 'configmap', 'settings', '-n', 'pb-test', '-o', 'json'])).stdout);
    expect(cm.data).toEqual({ mode: 'fast' });
    const secret = JSON.parse((await h.kubectl(['get', 'secret', 'creds', '-n', 'pb-test', '-o', 'json'])).stdout);
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('hunter2');
    expect(secret.type).toBe('Opaque');
  });

  it('refuses bob creating a namespace with the exact message', async () => {
    const r = await h.kubectl(['create', 'namespace', 'bobs'], { user: 'bob' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): namespaces is forbidden: User "bob" cannot create resource "namespaces" in API group "" at the cluster scope',
    );
  });
});

describe('RBAC changes', () => {
  it('takes a deleted RoleBinding away at once and a new one gives access at once', async () => {
    const before = await h.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'team-b'], { user: 'bob' });
    expect(before.stdout.trim()).toBe('yes');
    expect((await h.kubectl(['delete', 'rolebinding', 'team-a-view', '-n', 'team-b'])).code).toBe(0);
    const after = await h.kubectl(['get', 'pods', '-n', 'team-b'], { user: 'bob' });
    expect(after.stderr.trim()).toBe('Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "team-b"');
    expect((await h.kubectl(['create', 'rolebinding', 'team-a-view', '-n', 'team-b', '--clusterrole=view', '--group=team-a'])).code).toBe(0);
    const again = await h.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'team-b'], { user: 'bob' });
    expect(again.stdout.trim()).toBe('yes');
  });
});
