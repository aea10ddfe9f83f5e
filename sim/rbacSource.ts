/** The authorizer's view of RBAC: always the store's current Roles, ClusterRoles and bindings. */
import type { Store } from './store';
import type { KubeObject, RbacSource } from './types';

const RBAC = 'rbac.authorization.k8s.io';
const KEYS = [`${RBAC}/roles`, `${RBAC}/rolebindings`, `${RBAC}/clusterroles`, `${RBAC}/clusterrolebindings`];

export class StoreRbacSource implements RbacSource {
  private changes = 0;
  readonly stop: () => void;

  constructor(private readonly store: Store) {
    this.stop = store.subscribe((e) => {
      if (KEYS.includes(e.key)) this.changes++;
    });
  }

  /** Bumped on every RBAC write, so the authorizer may memoise between changes. */
  generation(): number {
    return this.changes;
  }

  roles(namespace: string): KubeObject[] {
    return this.store.list(KEYS[0], namespace);
  }
  roleBindings(namespace: string): KubeObject[] {
    return this.store.list(KEYS[1], namespace);
  }
  clusterRoles(): KubeObject[] {
    return this.store.list(KEYS[2]);
  }
  clusterRoleBindings(): KubeObject[] {
    return this.store.list(KEYS[3]);
  }
}
