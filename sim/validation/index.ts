/**
 * Validation of objects before they are stored: the built-in kinds' checks and custom
 * resources against their CRD's schema. Decoding checks (unknown fields, types) are in
 * decode.ts; they run first, on the body as sent.
 */
import type { ResourceType } from '../resources';
import { invalid } from '../status';
import type { KubeObject } from '../types';
import { builtinCauses, type Cause } from './builtin';
import { crdVersionSchema, validateAgainstSchema } from './crdSchema';

export { decodeChecked, checkApplyConfiguration, fieldValidation, typedPatchError, type FieldValidation, type Origin } from './decode';

/**
 * Throws 422 Invalid with one cause per failed check. Writes through the status and
 * scale subresources only change what those allow, so they are not checked again.
 */
export function validateObject(type: ResourceType, version: string, obj: KubeObject, old: KubeObject | undefined, subresource?: string, crd?: KubeObject): void {
  if (subresource) return;
  let causes: Cause[];
  if (type.crd) {
    const schema = crdVersionSchema(crd, version);
    causes = schema ? validateAgainstSchema(schema, obj) : [];
  } else {
    causes = builtinCauses(type.kind, obj, old);
  }
  if (causes.length) throw invalid(type.kind, type.group, obj.metadata.name ?? '', causes);
}
