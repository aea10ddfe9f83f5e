import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { KindSchema, SchemaNode } from '@/lib/schema';

/**
 * Reading a kind's OpenAPI schema for the YAML editor: which fields exist at
 * a place in the document (completion), and which fields of a draft are
 * unknown or of the wrong type (inline lint). Pure functions over text, so
 * they are tested without a browser.
 */

/** The schema behind `$ref` and the single-`allOf` wrapping the apiserver publishes. */
export function resolve(schema: KindSchema, node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current && hops < 16; hops++) {
    const ref = current.$ref ?? (current.allOf?.length === 1 ? current.allOf[0].$ref : undefined);
    if (!ref) return current;
    const name = ref.replace(/^#\/components\/schemas\//, '');
    const target = Object.hasOwn(schema.schemas, name) ? schema.schemas[name] : undefined;
    // Keep the wrapper's own description over the target's.
    current = target ? { ...target, ...(current.description ? { description: current.description } : {}) } : undefined;
  }
  return current;
}

export type PathStep = string | number;

/** The schema at `path` (keys and list indexes) below the kind's root, or undefined where the schema says nothing. */
export function schemaAt(schema: KindSchema, path: PathStep[]): SchemaNode | undefined {
  let node = resolve(schema, schema.schemas[schema.root]);
  for (const step of path) {
    if (!node) return undefined;
    if (typeof step === 'number') node = resolve(schema, node.items);
    else if (node.properties && Object.hasOwn(node.properties, step)) node = resolve(schema, node.properties[step]);
    else if (node.additionalProperties && typeof node.additionalProperties === 'object') node = resolve(schema, node.additionalProperties);
    else return undefined;
  }
  return node;
}

/** Whether a mapping at this schema may hold keys the schema does not name. */
function open(node: SchemaNode): boolean {
  return node['x-kubernetes-preserve-unknown-fields'] === true || node.additionalProperties !== undefined || !node.properties;
}

/** What kind of value the schema wants, in the words Kubernetes' decoder uses. */
function wanted(node: SchemaNode): string | undefined {
  if (node['x-kubernetes-int-or-string'] || node['x-kubernetes-preserve-unknown-fields']) return undefined;
  return node.type;
}

function actual(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fits(type: string, value: unknown): boolean {
  const got = actual(value);
  if (got === 'null') return true; // null clears a field: Kubernetes accepts it for any type
  if (type === 'number') return got === 'number' || got === 'integer';
  return type === got;
}

/** One problem in the draft, at a range of the text. */
export interface SchemaProblem {
  from: number;
  to: number;
  message: string;
}

/**
 * Unknown field names and values of the wrong type in a YAML draft, checked
 * against the kind's schema. The draft's own syntax errors are left to the
 * server's parser (its message is the one that counts); a draft that does not
 * parse yields none here.
 */
export function lintYaml(schema: KindSchema, text: string): SchemaProblem[] {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  const problems: SchemaProblem[] = [];
  const walk = (node: Node | null | undefined, sch: SchemaNode | undefined, path: string) => {
    if (!node || !sch) return;
    const type = wanted(sch);
    if (isMap(node)) {
      if (type && type !== 'object') {
        problems.push(at(node, `${path || 'the document'}: expected ${type}, got a mapping`));
        return;
      }
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const child = sch.properties && Object.hasOwn(sch.properties, key) ? resolve(schema, sch.properties[key]) : undefined;
        if (!child && !open(sch)) {
          problems.push(at(pair.key, `unknown field "${path ? `${path}.${key}` : key}"`));
          continue;
        }
        const valueSchema = child ?? (typeof sch.additionalProperties === 'object' ? resolve(schema, sch.additionalProperties) : undefined);
        walk(pair.value as Node, valueSchema, path ? `${path}.${key}` : key);
      }
    } else if (isSeq(node)) {
      if (type && type !== 'array') {
        problems.push(at(node, `${path}: expected ${type}, got a list`));
        return;
      }
      const items = resolve(schema, sch.items);
      node.items.forEach((item, i) => walk(item as Node, items, `${path}[${i}]`));
    } else if (isScalar(node)) {
      if (type && !fits(type, node.value)) problems.push(at(node, `${path}: expected ${type}, got ${actual(node.value)} ${JSON.stringify(node.value)}`));
    }
  };
  walk(doc.contents as Node, resolve(schema, schema.schemas[schema.root]), '');
  return problems;
}

function at(node: { range?: [number, number, number] | null }, message: string): SchemaProblem {
  const [from, to] = node.range ?? [0, 0];
  return { from, to: Math.max(to, from + 1), message };
}

/**
 * Where the cursor is in a YAML draft, as a path of keys and list indexes,
 * read from indentation alone (the draft is mid-edit and seldom parses): the
 * lines above that are less indented are the parents, and a `- ` opens a list
 * item. Index numbers are not tracked (every item of a list has one schema), so
 * each list step is 0.
 */
export function pathAt(text: string, offset: number): PathStep[] {
  const lines = text.slice(0, offset).split('\n');
  const current = lines.pop() ?? '';
  const dash = /^(\s*)- /.exec(current);
  let indent = dash ? dash[1].length + 2 : /^\s*/.exec(current)![0].length;
  const path: PathStep[] = [];
  if (dash) path.unshift(0);
  // After a list item, its list's key may sit at the item's own indentation (`containers:` above `- name:`).
  let listAt = dash ? dash[1].length : -1;
  for (let i = lines.length - 1; i >= 0 && (indent > 0 || listAt === 0); i--) {
    const line = lines[i];
    if (!line.trim() || /^\s*#/.test(line)) continue;
    const m = /^(\s*)(- +)?([^\s:#][^:#]*?)?\s*(:)?(\s.*)?$/.exec(line);
    if (!m) continue;
    const lead = m[1].length;
    const key = m[4] && m[3] ? m[3].trim() : undefined;
    const opensBlock = key !== undefined && !(m[5] ?? '').trim();
    if (m[2]) {
      if (lead === listAt) continue; // an earlier item of the same list
      const contentIndent = lead + m[2].length;
      if (contentIndent < indent && opensBlock) path.unshift(key);
      if (contentIndent <= indent && lead < indent) {
        path.unshift(0);
        indent = lead;
        listAt = lead;
      }
      continue;
    }
    if (lead < indent || lead === listAt) {
      if (opensBlock) path.unshift(key);
      indent = lead;
      listAt = -1;
    }
  }
  return path;
}

/** The field names the schema offers at `path`, with their types and first line of description. */
export function fieldsAt(schema: KindSchema, path: PathStep[]): Array<{ name: string; type?: string; info?: string }> {
  const node = schemaAt(schema, path);
  if (!node?.properties) return [];
  return Object.entries(node.properties).map(([name, raw]) => {
    const child = resolve(schema, raw);
    return { name, type: child?.type, info: (child?.description ?? '').split('\n')[0] || undefined };
  });
}
