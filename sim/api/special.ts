/** Kind-specific checks on writes that go beyond the generic ones. */
import { crdStatus, validateCrd } from '../crd';
import type { ResourceType } from '../resources';
import type { KubeObject } from '../types';
import type { SimContext } from './context';

export function validateSpecial(_ctx: SimContext, type: ResourceType, obj: KubeObject, old: KubeObject | undefined): void {
  if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition') {
    validateCrd(obj, old);
    if (!old || obj.status === undefined) crdStatus(obj);
  }
}
