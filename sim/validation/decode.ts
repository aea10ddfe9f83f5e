/**
 * Field validation of write bodies (`fieldValidation=Strict|Warn|Ignore`), with the
 * apiserver's wording for each way a body reaches the decoder: a create or update body
 * (400 "cannot be handled as"), a patched object (422 on the field `patch`), or a
 * server-side apply configuration ("failed to create typed patch object").
 */
import type { ResourceType } from '../resources';
import { schemaOf, definitionNameOf } from '../schemas/index';
import { StatusError, badRequest, status } from '../status';
import { pruneUnknown } from './crdSchema';
import { checkFields } from './fields';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The request's directive; the apiserver's default is Warn (kubectl sends Strict). */
export function fieldValidation(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

/** How the body reached the decoder, which decides the wording of errors. */
export type Origin = { kind: 'body' } | { kind: 'strategic-patch'; patch: unknown } | { kind: 'json-patch' };

export interface DecodeResult {
  /** The object, with unknown fields dropped unless the directive was Strict (then there were none). */
  object: unknown;
  /** `Warning` texts for the response (Warn only). */
  warnings: string[];
}

function strictMessage(unknown: string[]): string {
  return `strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(', ')}`;
}

/** Go's `%+v` of a decoded JSON value, as the strategic-merge-patch error prints the patch. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goValue(x)}`).join(' ')}]`;
  }
  return String(v);
}

function patchInvalid(value: string, detail: string): StatusError {
  const body = `patch: Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return new StatusError(
    status(422, 'Invalid', ` "" is invalid: ${body}`, { causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field: 'patch' }] }),
  );
}

/**
 * Checks a decoded body of a built-in kind; kinds without a built-in schema (custom
 * resources, metrics, reviews) pass through unchanged.
 */
export function decodeChecked(type: ResourceType, version: string, value: unknown, directive: FieldValidation, origin: Origin, crdSchema?: unknown): DecodeResult {
  if (type.crd) return decodeCustom(type, version, value, directive, origin, crdSchema);
  const name = definitionNameOf(type.group, version, type.kind);
  const schema = name ? schemaOf(type.group, version, type.kind) : undefined;
  if (!name || !schema || typeof value !== 'object' || value === null) return { object: value, warnings: [] };
  const copy = structuredClone(value);
  const report = checkFields(schema, name, copy, directive !== 'Strict');
  const fail = failure(type, version, value, origin);
  if (report.typeError) throw fail(report.typeError);
  return finish(copy, report.unknown, directive, fail);
}

function failure(type: ResourceType, version: string, value: unknown, origin: Origin): (detail: string) => StatusError {
  return (detail) => {
    if (origin.kind === 'body') return badRequest(`${type.kind} in version "${version}" cannot be handled as a ${type.kind}: ${detail}`);
    const shown = origin.kind === 'strategic-patch' ? goValue(origin.patch) : JSON.stringify(value);
    return patchInvalid(shown, detail);
  };
}

function finish(object: unknown, unknown: string[], directive: FieldValidation, fail: (detail: string) => StatusError): DecodeResult {
  if (unknown.length && directive === 'Strict') throw fail(strictMessage(unknown));
  const warnings = directive === 'Warn' ? unknown.map((p) => `unknown field "${p}"`) : [];
  return { object, warnings };
}

/** Custom resources: fields the CRD's schema does not declare are pruned (Warn, Ignore) or refused (Strict). */
function decodeCustom(type: ResourceType, version: string, value: unknown, directive: FieldValidation, origin: Origin, schema: unknown): DecodeResult {
  if (!schema || typeof value !== 'object' || value === null) return { object: value, warnings: [] };
  const copy = structuredClone(value);
  const unknown = pruneUnknown(schema, copy);
  return finish(copy, unknown, directive, failure(type, version, value, origin));
}

/**
 * Server-side apply checks the configuration against the kind's schema whatever the
 * directive: unknown fields and wrong types fail the typed conversion.
 */
export function checkApplyConfiguration(type: ResourceType, version: string, config: unknown, namespace: string | undefined, objectName: string): void {
  const name = type.crd ? undefined : definitionNameOf(type.group, version, type.kind);
  const schema = name ? schemaOf(type.group, version, type.kind) : undefined;
  if (!name || !schema || typeof config !== 'object' || config === null) return;
  const report = checkFields(schema, name, structuredClone(config));
  const errors = report.unknown.map((p) => `.${p}: field not declared in schema`);
  if (report.typeError) {
    const m = /Go struct field \S+?\.(\S+) of type (\S+)/.exec(report.typeError);
    const expected = m && /int|float/.test(m[2]) ? 'numeric (int or float)' : m?.[2] === 'bool' ? 'boolean' : m?.[2] === 'string' ? 'string' : 'map';
    const got = /unmarshal (\w+)/.exec(report.typeError)?.[1] ?? 'value';
    errors.unshift(`.${m?.[1] ?? ''}: expected ${expected}, got ${got === 'bool' ? 'boolean' : got}`);
  }
  if (errors.length) throw typedPatchError({ type, version, namespace, name: objectName }, errors);
}

/** The apiserver's refusal of an apply configuration that does not fit the kind's schema. */
export function typedPatchError(r: { type: ResourceType; version: string; namespace?: string; name?: string }, errors: string[]): StatusError {
  const gv = r.type.group ? `${r.type.group}/${r.version}` : r.version;
  const where = `${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}; ${gv}, Kind=${r.type.kind}`;
  const detail = errors.length === 1 ? errors[0] : `errors:\n  ${errors.join('\n  ')}`;
  return badRequest(`failed to create typed patch object (${where}): ${detail}`);
}
