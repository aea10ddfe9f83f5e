/**
 * The built-in kinds' schemas as request validation reads them: a typed view of the
 * one source the OpenAPI documents are served from (openapi/definitions.ts, read from
 * the pinned `kubernetes-types` declarations), keyed by the apiserver's definition names
 * (`io.k8s.api.apps.v1.DeploymentSpec`).
 *
 * Two rules the declarations cannot carry are applied here, as Go's decoder applies
 * them: a few types hold raw JSON of any shape (managedFields' FieldsV1, RawExtension,
 * a CRD's JSON defaults), and a Quantity or an IntOrString may be written as a number.
 */
import { builtinDefinitions, definitionFor } from '../openapi/definitions';

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema;
  /** `#/definitions/<name>` */
  $ref?: string;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

const REF = '#/definitions/';

/** Types Go decodes as raw JSON, whatever fields it has. */
const RAW_JSON = new Set(['io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1', 'io.k8s.apimachinery.pkg.runtime.RawExtension', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON']);

export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** A definition by its full name, or undefined. */
export function definition(name: string): Schema | undefined {
  if (RAW_JSON.has(name)) return { 'x-kubernetes-preserve-unknown-fields': true };
  return builtinDefinitions().definitions.get(name) as Schema | undefined;
}

/** Follows `$ref` (repeatedly); any other schema is returned as it is. */
export function resolve(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 8; i++) {
    const target = definition(s.$ref.slice(REF.length));
    if (!target) return { 'x-kubernetes-preserve-unknown-fields': true };
    s = target;
  }
  return s;
}

/** The name a `$ref` points at, or undefined. */
export function refName(schema: Schema): string | undefined {
  return schema.$ref?.startsWith(REF) ? schema.$ref.slice(REF.length) : undefined;
}

/** The definition name of a kind (apps/v1 Deployment → `io.k8s.api.apps.v1.Deployment`), or undefined for kinds not built in. */
export function definitionNameOf(group: string, version: string, kind: string): string | undefined {
  return definitionFor(group, version, kind);
}

/** The schema of a kind's objects, with its group-version-kind, or undefined when the kind is not built in. */
export function schemaOf(group: string, version: string, kind: string): Schema | undefined {
  const name = definitionNameOf(group, version, kind);
  const s = name ? definition(name) : undefined;
  return s && { ...s, 'x-kubernetes-group-version-kind': [{ group, version, kind }] };
}

/** The Go type a definition stands for (`io.k8s.api.apps.v1.DeploymentSpec` → `DeploymentSpec`), as apiserver messages print a struct. */
export function goTypeName(definitionName: string): string {
  return definitionName.slice(definitionName.lastIndexOf('.') + 1);
}

/** The Go type with its package (`v1.DeploymentSpec`, `intstr.IntOrString`, `resource.Quantity`), as Go's decoder prints a field's type. */
export function goQualifiedName(definitionName: string): string {
  const parts = definitionName.split('.');
  return parts.slice(-2).join('.');
}
