/** Shapes shared across the simulated API server. */

/** A stored Kubernetes object, as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The identity a request acts as, after authentication and impersonation. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What a request wants to do to a resource, as the authorizer sees it. */
export interface ResourceAttributes {
  verb: string;
  /** "" for the core group. */
  group: string;
  version?: string;
  /** Plural resource name, e.g. "pods". */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type AuthorizationAttributes =
  | ({ type: 'resource' } & ResourceAttributes)
  | ({ type: 'nonResource' } & NonResourceAttributes);

export interface Decision {
  allowed: boolean;
  /** Why, in RBAC's words (e.g. `RBAC: allowed by ClusterRoleBinding "x" of ClusterRole "y" to User "z"`). */
  reason: string;
}

/** The RBAC objects the authorizer decides from: always the store's current state. */
export interface RbacSource {
  roles(namespace: string): KubeObject[];
  roleBindings(namespace: string): KubeObject[];
  clusterRoles(): KubeObject[];
  clusterRoleBindings(): KubeObject[];
  /**
   * Optional: a number that changes whenever any Role, ClusterRole, RoleBinding or
   * ClusterRoleBinding changes. When present, the authorizer memoises per generation.
   */
  generation?(): number;
}
