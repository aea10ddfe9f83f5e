import { describe, expect, it } from 'vitest';
import { bootstrapRbac, impersonate } from '../../sim/auth';
import { StatusError } from '../../sim/status';
import { aBinding, anAuthorizer, aRole, users } from './sim-auth-fixtures';

const { admin, alice, bob, carol } = users();
const authz = anAuthorizer();

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

/** dave may impersonate user bob and group team-a only. */
const limited = anAuthorizer([
  ...bootstrapRbac(),
  aRole('ClusterRole', 'impersonate-bob', [
    { apiGroups: [''], resources: ['users'], resourceNames: ['bob'], verbs: ['impersonate'] },
    { apiGroups: [''], resources: ['groups'], resourceNames: ['team-a'], verbs: ['impersonate'] },
  ]),
  aBinding('ClusterRoleBinding', 'dave-impersonates', { kind: 'ClusterRole', name: 'impersonate-bob' }, [{ kind: 'User', name: 'dave' }]),
]);
const dave = { username: 'dave', groups: ['system:authenticated'] };

describe('impersonate', () => {
  it('returns the requester unchanged without Impersonate-* headers', () => {
    expect(impersonate(bob, { accept: 'application/json' }, authz)).toBe(bob);
  });

  it('lets a cluster admin act as another user, who is authenticated', () => {
    expect(impersonate(alice, { 'impersonate-user': 'bob' }, authz)).toEqual({ username: 'bob', groups: ['system:authenticated'] });
    expect(impersonate(admin, { 'impersonate-user': 'carol' }, authz)).toEqual({ username: 'carol', groups: ['system:authenticated'] });
  });

  it('carries groups, one per header line, and extras and uid', () => {
    expect(
      impersonate(
        alice,
        {
          'impersonate-user': ['bob'],
          'impersonate-group': ['team-a', ' team-b'],
          'impersonate-extra-scopes': ['read', 'write'],
          'impersonate-extra-example.com%2fteam': 'x',
          'impersonate-uid': '1234',
        },
        authz,
      ),
    ).toEqual({
      username: 'bob',
      uid: '1234',
      groups: ['team-a', 'team-b', 'system:authenticated'],
      extra: { scopes: ['read', 'write'], 'example.com/team': ['x'] },
    });
  });

  it('reads headers given as arrays (req.headersDistinct) without splitting them', () => {
    expect(impersonate(alice, { 'impersonate-user': ['bob'], 'impersonate-group': ['team-a', 'a,b'] }, authz).groups).toEqual([
      'team-a',
      'a,b',
      'system:authenticated',
    ]);
  });

  it('does not add system:authenticated when system:unauthenticated is asked for; anonymous is unauthenticated', () => {
    expect(impersonate(alice, { 'impersonate-user': 'x', 'impersonate-group': 'system:unauthenticated' }, authz).groups).toEqual(['system:unauthenticated']);
    expect(impersonate(alice, { 'impersonate-user': 'system:anonymous' }, authz).groups).toEqual(['system:unauthenticated']);
  });

  it('gives an impersonated service account its groups, unless groups are given', () => {
    expect(impersonate(alice, { 'impersonate-user': 'system:serviceaccount:team-a:robot' }, authz)).toEqual({
      username: 'system:serviceaccount:team-a:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'],
    });
    expect(impersonate(alice, { 'impersonate-user': 'system:serviceaccount:team-a:robot', 'impersonate-group': 'g' }, authz).groups).toEqual([
      'g',
      'system:authenticated',
    ]);
  });

  it('checks service accounts as namespaced serviceaccounts, which edit may impersonate', () => {
    expect(impersonate(bob, { 'impersonate-user': 'system:serviceaccount:team-a:robot' }, authz).username).toBe('system:serviceaccount:team-a:robot');
    expect(thrown(() => impersonate(bob, { 'impersonate-user': 'system:serviceaccount:team-b:robot' }, authz)).message).toBe(
      'serviceaccounts "robot" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "team-b"',
    );
  });

  it('refuses a user who may not impersonate, in Kubernetes words', () => {
    const err = thrown(() => impersonate(bob, { 'impersonate-user': 'alice' }, authz));
    expect(err.code).toBe(403);
    expect(err.status.reason).toBe('Forbidden');
    expect(err.message).toBe('users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    expect(err.status.details).toEqual({ name: 'alice', kind: 'users' });
    expect(thrown(() => impersonate(carol, { 'impersonate-user': 'bob' }, authz)).message).toBe(
      'users "bob" is forbidden: User "carol" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });

  it('checks every group, extra and uid separately', () => {
    expect(impersonate(dave, { 'impersonate-user': 'bob', 'impersonate-group': 'team-a' }, limited).groups).toEqual(['team-a', 'system:authenticated']);
    expect(thrown(() => impersonate(dave, { 'impersonate-user': 'alice' }, limited)).message).toBe(
      'users "alice" is forbidden: User "dave" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    expect(thrown(() => impersonate(dave, { 'impersonate-user': 'bob', 'impersonate-group': 'system:masters' }, limited)).message).toBe(
      'groups "system:masters" is forbidden: User "dave" cannot impersonate resource "groups" in API group "" at the cluster scope',
    );
    expect(thrown(() => impersonate(dave, { 'impersonate-user': 'bob', 'impersonate-extra-scopes': 'all' }, limited)).message).toBe(
      'userextras.authentication.k8s.io "all" is forbidden: User "dave" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
    );
    expect(thrown(() => impersonate(dave, { 'impersonate-user': 'bob', 'impersonate-uid': 'u1' }, limited)).message).toBe(
      'uids.authentication.k8s.io "u1" is forbidden: User "dave" cannot impersonate resource "uids" in API group "authentication.k8s.io" at the cluster scope',
    );
  });

  it('takes a header line with a comma as one group, as the apiserver does', () => {
    expect(impersonate(admin, { 'impersonate-user': ['someone'], 'impersonate-group': ['nobody,system:masters'] }, authz)).toEqual({
      username: 'someone',
      groups: ['nobody,system:masters', 'system:authenticated'],
    });
    expect(impersonate(admin, { 'impersonate-user': 'someone', 'impersonate-group': 'nobody,system:masters' }, authz).groups).toEqual([
      'nobody,system:masters',
      'system:authenticated',
    ]);
    expect(thrown(() => impersonate(dave, { 'impersonate-user': ['bob'], 'impersonate-group': ['team-a,system:masters'] }, limited)).message).toContain(
      'groups "team-a,system:masters" is forbidden',
    );
  });

  it('refuses two Impersonate-User header lines', () => {
    expect(thrown(() => impersonate(admin, { 'impersonate-user': ['bob', 'carol'] }, authz)).code).toBe(400);
  });

  it('refuses header values carrying line breaks', () => {
    const err = thrown(() => impersonate(alice, { 'impersonate-user': 'bob', 'impersonate-group': 'team-a\r\nImpersonate-Group: system:masters' }, authz));
    expect(err.code).toBe(400);
    expect(thrown(() => impersonate(alice, { 'impersonate-user': 'bob\nx' }, authz)).code).toBe(400);
  });

  it('refuses groups, extras or uid without a user', () => {
    const err = thrown(() => impersonate(alice, { 'impersonate-group': 'system:masters' }, authz));
    expect(err.code).toBe(400);
    expect(err.message).toBe('requested groups ["system:masters"] without impersonating a user');
    expect(thrown(() => impersonate(alice, { 'impersonate-uid': 'u' }, authz)).message).toBe('requested uid without impersonating a user');
  });

  it('refuses two users or two uids', () => {
    expect(thrown(() => impersonate(alice, { 'impersonate-user': ['bob', 'carol'] }, authz)).code).toBe(400);
  });
});
