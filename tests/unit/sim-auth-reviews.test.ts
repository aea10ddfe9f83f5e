import { describe, expect, it } from 'vitest';
import { handleReview, reviewResources } from '../../sim/auth';
import { StatusError } from '../../sim/status';
import type { KubeObject } from '../../sim/types';
import { anAuthorizer, users } from './sim-auth-fixtures';

const { admin, alice, bob, carol } = users();
const authz = anAuthorizer();

const aReview = (kind: string, spec: Record<string, unknown> = {}, apiVersion = 'authorization.k8s.io/v1', metadata = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata,
  spec,
});

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('reviewResources', () => {
  it('lists the five review kinds with their groups and scope', () => {
    expect(reviewResources).toEqual({
      subjectaccessreviews: { group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', namespaced: false },
      localsubjectaccessreviews: { group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview', namespaced: true },
      selfsubjectaccessreviews: { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', namespaced: false },
      selfsubjectrulesreviews: { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', namespaced: false },
      selfsubjectreviews: { group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', namespaced: false },
    });
  });
});

describe('SelfSubjectAccessReview', () => {
  const ssar = (resourceAttributes: Record<string, unknown>) => aReview('SelfSubjectAccessReview', { resourceAttributes });

  it('answers yes for bob in team-a with the RBAC reason, echoing the spec', () => {
    const out = handleReview('selfsubjectaccessreviews', ssar({ namespace: 'team-a', verb: 'get', resource: 'pods' }), bob, authz);
    expect(out).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods' } },
      status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "team-a-edit/team-a" of ClusterRole "edit" to Group "team-a"' },
    });
  });

  it('answers no for bob in kube-system and for carol anywhere', () => {
    expect(handleReview('selfsubjectaccessreviews', ssar({ namespace: 'kube-system', verb: 'get', resource: 'pods' }), bob, authz).status).toEqual({ allowed: false });
    expect(handleReview('selfsubjectaccessreviews', ssar({ verb: 'list', resource: 'pods' }), carol, authz).status).toEqual({ allowed: false });
  });

  it('checks subresources and non-resource paths', () => {
    expect(
      (handleReview('selfsubjectaccessreviews', ssar({ namespace: 'team-b', verb: 'create', resource: 'pods', subresource: 'exec' }), bob, authz).status as { allowed: boolean })
        .allowed,
    ).toBe(false);
    const nonResource = aReview('SelfSubjectAccessReview', { nonResourceAttributes: { path: '/version', verb: 'get' } });
    expect((handleReview('selfsubjectaccessreviews', nonResource, carol, authz).status as { allowed: boolean }).allowed).toBe(true);
  });

  it('rejects a spec with neither or both attribute kinds', () => {
    const none = thrown(() => handleReview('selfsubjectaccessreviews', aReview('SelfSubjectAccessReview', {}), bob, authz));
    expect(none.code).toBe(422);
    expect(none.message).toBe(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
    const both = thrown(() =>
      handleReview(
        'selfsubjectaccessreviews',
        aReview('SelfSubjectAccessReview', { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } }),
        bob,
        authz,
      ),
    );
    expect(both.message).toContain('spec.nonResourceAttributes: Invalid value: {"path":"/x","verb":"get"}: cannot be specified in combination with resourceAttributes');
  });
});

describe('SubjectAccessReview', () => {
  it('decides for spec.user and spec.groups, not for the requester', () => {
    const out = handleReview(
      'subjectaccessreviews',
      aReview('SubjectAccessReview', { user: 'bob', groups: ['team-a'], resourceAttributes: { namespace: 'team-a', verb: 'delete', group: 'apps', resource: 'deployments' } }),
      admin,
      authz,
    );
    expect(out.status).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "team-a-edit/team-a" of ClusterRole "edit" to Group "team-a"' });
    const userOnly = handleReview(
      'subjectaccessreviews',
      aReview('SubjectAccessReview', { user: 'bob', resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods' } }),
      admin,
      authz,
    );
    expect(userOnly.status).toEqual({ allowed: false });
    const masters = handleReview('subjectaccessreviews', aReview('SubjectAccessReview', { groups: ['system:masters'], nonResourceAttributes: { path: '/metrics', verb: 'get' } }), bob, authz);
    expect(masters.status).toEqual({ allowed: true });
  });

  it('requires a user or a group, worded like Kubernetes', () => {
    const err = thrown(() =>
      handleReview('subjectaccessreviews', aReview('SubjectAccessReview', { resourceAttributes: { verb: 'get', resource: 'pods' } }), admin, authz),
    );
    expect(err.code).toBe(422);
    expect(err.status.reason).toBe('Invalid');
    expect(err.message).toBe(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    );
    expect(err.status.details?.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' },
    ]);
  });
});

describe('LocalSubjectAccessReview', () => {
  const lsar = (ns: string, spec: Record<string, unknown>) => aReview('LocalSubjectAccessReview', spec, undefined, { namespace: ns });

  it('decides within the URL namespace', () => {
    const out = handleReview('localsubjectaccessreviews', lsar('team-b', { user: 'x', groups: ['team-a'], resourceAttributes: { namespace: 'team-b', verb: 'list', resource: 'pods' } }), alice, authz, 'team-b');
    expect(out.status).toMatchObject({ allowed: true });
    expect(out.metadata).toEqual({ namespace: 'team-b' });
  });

  it('takes the namespace from the URL when the object has none', () => {
    const review = aReview('LocalSubjectAccessReview', { user: 'bob', groups: ['team-a'], resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods' } });
    expect(handleReview('localsubjectaccessreviews', review, alice, authz, 'team-a').metadata).toEqual({ namespace: 'team-a' });
  });

  it('refuses mismatched namespaces and non-resource checks', () => {
    expect(thrown(() => handleReview('localsubjectaccessreviews', lsar('team-a', { user: 'bob', resourceAttributes: { verb: 'get' } }), alice, authz)).message).toBe(
      'namespace is required on this type: ',
    );
    expect(thrown(() => handleReview('localsubjectaccessreviews', lsar('team-a', { user: 'b', resourceAttributes: { verb: 'get' } }), alice, authz, 'team-b')).code).toBe(400);
    const wrongAttrNamespace = thrown(() =>
      handleReview('localsubjectaccessreviews', lsar('team-a', { user: 'bob', resourceAttributes: { namespace: 'team-b', verb: 'get', resource: 'pods' } }), alice, authz, 'team-a'),
    );
    expect(wrongAttrNamespace.message).toBe(
      'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "team-b": must match metadata.namespace',
    );
    const nonResource = thrown(() =>
      handleReview('localsubjectaccessreviews', lsar('team-a', { user: 'bob', nonResourceAttributes: { path: '/x', verb: 'get' } }), alice, authz, 'team-a'),
    );
    expect(nonResource.message).toContain('spec.nonResourceAttributes: Invalid value: {"path":"/x","verb":"get"}: disallowed on this kind of request');
  });
});

describe('SelfSubjectRulesReview', () => {
  const ssrr = (namespace: string) => aReview('SelfSubjectRulesReview', { namespace });

  it('lists bob\'s rules in team-a: edit plus the self-review and discovery rules', () => {
    const out = handleReview('selfsubjectrulesreviews', ssrr('team-a'), bob, authz);
    const status = out.status as { resourceRules: { verbs: string[]; resources: string[] }[]; nonResourceRules: { nonResourceURLs: string[] }[]; incomplete: boolean };
    expect(status.incomplete).toBe(false);
    expect(status.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(status.resourceRules.some((r) => r.resources.includes('pods/exec') && r.verbs.includes('create'))).toBe(true);
    expect(status.nonResourceRules.some((r) => r.nonResourceURLs.includes('/apis/*'))).toBe(true);
  });

  it('lists only view rules for bob in team-b and none in kube-system', () => {
    const inB = handleReview('selfsubjectrulesreviews', ssrr('team-b'), bob, authz).status as { resourceRules: { verbs: string[]; resources: string[] }[] };
    expect(inB.resourceRules.some((r) => r.resources.includes('secrets'))).toBe(false);
    expect(inB.resourceRules.some((r) => r.resources.includes('pods') && r.verbs.includes('list'))).toBe(true);
    const inKube = handleReview('selfsubjectrulesreviews', ssrr('kube-system'), bob, authz).status as { resourceRules: { resources: string[] }[] };
    expect(inKube.resourceRules.flatMap((r) => r.resources)).toEqual(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);
  });

  it('gives system:masters every rule', () => {
    const status = handleReview('selfsubjectrulesreviews', ssrr('x'), admin, authz).status as { resourceRules: unknown[]; nonResourceRules: unknown[] };
    expect(status.resourceRules[0]).toEqual({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    expect(status.nonResourceRules[0]).toEqual({ verbs: ['*'], nonResourceURLs: ['*'] });
  });

  it('needs a namespace', () => {
    const err = thrown(() => handleReview('selfsubjectrulesreviews', ssrr(''), bob, authz));
    expect(err.code).toBe(400);
    expect(err.message).toBe('no namespace on request');
  });
});

describe('SelfSubjectReview', () => {
  it('tells the requester who they are', () => {
    const out = handleReview('selfsubjectreviews', aReview('SelfSubjectReview', undefined, 'authentication.k8s.io/v1'), bob, authz);
    expect(out).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: {},
      status: { userInfo: { username: 'bob', groups: ['team-a', 'system:authenticated'] } },
    });
  });

  it('includes uid and extra when the identity has them', () => {
    const who = { username: 'x', uid: 'u-1', groups: ['g'], extra: { scopes: ['a'] } };
    expect(handleReview('selfsubjectreviews', aReview('SelfSubjectReview', undefined, 'authentication.k8s.io/v1'), who, authz).status).toEqual({
      userInfo: { username: 'x', uid: 'u-1', groups: ['g'], extra: { scopes: ['a'] } },
    });
  });
});
