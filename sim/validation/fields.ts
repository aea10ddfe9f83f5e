/**
 * Decoding checks of a built-in kind's body against its schema, as the apiserver's
 * JSON decoder makes them: fields the kind does not have (reported as strict decoding
 * errors, in document order, with list indexes) and values of the wrong JSON type
 * (reported in Go's encoding/json words, which always fail the request).
 */
import { INT_OR_STRING, QUANTITY, goQualifiedName, goTypeName, refName, resolve, type Schema } from '../schemas/index';

export interface FieldReport {
  /** Paths of unknown fields: `spec.foo`, `spec.template.spec.containers[0].bar`. */
  unknown: string[];
  /** The first type error, worded as Go's decoder words it. */
  typeError?: string;
}

type Json = unknown;

function jsonKind(v: Json): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  return 'object';
}

function goType(s: Schema): string {
  const name = refName(s);
  if (name) return goQualifiedName(name);
  switch (s.type) {
    case 'array':
      return `[]${s.items ? goType(s.items) : 'interface {}'}`;
    case 'object':
      return s.additionalProperties ? `map[string]${goType(s.additionalProperties)}` : 'struct';
    case 'integer':
      return s.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return s.format === 'date-time' ? 'v1.Time' : 'string';
    default:
      return 'interface {}';
  }
}

class Walker {
  readonly unknown: string[] = [];
  typeError?: string;

  constructor(private readonly prune: boolean) {}

  /**
   * `goPath` is the dotted path without indexes that Go names in type errors; `struct`
   * the Go type holding the current field.
   */
  walk(schema: Schema, value: Json, path: string, goPath: string, struct: string): void {
    if (this.typeError || value === null || value === undefined) return;
    // A quantity and an int-or-string decode from a number as well as from a string.
    const ref = refName(schema);
    if (ref === QUANTITY || ref === INT_OR_STRING) {
      const number = typeof value === 'number' && (ref === QUANTITY || Number.isInteger(value));
      if (typeof value !== 'string' && !number) this.fail(value, struct, goPath, schema);
      return;
    }
    const s = resolve(schema);
    if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) return;
    switch (s.type) {
      case 'string':
        if (typeof value !== 'string') this.fail(value, struct, goPath, schema);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') this.fail(value, struct, goPath, schema);
        return;
      case 'integer':
        if (typeof value !== 'number') return this.fail(value, struct, goPath, schema);
        if (!Number.isInteger(value) || (s.format === 'int32' && (value > 2147483647 || value < -2147483648))) {
          this.typeError = `json: cannot unmarshal number ${value} into Go struct field ${struct}.${goPath} of type ${goType(schema)}`;
        }
        return;
      case 'number':
        if (typeof value !== 'number') this.fail(value, struct, goPath, schema);
        return;
      case 'array':
        if (!Array.isArray(value)) return this.fail(value, struct, goPath, schema);
        value.forEach((item, i) => this.walk(s.items ?? {}, item, `${path}[${i}]`, goPath, struct));
        return;
      case 'object':
        if (typeof value !== 'object' || Array.isArray(value)) return this.fail(value, struct, goPath, schema);
        if (s.additionalProperties) return this.walkMap(s.additionalProperties, value as Record<string, Json>, path, goPath, struct);
        return this.walkStruct(s, refName(schema), value as Record<string, Json>, path, goPath, struct);
    }
  }

  private walkMap(values: Schema, map: Record<string, Json>, path: string, goPath: string, struct: string): void {
    for (const [k, v] of Object.entries(map)) this.walk(values, v, `${path}.${k}`, goPath, struct);
  }

  walkStruct(s: Schema, name: string | undefined, obj: Record<string, Json>, path: string, goPath: string, struct: string): void {
    const holder = name ? goTypeName(name) : struct;
    for (const [k, v] of Object.entries(obj)) {
      const field = s.properties?.[k];
      const at = path ? `${path}.${k}` : k;
      if (!field) {
        this.unknown.push(at);
        if (this.prune) delete obj[k];
        continue;
      }
      this.walk(field, v, at, goPath ? `${goPath}.${k}` : k, holder);
    }
  }

  private fail(value: Json, struct: string, goPath: string, schema: Schema): void {
    this.typeError = `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${goPath} of type ${goType(schema)}`;
  }
}

/**
 * Checks `obj` against a kind's schema. With `prune`, unknown fields are also removed
 * from `obj` (which the caller must own).
 */
export function checkFields(schema: Schema, kindDefinition: string, obj: Json, prune = false): FieldReport {
  const w = new Walker(prune);
  const top = resolve(schema);
  if (typeof obj === 'object' && obj !== null && !Array.isArray(obj)) {
    w.walkStruct(top, kindDefinition, obj as Record<string, Json>, '', '', goTypeName(kindDefinition));
  }
  return { unknown: w.unknown, typeError: w.typeError };
}
