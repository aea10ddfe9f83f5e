import { bootstrapRbac, builtinUsers, RbacAuthorizer } from '../../sim/auth';
import type { AuthorizationAttributes, KubeObject, RbacSource, UserInfo } from '../../sim/types';

/** An RbacSource over a plain array the test can change between calls. */
export function aSource(objects: KubeObject[] = bootstrapRbac()): RbacSource & { objects: KubeObject[]; bump(): void; reads: number } {
  let generation = 0;
  const src = {
    objects,
    reads: 0,
    bump() {
      generation++;
    },
    generation: () => generation,
    roles: (ns: string) => (src.reads++, src.objects.filter((o) => o.kind === 'Role' && o.metadata.namespace === ns)),
    roleBindings: (ns: string) => (src.reads++, src.objects.filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === ns)),
    clusterRoles: () => (src.reads++, src.objects.filter((o) => o.kind === 'ClusterRole')),
    clusterRoleBindings: () => (src.reads++, src.objects.filter((o) => o.kind === 'ClusterRoleBinding')),
  };
  return src;
}

export function users(): Record<'admin' | 'alice' | 'bob' | 'carol', UserInfo> {
  return Object.fromEntries(builtinUsers().map((u) => [u.name, u.user])) as Record<'admin' | 'alice' | 'bob' | 'carol', UserInfo>;
}

export const anAuthorizer = (objects?: KubeObject[]) => new RbacAuthorizer(aSource(objects));

/** Resource attributes with defaults: `res({ verb: 'get', resource: 'pods', namespace: 'x' })`. */
export function res(a: Partial<Omit<Extract<AuthorizationAttributes, { type: 'resource' }>, 'type'>>): AuthorizationAttributes {
  return { type: 'resource', verb: 'get', group: '', resource: 'pods', ...a };
}

export function path(verb: string, p: string): AuthorizationAttributes {
  return { type: 'nonResource', verb, path: p };
}

export function aRole(
  kind: 'Role' | 'ClusterRole',
  name: string,
  rules: Record<string, unknown>[],
  namespace?: string,
): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules };
}

export function aBinding(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  roleRef: { kind: 'Role' | 'ClusterRole'; name: string },
  subjects: Record<string, unknown>[],
  namespace?: string,
): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  };
}
