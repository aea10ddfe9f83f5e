import { describe, expect, it } from 'vitest';
import { authenticate, bootstrapRbac, builtinUsers, forbiddenError, RbacAuthorizer } from '../../sim/auth';
import { aBinding, anAuthorizer, aRole, aSource, path, res, users } from './sim-auth-fixtures';

const { admin, alice, bob, carol } = users();

describe('built-in users', () => {
  it('have the documented groups and fresh random tokens per call', () => {
    const first = builtinUsers();
    const second = builtinUsers();
    expect(first.map((u) => [u.name, u.user.username, u.user.groups])).toEqual([
      ['admin', 'admin', ['system:masters', 'system:authenticated']],
      ['alice', 'alice', ['platform-admins', 'system:authenticated']],
      ['bob', 'bob', ['team-a', 'system:authenticated']],
      ['carol', 'carol', ['system:authenticated']],
    ]);
    expect(new Set([...first, ...second].map((u) => u.token)).size).toBe(8);
    for (const u of first) expect(u.token.length).toBeGreaterThan(20);
  });
});

describe('authenticate', () => {
  const [adminUser] = builtinUsers();
  const tokens = new Map([[adminUser.token, adminUser.user]]);

  it('accepts a known bearer token, case-insensitively on the scheme', () => {
    expect(authenticate({ authorization: `Bearer ${adminUser.token}` }, tokens)?.username).toBe('admin');
    expect(authenticate({ authorization: `bearer ${adminUser.token}` }, tokens)?.username).toBe('admin');
  });

  it('returns null for a missing, malformed or unknown token', () => {
    expect(authenticate({}, tokens)).toBeNull();
    expect(authenticate({ authorization: 'Bearer' }, tokens)).toBeNull();
    expect(authenticate({ authorization: `Basic ${adminUser.token}` }, tokens)).toBeNull();
    expect(authenticate({ authorization: 'Bearer nope' }, tokens)).toBeNull();
    expect(authenticate({ authorization: `Bearer ${adminUser.token} extra` }, tokens)).toBeNull();
  });

  it('hands out a copy the caller cannot use to change the token table', () => {
    authenticate({ authorization: `Bearer ${adminUser.token}` }, tokens)!.groups.push('evil');
    expect(tokens.get(adminUser.token)!.groups).not.toContain('evil');
  });
});

describe('bootstrap RBAC decisions', () => {
  const authz = anAuthorizer();
  const can = (user = bob, a = res({})) => authz.authorize(user, a).allowed;

  it('lets bob read and write workloads in team-a', () => {
    expect(can(bob, res({ verb: 'get', resource: 'pods', namespace: 'team-a', name: 'web' }))).toBe(true);
    expect(can(bob, res({ verb: 'list', resource: 'pods', namespace: 'team-a' }))).toBe(true);
    expect(can(bob, res({ verb: 'create', group: 'apps', resource: 'deployments', namespace: 'team-a' }))).toBe(true);
    expect(can(bob, res({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'team-a', name: 'web' }))).toBe(true);
    expect(can(bob, res({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'team-a', name: 'web' }))).toBe(true);
    expect(can(bob, res({ verb: 'get', resource: 'secrets', namespace: 'team-a' }))).toBe(true);
    expect(can(bob, res({ verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'team-a' }))).toBe(true);
  });

  it('lets bob only view in team-b', () => {
    expect(can(bob, res({ verb: 'list', resource: 'pods', namespace: 'team-b' }))).toBe(true);
    expect(can(bob, res({ verb: 'watch', group: 'apps', resource: 'deployments', namespace: 'team-b' }))).toBe(true);
    expect(can(bob, res({ verb: 'delete', resource: 'pods', namespace: 'team-b', name: 'web' }))).toBe(false);
    expect(can(bob, res({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'team-b', name: 'web' }))).toBe(false);
    expect(can(bob, res({ verb: 'get', resource: 'secrets', namespace: 'team-b', name: 's' }))).toBe(false);
  });

  it('gives bob nothing in kube-system or at the cluster scope', () => {
    expect(can(bob, res({ verb: 'get', resource: 'pods', namespace: 'kube-system', name: 'web' }))).toBe(false);
    expect(can(bob, res({ verb: 'list', resource: 'pods' }))).toBe(false);
    expect(can(bob, res({ verb: 'list', resource: 'nodes' }))).toBe(false);
    expect(can(bob, res({ verb: 'list', resource: 'namespaces' }))).toBe(false);
  });

  it('gives carol only self-reviews and discovery', () => {
    expect(can(carol, res({ verb: 'get', resource: 'pods', namespace: 'team-a' }))).toBe(false);
    expect(can(carol, res({ verb: 'list', resource: 'pods' }))).toBe(false);
    expect(can(carol, res({ verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }))).toBe(true);
    expect(can(carol, res({ verb: 'create', group: 'authentication.k8s.io', resource: 'selfsubjectreviews' }))).toBe(true);
    expect(can(carol, res({ verb: 'create', group: 'authorization.k8s.io', resource: 'subjectaccessreviews' }))).toBe(false);
    expect(can(carol, path('get', '/apis/apps/v1'))).toBe(true);
    expect(can(carol, path('get', '/version'))).toBe(true);
    expect(can(carol, path('get', '/metrics'))).toBe(false);
    expect(can(carol, path('post', '/api'))).toBe(false);
  });

  it('lets alice and admin do anything, with RBAC reasons for alice', () => {
    for (const u of [alice, admin]) {
      expect(can(u, res({ verb: 'delete', resource: 'nodes', name: 'n1' }))).toBe(true);
      expect(can(u, res({ verb: 'get', resource: 'secrets', namespace: 'kube-system' }))).toBe(true);
      expect(can(u, path('get', '/metrics'))).toBe(true);
    }
    expect(authz.authorize(alice, res({ verb: 'list', resource: 'pods' })).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "platform-admins" of ClusterRole "cluster-admin" to Group "platform-admins"',
    );
  });

  it('names the RoleBinding in the reason, namespace-qualified', () => {
    expect(authz.authorize(bob, res({ verb: 'list', resource: 'pods', namespace: 'team-b' })).reason).toBe(
      'RBAC: allowed by RoleBinding "team-a-view/team-b" of ClusterRole "view" to Group "team-a"',
    );
    expect(authz.authorize(bob, res({ verb: 'list', resource: 'pods', namespace: 'kube-system' }))).toEqual({ allowed: false, reason: '' });
  });

  it('lets system:masters through even with no bindings at all', () => {
    expect(new RbacAuthorizer(aSource([])).authorize(admin, res({ verb: 'escalate', resource: 'anything' })).allowed).toBe(true);
  });

  it('keeps secrets out of view', () => {
    const view = bootstrapRbac().find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'view')!;
    const resources = (view.rules as { resources?: string[] }[]).flatMap((r) => r.resources ?? []);
    expect(resources).not.toContain('secrets');
    expect(resources).not.toContain('*');
  });
});

describe('rule matching', () => {
  const dave = { username: 'dave', groups: ['system:authenticated'] };
  const withRules = (rules: Record<string, unknown>[]) =>
    anAuthorizer([aRole('Role', 'r', rules, 'ns'), aBinding('RoleBinding', 'rb', { kind: 'Role', name: 'r' }, [{ kind: 'User', name: 'dave' }], 'ns')]);

  it('matches wildcards in verbs, groups and resources', () => {
    const authz = withRules([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    expect(authz.authorize(dave, res({ verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'ns' })).allowed).toBe(true);
    expect(authz.authorize(dave, res({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'ns' })).allowed).toBe(true);
    expect(authz.authorize(dave, res({ verb: 'get', resource: 'pods', namespace: 'other' })).allowed).toBe(false);
  });

  it('treats pods and pods/log as different resources', () => {
    const authz = withRules([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    expect(authz.authorize(dave, res({ resource: 'pods', namespace: 'ns' })).allowed).toBe(true);
    expect(authz.authorize(dave, res({ resource: 'pods', subresource: 'log', namespace: 'ns' })).allowed).toBe(false);
    const logsOnly = withRules([{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]);
    expect(logsOnly.authorize(dave, res({ resource: 'pods', subresource: 'log', namespace: 'ns' })).allowed).toBe(true);
    expect(logsOnly.authorize(dave, res({ resource: 'pods', namespace: 'ns' })).allowed).toBe(false);
  });

  it('matches */scale against any resource scale subresource only', () => {
    const authz = withRules([{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['update'] }]);
    expect(authz.authorize(dave, res({ verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'ns' })).allowed).toBe(true);
    expect(authz.authorize(dave, res({ verb: 'update', group: 'apps', resource: 'statefulsets', subresource: 'scale', namespace: 'ns' })).allowed).toBe(true);
    expect(authz.authorize(dave, res({ verb: 'update', group: 'apps', resource: 'deployments', namespace: 'ns' })).allowed).toBe(false);
    expect(authz.authorize(dave, res({ verb: 'update', group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'ns' })).allowed).toBe(false);
  });

  it('limits by resourceNames, which never match a collection request', () => {
    const authz = withRules([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'], verbs: ['get', 'list'] }]);
    expect(authz.authorize(dave, res({ resource: 'configmaps', name: 'settings', namespace: 'ns' })).allowed).toBe(true);
    expect(authz.authorize(dave, res({ resource: 'configmaps', name: 'other', namespace: 'ns' })).allowed).toBe(false);
    expect(authz.authorize(dave, res({ verb: 'list', resource: 'configmaps', namespace: 'ns' })).allowed).toBe(false);
  });

  it('requires the API group to match', () => {
    const authz = withRules([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }]);
    expect(authz.authorize(dave, res({ group: 'apps', resource: 'deployments', namespace: 'ns' })).allowed).toBe(true);
    expect(authz.authorize(dave, res({ group: 'extensions', resource: 'deployments', namespace: 'ns' })).allowed).toBe(false);
  });

  it('prefix-matches non-resource URLs ending in *', () => {
    const authz = anAuthorizer([
      aRole('ClusterRole', 'paths', [{ nonResourceURLs: ['/logs/*', '/exact'], verbs: ['get'] }]),
      aBinding('ClusterRoleBinding', 'paths', { kind: 'ClusterRole', name: 'paths' }, [{ kind: 'User', name: 'dave' }]),
    ]);
    expect(authz.authorize(dave, path('get', '/logs/kubelet.log')).allowed).toBe(true);
    expect(authz.authorize(dave, path('get', '/logs/')).allowed).toBe(true);
    expect(authz.authorize(dave, path('get', '/logs')).allowed).toBe(false);
    expect(authz.authorize(dave, path('get', '/exact')).allowed).toBe(true);
    expect(authz.authorize(dave, path('get', '/exact/more')).allowed).toBe(false);
  });

  it('binds service accounts by namespace, defaulting to the binding namespace', () => {
    const sa = { username: 'system:serviceaccount:ns:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] };
    const authz = anAuthorizer([
      aRole('Role', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], 'ns'),
      aBinding('RoleBinding', 'rb', { kind: 'Role', name: 'r' }, [{ kind: 'ServiceAccount', name: 'robot' }], 'ns'),
    ]);
    expect(authz.authorize(sa, res({ resource: 'pods', namespace: 'ns' }))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "rb/ns" of Role "r" to ServiceAccount "robot/ns"',
    });
    const other = { ...sa, username: 'system:serviceaccount:other:robot' };
    expect(authz.authorize(other, res({ resource: 'pods', namespace: 'ns' })).allowed).toBe(false);
  });

  it('ignores a binding whose role does not exist', () => {
    const authz = anAuthorizer([aBinding('ClusterRoleBinding', 'x', { kind: 'ClusterRole', name: 'missing' }, [{ kind: 'User', name: 'dave' }])]);
    expect(authz.authorize(dave, res({ resource: 'pods' })).allowed).toBe(false);
  });

  it('does not let a RoleBinding grant anything outside its namespace', () => {
    const authz = anAuthorizer([
      aRole('ClusterRole', 'all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]),
      aBinding('RoleBinding', 'rb', { kind: 'ClusterRole', name: 'all' }, [{ kind: 'User', name: 'dave' }], 'ns'),
    ]);
    expect(authz.authorize(dave, res({ resource: 'nodes' })).allowed).toBe(false);
    expect(authz.authorize(dave, path('get', '/metrics')).allowed).toBe(false);
    expect(authz.authorize(dave, res({ resource: 'pods', namespace: 'ns' })).allowed).toBe(true);
  });
});

describe('reading the current RBAC state', () => {
  it('applies a revoked binding at once when the source has no generation', () => {
    const src = aSource();
    delete (src as { generation?: unknown }).generation;
    const authz = new RbacAuthorizer(src);
    expect(authz.authorize(bob, res({ namespace: 'team-a' })).allowed).toBe(true);
    src.objects = src.objects.filter((o) => o.metadata.name !== 'team-a-edit');
    expect(authz.authorize(bob, res({ namespace: 'team-a' })).allowed).toBe(false);
  });

  it('memoises per generation and forgets when the generation moves', () => {
    const src = aSource();
    const authz = new RbacAuthorizer(src);
    expect(authz.authorize(bob, res({ namespace: 'team-a' })).allowed).toBe(true);
    const reads = src.reads;
    for (let i = 0; i < 1000; i++) authz.authorize(bob, res({ namespace: 'team-a', name: `p${i}` }));
    expect(src.reads).toBe(reads);
    src.objects = src.objects.filter((o) => o.metadata.name !== 'team-a-edit');
    src.bump();
    expect(authz.authorize(bob, res({ namespace: 'team-a' })).allowed).toBe(false);
  });
});

describe('forbiddenError', () => {
  it('words a named resource in a namespace like Kubernetes', () => {
    const err = forbiddenError(bob, res({ verb: 'get', resource: 'pods', namespace: 'kube-system', name: 'web' }));
    expect(err.code).toBe(403);
    expect(err.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "web" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "kube-system"',
      reason: 'Forbidden',
      details: { name: 'web', kind: 'pods' },
      code: 403,
    });
  });

  it('words a collection at the cluster scope', () => {
    expect(forbiddenError(carol, res({ verb: 'list', resource: 'pods' })).message).toBe(
      'pods is forbidden: User "carol" cannot list resource "pods" in API group "" at the cluster scope',
    );
  });

  it('qualifies the resource with its group and names the subresource', () => {
    const err = forbiddenError(bob, res({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'team-b', name: 'web' }));
    expect(err.message).toBe('pods "web" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "team-b"');
    const grouped = forbiddenError(carol, res({ verb: 'list', group: 'apps', resource: 'deployments', namespace: 'x' }));
    expect(grouped.message).toBe('deployments.apps is forbidden: User "carol" cannot list resource "deployments" in API group "apps" in the namespace "x"');
    expect(grouped.status.details).toEqual({ group: 'apps', kind: 'deployments' });
  });

  it('words a non-resource path', () => {
    expect(forbiddenError({ username: 'x', groups: [] }, path('get', '/foo')).message).toBe('forbidden: User "x" cannot get path "/foo"');
  });
});
