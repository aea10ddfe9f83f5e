/**
 * The apiserver's validation of the built-in kinds a portal edits, reduced to the
 * checks users meet most: required selectors matching their template, containers,
 * ports, requests within limits, Service ports, labels, and the fields that may not
 * change on update. Each check yields causes worded as Kubernetes words them.
 */
import { parseQuantity } from './quantity';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export interface Cause {
  field: string;
  message: string;
  reason: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueForbidden';
}

const required = (field: string, detail = ''): Cause => ({ field, message: detail ? `Required value: ${detail}` : 'Required value', reason: 'FieldValueRequired' });
const invalidValue = (field: string, value: string, detail: string): Cause => ({ field, message: `Invalid value: ${value}: ${detail}`, reason: 'FieldValueInvalid' });
const notSupported = (field: string, value: unknown, supported: string[]): Cause => ({
  field,
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  reason: 'FieldValueNotSupported',
});
const duplicate = (field: string, value: string): Cause => ({ field, message: `Duplicate value: ${value}`, reason: 'FieldValueDuplicate' });
const forbidden = (field: string, detail: string): Cause => ({ field, message: `Forbidden: ${detail}`, reason: 'FieldValueForbidden' });

/** Go's `%#v` of a map[string]string, as validation messages print label maps. */
export function goStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return 'map[string]string(nil)';
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function goSelector(s: Obj): string {
  const labels = goStringMap(s?.matchLabels);
  const exprs = Array.isArray(s?.matchExpressions) && s.matchExpressions.length
    ? `[]v1.LabelSelectorRequirement{${s.matchExpressions.map((e: Obj) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key ?? '')}, Operator:${JSON.stringify(e.operator ?? '')}, Values:[]string{${(e.values ?? []).map((v: string) => JSON.stringify(v)).join(', ')}}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `&v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** Label keys (`prefix/name`) and values. */
export function validateLabels(labels: unknown, field: string): Cause[] {
  if (!labels || typeof labels !== 'object') return [];
  const out: Cause[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : '';
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (name.length > 63 || !NAME_PART.test(name)) out.push(invalidValue(field, JSON.stringify(key), name.length > 63 ? 'name part must be no more than 63 characters' : NAME_PART_MSG));
    else if (slash >= 0 && (!DNS_SUBDOMAIN.test(prefix) || prefix.length > 253)) {
      out.push(invalidValue(field, JSON.stringify(key), "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
    }
    if (typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
      out.push(invalidValue(field, JSON.stringify(value), value.length > 63 ? 'must be no more than 63 characters' : LABEL_VALUE_MSG));
    }
  }
  return out;
}

function portNumber(field: string, port: unknown, zeroIsRequired: boolean): Cause[] {
  if (port === undefined || port === null || port === 0) return zeroIsRequired ? [required(field)] : [];
  if (typeof port === 'number' && (port < 1 || port > 65535)) return [invalidValue(field, String(port), PORT_RANGE)];
  return [];
}

const RESOURCE_UNITS: Record<string, string> = { cpu: 'cpu', memory: 'memory', 'ephemeral-storage': 'ephemeral-storage' };

function validateResources(resources: Obj, field: string): Cause[] {
  const out: Cause[] = [];
  const requests = resources?.requests ?? {};
  const limits = resources?.limits ?? {};
  for (const [name, raw] of Object.entries(requests)) {
    const limitRaw = limits[name];
    if (limitRaw === undefined) continue;
    const req = parseQuantity(raw);
    const lim = parseQuantity(limitRaw);
    if (req === undefined || lim === undefined || req <= lim) continue;
    const what = RESOURCE_UNITS[name] ?? name;
    out.push(invalidValue(`${field}.requests`, JSON.stringify(String(raw)), `must be less than or equal to ${what} limit of ${String(limitRaw)}`));
  }
  for (const [section, values] of [['requests', requests], ['limits', limits]] as const) {
    for (const [name, raw] of Object.entries(values as Record<string, unknown>)) {
      const v = parseQuantity(raw);
      if (v !== undefined && v < 0) out.push(invalidValue(`${field}.${section}[${name}]`, JSON.stringify(String(raw)), 'must be greater than or equal to 0'));
    }
  }
  return out;
}

function validateContainers(list: unknown, field: string, requiredList: boolean, names: Set<string>): Cause[] {
  if (!Array.isArray(list) || list.length === 0) return requiredList ? [required(field)] : [];
  const out: Cause[] = [];
  list.forEach((c: Obj, i) => {
    const at = `${field}[${i}]`;
    if (!c?.name) out.push(required(`${at}.name`));
    else if (!DNS_LABEL.test(c.name) || c.name.length > 63) out.push(invalidValue(`${at}.name`, JSON.stringify(c.name), DNS_LABEL_MSG));
    else if (names.has(c.name)) out.push(duplicate(`${at}.name`, JSON.stringify(c.name)));
    if (c?.name) names.add(c.name);
    if (!c?.image) out.push(required(`${at}.image`));
    const ports: Obj[] = Array.isArray(c?.ports) ? c.ports : [];
    ports.forEach((p, j) => {
      out.push(...portNumber(`${at}.ports[${j}].containerPort`, p?.containerPort, true));
      out.push(...portNumber(`${at}.ports[${j}].hostPort`, p?.hostPort, false));
      if (p?.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) out.push(notSupported(`${at}.ports[${j}].protocol`, p.protocol, PROTOCOLS));
    });
    out.push(...validateResources(c?.resources, `${at}.resources`));
  });
  return out;
}

/** A pod spec: containers, init containers, their ports and resources; restart policy against what the owner allows. */
export function validatePodSpec(spec: Obj, field: string, restartPolicies?: string[]): Cause[] {
  const names = new Set<string>();
  const out = [...validateContainers(spec?.containers, `${field}.containers`, true, names), ...validateContainers(spec?.initContainers, `${field}.initContainers`, false, names)];
  const policy = spec?.restartPolicy;
  const allowed = ['Always', 'OnFailure', 'Never'];
  if (policy !== undefined && !allowed.includes(policy)) out.push(notSupported(`${field}.restartPolicy`, policy, allowed));
  else if (policy !== undefined && restartPolicies && !restartPolicies.includes(policy)) out.push(notSupported(`${field}.restartPolicy`, policy, restartPolicies));
  return out;
}

function selectorMatches(selector: Obj, labels: Record<string, string>): boolean {
  const ml: Record<string, string> = selector?.matchLabels ?? {};
  const exprs: Obj[] = selector?.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && exprs.length === 0) return false;
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(value))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A workload's selector and pod template (Deployment, ReplicaSet, StatefulSet, DaemonSet). */
function validateWorkload(obj: Obj, kindWord: string, restartPolicies: string[] | undefined): Cause[] {
  const spec = obj.spec ?? {};
  const out: Cause[] = [];
  if (typeof spec.replicas === 'number' && spec.replicas < 0) out.push(invalidValue('spec.replicas', String(spec.replicas), 'must be greater than or equal to 0'));
  if (!spec.selector) out.push(required('spec.selector'));
  else if (Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length === 0) {
    out.push(invalidValue('spec.selector', goSelector(spec.selector).slice(1), `empty selector is invalid for ${kindWord}`));
  }
  const labels = spec.template?.metadata?.labels ?? {};
  if (!selectorMatches(spec.selector, labels)) {
    out.push(invalidValue('spec.template.metadata.labels', goStringMap(labels), '`selector` does not match template `labels`'));
  }
  out.push(...validateLabels(spec.template?.metadata?.labels, 'spec.template.metadata.labels'));
  out.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec', restartPolicies));
  return out;
}

function validateService(obj: Obj): Cause[] {
  const spec = obj.spec ?? {};
  const out: Cause[] = [];
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (spec.type !== undefined && !types.includes(spec.type)) out.push(notSupported('spec.type', spec.type, types));
  const ports: Obj[] = Array.isArray(spec.ports) ? spec.ports : [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && spec.type !== 'ExternalName' && !headless) out.push(required('spec.ports'));
  if (spec.type === 'ExternalName' && !spec.externalName) out.push(required('spec.externalName'));
  const seenNames = new Set<string>();
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p?.name) out.push(required(`${at}.name`));
    else if (p?.name) {
      if (!DNS_LABEL.test(p.name) || p.name.length > 63) out.push(invalidValue(`${at}.name`, JSON.stringify(p.name), DNS_LABEL_MSG));
      else if (seenNames.has(p.name)) out.push(duplicate(`${at}.name`, JSON.stringify(p.name)));
      seenNames.add(p.name);
    }
    out.push(...portNumber(`${at}.port`, p?.port, true));
    if (typeof p?.targetPort === 'number') out.push(...portNumber(`${at}.targetPort`, p.targetPort, false));
    if (p?.nodePort !== undefined && p.nodePort !== 0) out.push(...portNumber(`${at}.nodePort`, p.nodePort, false));
    if (p?.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) out.push(notSupported(`${at}.protocol`, p.protocol, PROTOCOLS));
    const key = `${p?.port}/${p?.protocol ?? 'TCP'}`;
    if (seenPorts.has(key)) out.push(duplicate(at, `core.ServicePort{Name:${JSON.stringify(p?.name ?? '')}, Protocol:${JSON.stringify(p?.protocol ?? 'TCP')}, Port:${p?.port}}`));
    seenPorts.add(key);
  });
  out.push(...validateLabels(spec.selector, 'spec.selector'));
  return out;
}

/** Checks of a new or updated object of a built-in kind; the update checks need the old object. */
const VALIDATORS: Record<string, (obj: Obj) => Cause[]> = {
  Pod: (o) => validatePodSpec(o.spec, 'spec'),
  Deployment: (o) => validateWorkload(o, 'deployment', ['Always']),
  ReplicaSet: (o) => validateWorkload(o, 'replicaset', ['Always']),
  StatefulSet: (o) => validateWorkload(o, 'statefulset', ['Always']),
  DaemonSet: (o) => validateWorkload(o, 'daemonset', ['Always']),
  Job: (o) => {
    const spec = o.spec ?? {};
    const out: Cause[] = [];
    for (const f of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds'] as const) {
      if (typeof spec[f] === 'number' && spec[f] < 0) out.push(invalidValue(`spec.${f}`, String(spec[f]), 'must be greater than or equal to 0'));
    }
    if (!spec.selector) out.push(required('spec.selector'));
    else if (!selectorMatches(spec.selector, spec.template?.metadata?.labels ?? {})) {
      out.push(invalidValue('spec.template.metadata.labels', goStringMap(spec.template?.metadata?.labels ?? {}), '`selector` does not match template `labels`'));
    }
    out.push(...validatePodSpec(spec.template?.spec, 'spec.template.spec', ['OnFailure', 'Never']));
    return out;
  },
  CronJob: (o) => {
    const spec = o.spec ?? {};
    const out: Cause[] = [];
    if (!spec.schedule) out.push(required('spec.schedule'));
    out.push(...validatePodSpec(spec.jobTemplate?.spec?.template?.spec, 'spec.jobTemplate.spec.template.spec', ['OnFailure', 'Never']));
    return out;
  },
  Service: validateService,
};

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Pod fields that may change on update; everything else in the spec is fixed once created. */
function podSpecMutable(spec: Obj): Obj {
  const copy = structuredClone(spec ?? {});
  for (const c of [...(copy.containers ?? []), ...(copy.initContainers ?? [])]) delete c.image;
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  delete copy.schedulingGates;
  delete copy.nodeName;
  return copy;
}

const POD_UPDATE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const STATEFULSET_UPDATE =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function immutableSelector(o: Obj, old: Obj): Cause[] {
  if (same(o.spec?.selector, old.spec?.selector)) return [];
  return [invalidValue('spec.selector', goSelector(o.spec?.selector).slice(1), 'field is immutable')];
}

const UPDATE_VALIDATORS: Record<string, (obj: Obj, old: Obj) => Cause[]> = {
  Pod: (o, old) => (same(podSpecMutable(o.spec), podSpecMutable(old.spec)) ? [] : [forbidden('spec', POD_UPDATE)]),
  Deployment: immutableSelector,
  ReplicaSet: immutableSelector,
  DaemonSet: immutableSelector,
  StatefulSet: (o, old) => {
    const rest = (s: Obj) => {
      const { replicas: _r, ordinals: _o, template: _t, updateStrategy: _u, persistentVolumeClaimRetentionPolicy: _p, minReadySeconds: _m, ...others } = s ?? {};
      return others;
    };
    return same(rest(o.spec), rest(old.spec)) ? [] : [forbidden('spec', STATEFULSET_UPDATE)];
  },
  Job: (o, old) => {
    const out: Cause[] = [];
    if (!same(o.spec?.selector, old.spec?.selector)) out.push(invalidValue('spec.selector', goSelector(o.spec?.selector).slice(1), 'field is immutable'));
    const template = (t: Obj) => {
      // The scheduling directives of a suspended job may change; the rest of the template may not.
      const c = structuredClone(t ?? {});
      if (c.metadata) delete c.metadata.creationTimestamp;
      return c;
    };
    if (!same(template(o.spec?.template), template(old.spec?.template))) out.push(invalidValue('spec.template', 'core.PodTemplateSpec{...}', 'field is immutable'));
    if (o.spec?.completionMode !== old.spec?.completionMode) out.push(invalidValue('spec.completionMode', JSON.stringify(o.spec?.completionMode ?? ''), 'field is immutable'));
    return out;
  },
  Service: (o, old) => {
    const was = old.spec?.clusterIP;
    if (old.spec?.type === 'ExternalName' || o.spec?.type === 'ExternalName' || !was) return [];
    const now = o.spec?.clusterIP;
    if (now === was) return [];
    const ips: string[] = o.spec?.clusterIPs ?? (now ? [now] : []);
    return [invalidValue('spec.clusterIPs[0]', `[]string{${ips.map((ip) => JSON.stringify(ip)).join(', ')}}`, 'may not change once set')];
  },
};

/** Every cause against a new (old undefined) or updated object of a built-in kind. */
export function builtinCauses(kind: string, obj: Obj, old: Obj | undefined): Cause[] {
  const out = [...validateLabels(obj.metadata?.labels, 'metadata.labels'), ...(VALIDATORS[kind]?.(obj) ?? [])];
  if (old) out.push(...(UPDATE_VALIDATORS[kind]?.(obj, old) ?? []));
  return out;
}
