/**
 * The built-in kinds' schemas, as OpenAPI definitions named as the apiserver names them
 * (`io.k8s.api.apps.v1.DeploymentSpec`), generated from the `kubernetes-types` package
 * (pinned in package.json): TypeScript declarations produced from Kubernetes' own
 * OpenAPI document, one file per group-version, with every field's description, its
 * type and whether it is required. Nothing here is written per kind: the declarations
 * are read once, on first use, by a small reader of their regular shape.
 *
 * What the declarations cannot say is filled by rule: every `number` is an int32 integer
 * except the int64 fields listed in INT64_FIELDS and the few JSON-schema fields that are
 * doubles; `number | string` is IntOrString;
 * the strategic-merge keys of the lists clients merge (containers by name, ports by
 * containerPort, …) are added from PATCH_META so client-side apply computes its patches
 * as against a real server.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

export interface Schema {
  [key: string]: unknown;
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** Definitions keyed by their full name; `$ref`s point at `#/definitions/<name>` (OpenAPI v2 style). */
export type Definitions = Map<string, Schema>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** The declaration file's path (without `.d.ts`) → the Go package its definitions are named after. */
function packageOf(modulePath: string): string {
  if (modulePath === 'meta/v1') return META;
  if (modulePath === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (modulePath === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  if (modulePath === 'version') return 'io.k8s.apimachinery.pkg.version';
  if (modulePath === 'apiextensions/v1') return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
  return `io.k8s.api.${modulePath.replace('/', '.')}`;
}

/** Strategic-merge metadata the declarations do not carry: `Definition.field` → merge key and strategy. */
const PATCH_META: Record<string, { key?: string; strategy: string }> = {
  'core.v1.PodSpec.containers': { key: 'name', strategy: 'merge' },
  'core.v1.PodSpec.initContainers': { key: 'name', strategy: 'merge' },
  'core.v1.PodSpec.ephemeralContainers': { key: 'name', strategy: 'merge' },
  'core.v1.PodSpec.volumes': { key: 'name', strategy: 'merge,retainKeys' },
  'core.v1.PodSpec.imagePullSecrets': { key: 'name', strategy: 'merge' },
  'core.v1.PodSpec.hostAliases': { key: 'ip', strategy: 'merge' },
  'core.v1.Container.env': { key: 'name', strategy: 'merge' },
  'core.v1.Container.ports': { key: 'containerPort', strategy: 'merge' },
  'core.v1.Container.volumeMounts': { key: 'mountPath', strategy: 'merge' },
  'core.v1.Container.volumeDevices': { key: 'devicePath', strategy: 'merge' },
  'core.v1.EphemeralContainer.env': { key: 'name', strategy: 'merge' },
  'core.v1.EphemeralContainer.ports': { key: 'containerPort', strategy: 'merge' },
  'core.v1.EphemeralContainer.volumeMounts': { key: 'mountPath', strategy: 'merge' },
  'core.v1.ServiceSpec.ports': { key: 'port', strategy: 'merge' },
  'core.v1.PodStatus.conditions': { key: 'type', strategy: 'merge' },
  'core.v1.NodeStatus.conditions': { key: 'type', strategy: 'merge' },
  'core.v1.NodeStatus.addresses': { key: 'type', strategy: 'merge' },
  'apps.v1.DeploymentStatus.conditions': { key: 'type', strategy: 'merge' },
  'apps.v1.DeploymentSpec.strategy': { strategy: 'retainKeys' },
  'apimachinery.pkg.apis.meta.v1.ObjectMeta.finalizers': { strategy: 'merge' },
  'apimachinery.pkg.apis.meta.v1.ObjectMeta.ownerReferences': { key: 'uid', strategy: 'merge' },
};

/** Fields that are doubles in Kubernetes' schema (every other number is an integer). */
const DOUBLE_FIELDS = new Set(['JSONSchemaProps.maximum', 'JSONSchemaProps.minimum', 'JSONSchemaProps.multipleOf']);

/** Integer fields that are int64 in Kubernetes' schema (every other integer is an int32). */
const INT64_FIELDS = new Set([
  ...['ObjectMeta.generation', 'ObjectMeta.deletionGracePeriodSeconds', 'ListMeta.remainingItemCount', 'DeleteOptions.gracePeriodSeconds', 'Condition.observedGeneration'],
  ...['PodSpec.activeDeadlineSeconds', 'PodSpec.terminationGracePeriodSeconds', 'Probe.terminationGracePeriodSeconds', 'SleepAction.seconds', 'Toleration.tolerationSeconds'],
  ...['PodSecurityContext.runAsUser', 'PodSecurityContext.runAsGroup', 'PodSecurityContext.fsGroup', 'PodSecurityContext.supplementalGroups', 'SecurityContext.runAsUser', 'SecurityContext.runAsGroup'],
  ...['PodStatus.observedGeneration', 'PodCondition.observedGeneration', 'ContainerImage.sizeBytes', 'NodeSwapStatus.capacity', 'LinuxContainerUser.uid', 'LinuxContainerUser.gid', 'LinuxContainerUser.supplementalGroups'],
  ...['JobSpec.activeDeadlineSeconds', 'CronJobSpec.startingDeadlineSeconds', 'ControllerRevision.revision', 'ServiceAccountTokenProjection.expirationSeconds', 'TokenRequestSpec.expirationSeconds', 'TokenRequest.expirationSeconds'],
  ...['DeploymentStatus.observedGeneration', 'ReplicaSetStatus.observedGeneration', 'StatefulSetStatus.observedGeneration', 'DaemonSetStatus.observedGeneration', 'ReplicationControllerStatus.observedGeneration'],
  ...['HorizontalPodAutoscalerStatus.observedGeneration', 'PodDisruptionBudgetStatus.observedGeneration', 'ValidatingAdmissionPolicyStatus.observedGeneration', 'CSIDriverSpec.nodeAllocatableUpdatePeriodSeconds'],
  ...['JSONSchemaProps.maxItems', 'JSONSchemaProps.minItems', 'JSONSchemaProps.maxLength', 'JSONSchemaProps.minLength', 'JSONSchemaProps.maxProperties', 'JSONSchemaProps.minProperties'],
]);

interface Parsed {
  /** local name → full definition name, for this file's own names and its imports */
  names: Map<string, string>;
  pkg: string;
  lines: string[];
}

function typesRoot(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('kubernetes-types/package.json'));
}

function declarationFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.d.ts') && name !== 'index.d.ts') out.push(p);
    }
  };
  walk(root);
  return out;
}

function cleanDoc(raw: string): string {
  return raw
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

/** Reads one declaration file's names (its own exports and what it imports). */
function parseNames(root: string, file: string): Parsed {
  const modulePath = relative(root, file).replace(/\.d\.ts$/, '');
  const pkg = packageOf(modulePath);
  const text = readFileSync(file, 'utf8');
  const names = new Map<string, string>();
  for (const m of text.matchAll(/^import \{([^}]+)\} from "([^"]+)";$/gm)) {
    const from = join(dirname(modulePath), m[2]).replace(/\\/g, '/');
    for (const n of m[1].split(',').map((s) => s.trim()).filter(Boolean)) names.set(n, `${packageOf(from)}.${n}`);
  }
  for (const m of text.matchAll(/^export (?:interface|type) ([A-Za-z0-9_]+)/gm)) names.set(m[1], `${pkg}.${m[1]}`);
  return { names, pkg, lines: text.split('\n') };
}

/** The schema for a declared type expression. */
function typeSchema(expr: string, names: Map<string, string>, field: string): Schema {
  const t = expr.trim();
  if (t === 'string') return { type: 'string' };
  if (t === 'boolean') return { type: 'boolean' };
  if (t === 'number') {
    if (DOUBLE_FIELDS.has(field)) return { type: 'number', format: 'double' };
    return { type: 'integer', format: INT64_FIELDS.has(field) ? 'int64' : 'int32' };
  }
  if (t === 'number | string' || t === 'string | number') return { $ref: `#/definitions/${INT_OR_STRING}` };
  if (/^"[^"]*"$/.test(t)) return { type: 'string' };
  const arr = t.match(/^Array<(.+)>$/) ?? t.match(/^(.+)\[\]$/);
  if (arr) return { type: 'array', items: typeSchema(arr[1], names, field) };
  const full = names.get(t);
  if (full) return { $ref: `#/definitions/${full}` };
  return {};
}

/** Shapes given by rule rather than by a declaration. */
const BUILTIN_ALIASES: Record<string, Schema> = {
  [`${META}.Time`]: { type: 'string', format: 'date-time', description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.' },
  [`${META}.MicroTime`]: { type: 'string', format: 'date-time', description: 'MicroTime is version of Time with microsecond level precision.' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string', description: 'Quantity is a fixed-point representation of a number, such as `500m` or `1Gi`.' },
  [INT_OR_STRING]: { type: 'string', format: 'int-or-string', description: 'IntOrString is a type that can hold an int32 or a string.' },
};

const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

const RULE_RESOURCES: Record<string, Schema> = {
  resources: { type: 'array', items: { type: 'string' }, description: 'Resources the rule applies to: `*` for all, `pods/*` or `*/scale` for subresources.' },
  scope: { type: 'string', description: 'Cluster, Namespaced or `*` (the default): the scope of the resources the rule applies to.' },
};

/**
 * Properties the apiserver's schema has and the declarations leave out: the
 * `x-kubernetes-*` extensions of a CRD's schema, whose names are not identifiers, and
 * the fields whose description holds a `*` followed by a `/` (`pods/*`), which the
 * package's generator lost along with their comment.
 */
const UNDECLARED_PROPERTIES: Record<string, { properties: Record<string, Schema>; required?: string[] }> = {
  'io.k8s.api.admissionregistration.v1.RuleWithOperations': { properties: RULE_RESOURCES },
  'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations': { properties: RULE_RESOURCES },
  'io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations': { properties: RULE_RESOURCES },
  'io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations': { properties: RULE_RESOURCES },
  'io.k8s.api.authorization.v1.ResourceRule': {
    required: ['verbs'],
    properties: {
      verbs: { type: 'array', items: { type: 'string' }, description: 'The verbs the subject may use on these resources: get, list, watch, create, update, delete, … or `*` for all.' },
      resources: { type: 'array', items: { type: 'string' }, description: 'The resources the rule applies to: `*` for all in its groups, `*/foo` for subresource foo of all.' },
    },
  },
  [`${APIEXTENSIONS}.JSONSchemaProps`]: {
    properties: {
      'x-kubernetes-embedded-resource': { type: 'boolean', description: 'Marks an object holding a whole Kubernetes object (apiVersion, kind, metadata); it must also set type: object.' },
      'x-kubernetes-int-or-string': { type: 'boolean', description: 'Lets the value be an integer or a string.' },
      'x-kubernetes-list-map-keys': { type: 'array', items: { type: 'string' }, description: 'For a list of type map: the fields of an item that identify it.' },
      'x-kubernetes-list-type': { type: 'string', description: 'How a list is merged and validated: atomic, set or map.' },
      'x-kubernetes-map-type': { type: 'string', description: 'How an object is merged: granular or atomic.' },
      'x-kubernetes-preserve-unknown-fields': { type: 'boolean', description: 'Keeps fields the schema does not declare instead of pruning them.' },
      'x-kubernetes-validations': { type: 'array', items: { $ref: `#/definitions/${APIEXTENSIONS}.ValidationRule` }, description: 'CEL validation rules for this value.' },
    },
  },
};

function parseDefinitions(p: Parsed, out: Definitions, gvks: Map<string, Gvk[]>): void {
  let doc = '';
  let docOpen: string[] | undefined;
  let current: { name: string; schema: Schema; props: Record<string, Schema>; required: string[]; literal: Record<string, string> } | undefined;
  let mapField: { name: string; optional: boolean; doc: string } | undefined;
  const shortPkg = p.pkg.replace(/^io\.k8s\.(api\.)?/, '');
  const finish = () => {
    if (!current) return;
    const { schema, props, required, literal } = current;
    if (Object.keys(props).length) schema.properties = props;
    if (required.length) schema.required = required.sort();
    const apiVersion = literal.apiVersion;
    const kind = literal.kind;
    if (apiVersion && kind && !kind.endsWith('List')) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      gvks.set(`${p.pkg}.${current.name}`, [{ group, kind, version }]);
    }
    out.set(`${p.pkg}.${current.name}`, schema);
    current = undefined;
  };
  const addProp = (name: string, optional: boolean, schema: Schema, description: string) => {
    if (!current) return;
    const s: Schema = { ...schema };
    if (description) s.description = description;
    const meta = PATCH_META[`${shortPkg}.${current.name}.${name}`];
    if (meta) {
      if (meta.key) s['x-kubernetes-patch-merge-key'] = meta.key;
      s['x-kubernetes-patch-strategy'] = meta.strategy;
    }
    current.props[name] = s;
    if (!optional) current.required.push(name);
  };
  for (const line of p.lines) {
    if (docOpen) {
      docOpen.push(line);
      if (line.includes('*/')) {
        doc = cleanDoc(docOpen.join('\n'));
        docOpen = undefined;
      }
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith('/**')) {
      if (trimmed.endsWith('*/')) doc = cleanDoc(trimmed);
      else docOpen = [trimmed];
      continue;
    }
    let m = line.match(/^export interface ([A-Za-z0-9_]+) \{(\})?$/);
    if (m) {
      finish();
      current = { name: m[1], schema: { type: 'object', ...(doc ? { description: doc } : {}) }, props: {}, required: [], literal: {} };
      doc = '';
      if (m[2]) finish();
      continue;
    }
    m = line.match(/^export type ([A-Za-z0-9_]+) = (.+);$/);
    if (m) {
      finish();
      const full = `${p.pkg}.${m[1]}`;
      out.set(full, BUILTIN_ALIASES[full] ?? { ...(doc ? { description: doc } : {}) });
      doc = '';
      continue;
    }
    if (line === '}') {
      finish();
      doc = '';
      continue;
    }
    if (!current) continue;
    if (mapField) {
      const v = trimmed.match(/^\[[a-z]+: string\]: (.+);$/);
      if (v) addProp(mapField.name, mapField.optional, { type: 'object', additionalProperties: typeSchema(v[1], p.names, `${current.name}.${mapField.name}`) }, mapField.doc);
      if (trimmed === '};') mapField = undefined;
      continue;
    }
    m = line.match(/^\s+(?:readonly\s+)?("[^"]+"|[A-Za-z0-9_$]+)(\?)?: (.+?);?$/);
    if (!m) continue;
    const name = m[1].replace(/^"|"$/g, '');
    const optional = m[2] === '?';
    const expr = m[3];
    if (expr === '{') {
      mapField = { name, optional, doc };
      doc = '';
      continue;
    }
    const literal = expr.match(/^"([^"]*)"$/);
    if (literal && (name === 'apiVersion' || name === 'kind')) current.literal[name] = literal[1];
    addProp(name, optional, typeSchema(expr, p.names, `${current.name}.${name}`), doc);
    doc = '';
  }
  finish();
}

let cached: { definitions: Definitions; gvks: Map<string, Gvk[]> } | undefined;

/** Every built-in definition, and the group-version-kinds of the top-level kinds. Read once per process. */
export function builtinDefinitions(): { definitions: Definitions; gvks: Map<string, Gvk[]> } {
  if (cached) return cached;
  const root = typesRoot();
  const definitions: Definitions = new Map();
  const gvks = new Map<string, Gvk[]>();
  for (const file of declarationFiles(root)) parseDefinitions(parseNames(root, file), definitions, gvks);
  for (const [name, schema] of Object.entries(BUILTIN_ALIASES)) definitions.set(name, schema);
  for (const [name, extra] of Object.entries(UNDECLARED_PROPERTIES)) {
    const schema = definitions.get(name);
    if (!schema) continue;
    schema.properties = { ...(schema.properties as Record<string, Schema>), ...extra.properties };
    if (extra.required) schema.required = [...new Set([...((schema.required as string[]) ?? []), ...extra.required])].sort();
  }
  cached = { definitions, gvks };
  return cached;
}

/** The definition that describes a kind at a group-version, if the package has one. */
export function definitionFor(group: string, version: string, kind: string): string | undefined {
  const { gvks } = builtinDefinitions();
  for (const [name, list] of gvks) if (list.some((g) => g.group === group && g.version === version && g.kind === kind)) return name;
  return undefined;
}

/** Names of every definition `start` refers to, itself included, following `$ref`s. */
export function closure(definitions: Definitions, start: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const schema = definitions.get(name);
    if (!schema) return;
    seen.add(name);
    walkRefs(schema, visit);
  };
  for (const s of start) visit(s);
  return seen;
}

function walkRefs(v: unknown, found: (name: string) => void): void {
  if (Array.isArray(v)) for (const x of v) walkRefs(x, found);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') found(x.replace(/^#\/(definitions|components\/schemas)\//, ''));
      else walkRefs(x, found);
    }
  }
}
