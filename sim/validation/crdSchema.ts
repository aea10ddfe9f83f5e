/**
 * Custom resources against their CRD's structural schema (`openAPIV3Schema`): pruning
 * of fields the schema does not declare (kept under `x-kubernetes-preserve-unknown-fields`),
 * and validation of types, bounds, enums, required fields, lengths and patterns, with
 * the apiextensions apiserver's wording.
 */
import type { Cause } from './builtin';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

/** The schema of one served version of a CRD, or undefined when it has none. */
export function crdVersionSchema(crd: Obj, version: string): Obj | undefined {
  const v = (crd?.spec?.versions ?? []).find((x: Obj) => x?.name === version);
  return v?.schema?.openAPIV3Schema ?? crd?.spec?.validation?.openAPIV3Schema;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Removes undeclared fields from `value` (in place); returns their paths. The root keeps apiVersion, kind and metadata. */
export function pruneUnknown(schema: Obj, value: unknown, path = ''): string[] {
  const out: string[] = [];
  if (!schema || schema['x-kubernetes-int-or-string']) return out;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => out.push(...pruneUnknown(schema.items, item, `${path}[${i}]`)));
    return out;
  }
  if (!isObject(value)) return out;
  if (schema['x-kubernetes-embedded-resource']) {
    for (const k of ['apiVersion', 'kind', 'metadata']) if (k in value && !schema.properties?.[k]) schema = { ...schema, properties: { ...schema.properties, [k]: { 'x-kubernetes-preserve-unknown-fields': true } } };
  }
  const props = schema.properties;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (path === '' && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
    const child = props?.[k] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (child) out.push(...pruneUnknown(child, v, at));
    else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties !== true) {
      out.push(at);
      delete value[k];
    }
  }
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return true;
  }
}

function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'null';
}

/** Every cause against a custom resource's value (the root object; metadata is left to the generic checks). */
export function validateAgainstSchema(schema: Obj, value: unknown, path = ''): Cause[] {
  if (!schema) return [];
  const out: Cause[] = [];
  const field = path || '<root>';
  const invalid = (detail: string, v: unknown = value): Cause => ({ field, message: `Invalid value: ${shown(v)}: ${detail}`, reason: 'FieldValueInvalid' });
  if (value === null && schema.nullable) return out;
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) out.push(invalid(`${field} in body must be of type integer,string: ${JSON.stringify(typeName(value))}`, typeName(value)));
    return out;
  }
  if (schema.type && !typeMatches(schema.type, value)) {
    out.push(invalid(`${field} in body must be of type ${schema.type}: ${JSON.stringify(typeName(value))}`, typeName(value)));
    return out;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push({ field, message: `Unsupported value: ${shown(value)}: supported values: ${schema.enum.map(shown).join(', ')}`, reason: 'FieldValueNotSupported' });
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
      out.push(invalid(`${field} in body should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`));
    }
    if (typeof schema.maximum === 'number' && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
      out.push(invalid(`${field} in body should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`));
    }
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) out.push(invalid(`${field} in body should be at least ${schema.minLength} chars long`));
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) {
      out.push({ field, message: `Too long: may not be more than ${schema.maxLength} bytes`, reason: 'FieldValueInvalid' });
    }
    if (typeof schema.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(value)) out.push(invalid(`${field} in body should match '${schema.pattern}'`));
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) out.push(invalid(`${field} in body should have at least ${schema.minItems} items`, value.length));
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) out.push({ field, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`, reason: 'FieldValueInvalid' });
    if (schema.items) value.forEach((item, i) => out.push(...validateAgainstSchema(schema.items, item, `${path}[${i}]`)));
  }
  if (isObject(value)) {
    for (const name of Array.isArray(schema.required) ? schema.required : []) {
      if (value[name] === undefined) out.push({ field: path ? `${path}.${name}` : name, message: 'Required value', reason: 'FieldValueRequired' });
    }
    for (const [k, v] of Object.entries(value)) {
      if (path === '' && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      const child = schema.properties?.[k] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (child) out.push(...validateAgainstSchema(child, v, path ? `${path}.${k}` : k));
    }
  }
  return out;
}
