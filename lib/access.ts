/**
 * The actions offered on an object, and Kubernetes' answer to whether the
 * signed-in person may take each: shared by the access route and the page.
 */
export type ObjectAction = 'edit' | 'delete' | 'scale' | 'restart' | 'cordon' | 'suspend' | 'rollback' | 'logs' | 'shell' | 'reveal';

export type AccessAnswer = { allowed: true } | { allowed: false; reason: string };

/** `GET /api/clusters/{cluster}/{kind}/{namespace}/{name}/access`: one answer per action that applies to the kind. */
export interface ObjectAccess {
  actions: Partial<Record<ObjectAction, AccessAnswer>>;
}
