import { badRequest, StatusError, status } from '../status';
import type { KubeObject } from '../types';

/**
 * Reads the protobuf request bodies kubectl's typed clients send
 * (`Content-Type: application/vnd.kubernetes.protobuf`): the magic `k8s\0`, then a
 * runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType} whose
 * `raw` is the object itself. Only the kinds in SCHEMAS are understood, and of those only
 * the fields a client sets on create (for workloads, the common pod template fields);
 * the result is the object as kubectl would have sent it in JSON (empty strings, zero
 * numbers and the status are left out). Fields outside a schema are skipped.
 *
 * Field numbers follow k8s.io/api's generated.proto files.
 */
export function decodeProtobufBody(body: Buffer): KubeObject {
  if (body.length < 4 || body.readUInt32BE(0) !== MAGIC) throw badRequest('protobuf body does not start with the Kubernetes magic number "k8s\\x00"');
  let unknown: Fields;
  try {
    unknown = readFields(body.subarray(4));
  } catch (err) {
    throw badRequest(`cannot read protobuf body: ${(err as Error).message}`);
  }
  const typeMeta = unknown.get(1)?.[0];
  const tm = typeMeta instanceof Uint8Array ? safeFields(typeMeta) : new Map();
  const apiVersion = str(tm.get(1)?.[0]);
  const kind = str(tm.get(2)?.[0]);
  const encoding = str(unknown.get(3)?.[0]);
  if (encoding) throw unsupported(`protobuf contentEncoding "${encoding}" is not supported`);
  const schema = SCHEMAS[`${apiVersion}/${kind}`];
  if (!schema) {
    throw unsupported(
      `the simulator cannot decode a protobuf ${kind || 'object'} (${apiVersion || 'no apiVersion'}); send it as application/json instead (kubectl: use "create -f" or "apply")`,
    );
  }
  const raw = unknown.get(2)?.[0];
  const object = raw instanceof Uint8Array ? decodeMessage(raw, schema) : {};
  return { apiVersion, kind, metadata: {}, ...object } as KubeObject;
}

const MAGIC = 0x6b387300; // "k8s\0"

function unsupported(message: string): StatusError {
  return new StatusError(status(415, 'UnsupportedMediaType', message));
}

// ---- wire format -------------------------------------------------------------------

/** Field number → the raw values seen, in order: varints as bigint, length-delimited as bytes. */
export type Fields = Map<number, (bigint | Uint8Array)[]>;

function readVarint(buf: Uint8Array, pos: { at: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.at >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos.at++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

export function readFields(buf: Uint8Array): Fields {
  const fields: Fields = new Map();
  const pos = { at: 0 };
  while (pos.at < buf.length) {
    const key = Number(readVarint(buf, pos));
    const field = key >>> 3;
    const wire = key & 7;
    if (field === 0) throw new Error('field number 0');
    let value: bigint | Uint8Array;
    switch (wire) {
      case 0:
        value = readVarint(buf, pos);
        break;
      case 2: {
        const len = Number(readVarint(buf, pos));
        if (pos.at + len > buf.length) throw new Error(`field ${field} runs past the end`);
        value = buf.subarray(pos.at, pos.at + len);
        pos.at += len;
        break;
      }
      case 1:
        pos.at += 8;
        continue;
      case 5:
        pos.at += 4;
        continue;
      default:
        throw new Error(`unsupported wire type ${wire} for field ${field}`);
    }
    if (pos.at > buf.length) throw new Error('truncated');
    const list = fields.get(field);
    if (list) list.push(value);
    else fields.set(field, [value]);
  }
  return fields;
}

function safeFields(bytes: Uint8Array): Fields {
  try {
    return readFields(bytes);
  } catch (err) {
    throw badRequest(`cannot read protobuf body: ${(err as Error).message}`);
  }
}

const utf8 = new TextDecoder('utf-8');
const str = (v: bigint | Uint8Array | undefined) => (v instanceof Uint8Array ? utf8.decode(v) : '');

// ---- schemas -----------------------------------------------------------------------

/**
 * `int` drops zero (a Go int32 that is always sent); `int0` keeps it (a *int32 sent only
 * when set). `bool` keeps false (a *bool); `flag` drops it (a bool that is always sent).
 * `intOrString` and `quantity` are the apimachinery messages, decoded to their JSON forms.
 */
type FieldType =
  | 'string'
  | 'bytes'
  | 'int'
  | 'int0'
  | 'bool'
  | 'flag'
  | 'intOrString'
  | 'quantity'
  | { repeated: 'string' }
  | { map: 'string' | 'bytes' | 'quantity' }
  | { mapOfStrings: true }
  | { message: Schema; repeated?: boolean };

/** Field number → [JSON name, type]. */
type Schema = Record<number, [string, FieldType]>;

const ownerReference: Schema = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const objectMeta: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
  13: ['ownerReferences', { message: ownerReference, repeated: true }],
  14: ['finalizers', { repeated: 'string' }],
};

const resourceAttributes: Schema = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};

const nonResourceAttributes: Schema = { 1: ['path', 'string'], 2: ['verb', 'string'] };

const selfAccessSpec: Schema = {
  1: ['resourceAttributes', { message: resourceAttributes }],
  2: ['nonResourceAttributes', { message: nonResourceAttributes }],
};

const accessSpec: Schema = {
  ...selfAccessSpec,
  3: ['user', 'string'],
  4: ['groups', { repeated: 'string' }],
  5: ['extra', { mapOfStrings: true }],
  6: ['uid', 'string'],
};

const meta = { 1: ['metadata', { message: objectMeta }] } satisfies Schema;

const policyRule: Schema = {
  1: ['verbs', { repeated: 'string' }],
  2: ['apiGroups', { repeated: 'string' }],
  3: ['resources', { repeated: 'string' }],
  4: ['resourceNames', { repeated: 'string' }],
  5: ['nonResourceURLs', { repeated: 'string' }],
};
const subject: Schema = { 1: ['kind', 'string'], 2: ['apiGroup', 'string'], 3: ['name', 'string'], 4: ['namespace', 'string'] };
const roleRef: Schema = { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] };
const role: Schema = { ...meta, 2: ['rules', { message: policyRule, repeated: true }] };
const binding: Schema = { ...meta, 2: ['subjects', { message: subject, repeated: true }], 3: ['roleRef', { message: roleRef }] };

// The kinds kubectl's generators create (`create deployment|job|cronjob|service|ingress|pdb|priorityclass`, `autoscale`),
// with the pod fields a CronJob's template may carry into `create job --from`.

const labelSelector: Schema = {
  1: ['matchLabels', { map: 'string' }],
  2: ['matchExpressions', { message: { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', { repeated: 'string' }] }, repeated: true }],
};
const localRef: Schema = { 1: ['name', 'string'] };
const keyRef: Schema = { 1: ['name', 'string'], 2: ['key', 'string'], 3: ['optional', 'bool'] };
const keyToPath: Schema = { 1: ['key', 'string'], 2: ['path', 'string'], 3: ['mode', 'int0'] };
const envVar: Schema = {
  1: ['name', 'string'],
  2: ['value', 'string'],
  3: [
    'valueFrom',
    {
      message: {
        1: ['fieldRef', { message: { 1: ['apiVersion', 'string'], 2: ['fieldPath', 'string'] } }],
        2: ['resourceFieldRef', { message: { 1: ['containerName', 'string'], 2: ['resource', 'string'], 3: ['divisor', 'quantity'] } }],
        3: ['configMapKeyRef', { message: keyRef }],
        4: ['secretKeyRef', { message: keyRef }],
      },
    },
  ],
};
const envFrom: Schema = {
  1: ['prefix', 'string'],
  2: ['configMapRef', { message: { 1: ['name', 'string'], 2: ['optional', 'bool'] } }],
  3: ['secretRef', { message: { 1: ['name', 'string'], 2: ['optional', 'bool'] } }],
};
const resources: Schema = { 1: ['limits', { map: 'quantity' }], 2: ['requests', { map: 'quantity' }] };
const probeActions: Schema = {
  1: ['exec', { message: { 1: ['command', { repeated: 'string' }] } }],
  2: ['httpGet', { message: { 1: ['path', 'string'], 2: ['port', 'intOrString'], 3: ['host', 'string'], 4: ['scheme', 'string'] } }],
  3: ['tcpSocket', { message: { 1: ['port', 'intOrString'], 2: ['host', 'string'] } }],
};
const probe: Schema = {
  1: ['', { message: probeActions }],
  2: ['initialDelaySeconds', 'int'],
  3: ['timeoutSeconds', 'int'],
  4: ['periodSeconds', 'int'],
  5: ['successThreshold', 'int'],
  6: ['failureThreshold', 'int'],
};
const container: Schema = {
  1: ['name', 'string'],
  2: ['image', 'string'],
  3: ['command', { repeated: 'string' }],
  4: ['args', { repeated: 'string' }],
  5: ['workingDir', 'string'],
  6: ['ports', { message: { 1: ['name', 'string'], 2: ['hostPort', 'int'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'], 5: ['hostIP', 'string'] }, repeated: true }],
  7: ['env', { message: envVar, repeated: true }],
  8: ['resources', { message: resources }],
  9: ['volumeMounts', { message: { 1: ['name', 'string'], 2: ['readOnly', 'flag'], 3: ['mountPath', 'string'], 4: ['subPath', 'string'] }, repeated: true }],
  10: ['livenessProbe', { message: probe }],
  11: ['readinessProbe', { message: probe }],
  13: ['terminationMessagePath', 'string'],
  14: ['imagePullPolicy', 'string'],
  16: ['stdin', 'flag'],
  17: ['stdinOnce', 'flag'],
  18: ['tty', 'flag'],
  19: ['envFrom', { message: envFrom, repeated: true }],
  20: ['terminationMessagePolicy', 'string'],
  22: ['startupProbe', { message: probe }],
};
const volumeSource: Schema = {
  1: ['hostPath', { message: { 1: ['path', 'string'], 2: ['type', 'string'] } }],
  2: ['emptyDir', { message: { 1: ['medium', 'string'], 2: ['sizeLimit', 'quantity'] } }],
  6: ['secret', { message: { 1: ['secretName', 'string'], 2: ['items', { message: keyToPath, repeated: true }], 3: ['defaultMode', 'int0'], 4: ['optional', 'bool'] } }],
  10: ['persistentVolumeClaim', { message: { 1: ['claimName', 'string'], 2: ['readOnly', 'flag'] } }],
  19: ['configMap', { message: { 1: ['', { message: localRef }], 2: ['items', { message: keyToPath, repeated: true }], 3: ['defaultMode', 'int0'], 4: ['optional', 'bool'] } }],
};
const podSpec: Schema = {
  1: ['volumes', { message: { 1: ['name', 'string'], 2: ['', { message: volumeSource }] }, repeated: true }],
  2: ['containers', { message: container, repeated: true }],
  3: ['restartPolicy', 'string'],
  4: ['terminationGracePeriodSeconds', 'int0'],
  5: ['activeDeadlineSeconds', 'int0'],
  6: ['dnsPolicy', 'string'],
  7: ['nodeSelector', { map: 'string' }],
  8: ['serviceAccountName', 'string'],
  9: ['serviceAccount', 'string'],
  10: ['nodeName', 'string'],
  11: ['hostNetwork', 'flag'],
  14: ['securityContext', { message: { 2: ['runAsUser', 'int0'], 3: ['runAsNonRoot', 'bool'], 5: ['fsGroup', 'int0'], 6: ['runAsGroup', 'int0'] } }],
  15: ['imagePullSecrets', { message: localRef, repeated: true }],
  16: ['hostname', 'string'],
  17: ['subdomain', 'string'],
  19: ['schedulerName', 'string'],
  20: ['initContainers', { message: container, repeated: true }],
  21: ['automountServiceAccountToken', 'bool'],
  22: ['tolerations', { message: { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['value', 'string'], 4: ['effect', 'string'], 5: ['tolerationSeconds', 'int0'] }, repeated: true }],
  24: ['priorityClassName', 'string'],
  30: ['enableServiceLinks', 'bool'],
};
const podTemplate: Schema = { 1: ['metadata', { message: objectMeta }], 2: ['spec', { message: podSpec }] };
const jobSpec: Schema = {
  1: ['parallelism', 'int0'],
  2: ['completions', 'int0'],
  3: ['activeDeadlineSeconds', 'int0'],
  4: ['selector', { message: labelSelector }],
  5: ['manualSelector', 'bool'],
  6: ['template', { message: podTemplate }],
  7: ['backoffLimit', 'int0'],
  8: ['ttlSecondsAfterFinished', 'int0'],
  9: ['completionMode', 'string'],
  10: ['suspend', 'bool'],
};
const deploymentSpec: Schema = {
  1: ['replicas', 'int0'],
  2: ['selector', { message: labelSelector }],
  3: ['template', { message: podTemplate }],
  4: ['strategy', { message: { 1: ['type', 'string'], 2: ['rollingUpdate', { message: { 1: ['maxUnavailable', 'intOrString'], 2: ['maxSurge', 'intOrString'] } }] } }],
  5: ['minReadySeconds', 'int'],
  6: ['revisionHistoryLimit', 'int0'],
  7: ['paused', 'flag'],
  9: ['progressDeadlineSeconds', 'int0'],
};
const cronJobSpec: Schema = {
  1: ['schedule', 'string'],
  2: ['startingDeadlineSeconds', 'int0'],
  3: ['concurrencyPolicy', 'string'],
  4: ['suspend', 'bool'],
  5: ['jobTemplate', { message: { 1: ['metadata', { message: objectMeta }], 2: ['spec', { message: jobSpec }] } }],
  6: ['successfulJobsHistoryLimit', 'int0'],
  7: ['failedJobsHistoryLimit', 'int0'],
  8: ['timeZone', 'string'],
};
const serviceSpec: Schema = {
  1: ['ports', { message: { 1: ['name', 'string'], 2: ['protocol', 'string'], 3: ['port', 'int'], 4: ['targetPort', 'intOrString'], 5: ['nodePort', 'int'], 6: ['appProtocol', 'string'] }, repeated: true }],
  2: ['selector', { map: 'string' }],
  3: ['clusterIP', 'string'],
  4: ['type', 'string'],
  5: ['externalIPs', { repeated: 'string' }],
  7: ['sessionAffinity', 'string'],
  10: ['externalName', 'string'],
  18: ['clusterIPs', { repeated: 'string' }],
};
const ingressBackend: Schema = {
  3: ['resource', { message: { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] } }],
  4: ['service', { message: { 1: ['name', 'string'], 2: ['port', { message: { 1: ['name', 'string'], 2: ['number', 'int'] } }] } }],
};
const ingressSpec: Schema = {
  1: ['defaultBackend', { message: ingressBackend }],
  2: ['tls', { message: { 1: ['hosts', { repeated: 'string' }], 2: ['secretName', 'string'] }, repeated: true }],
  3: [
    'rules',
    {
      message: {
        1: ['host', 'string'],
        2: ['', { message: { 1: ['http', { message: { 1: ['paths', { message: { 1: ['path', 'string'], 2: ['backend', { message: ingressBackend }], 3: ['pathType', 'string'] }, repeated: true }] } }] } }],
      },
      repeated: true,
    },
  ],
  4: ['ingressClassName', 'string'],
};
const pdbSpec: Schema = {
  1: ['minAvailable', 'intOrString'],
  2: ['selector', { message: labelSelector }],
  3: ['maxUnavailable', 'intOrString'],
  4: ['unhealthyPodEvictionPolicy', 'string'],
};
const scaleTargetRef: Schema = { 1: ['kind', 'string'], 2: ['name', 'string'], 3: ['apiVersion', 'string'] };
const metricTarget: Schema = { 1: ['type', 'string'], 2: ['value', 'quantity'], 3: ['averageValue', 'quantity'], 4: ['averageUtilization', 'int0'] };
const hpaV2Spec: Schema = {
  1: ['scaleTargetRef', { message: scaleTargetRef }],
  2: ['minReplicas', 'int0'],
  3: ['maxReplicas', 'int'],
  4: ['metrics', { message: { 1: ['type', 'string'], 4: ['resource', { message: { 1: ['name', 'string'], 2: ['target', { message: metricTarget }] } }] }, repeated: true }],
};
const hpaV1Spec: Schema = {
  1: ['scaleTargetRef', { message: scaleTargetRef }],
  2: ['minReplicas', 'int0'],
  3: ['maxReplicas', 'int'],
  4: ['targetCPUUtilizationPercentage', 'int0'],
};

// `kubectl create token`: only the spec is read.
const tokenRequestSpec: Schema = {
  1: ['audiences', { repeated: 'string' }],
  3: ['boundObjectRef', { message: { 1: ['kind', 'string'], 2: ['apiVersion', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'] } }],
  4: ['expirationSeconds', 'int0'],
};

const SCHEMAS: Record<string, Schema> = {
  'apps/v1/Deployment': { ...meta, 2: ['spec', { message: deploymentSpec }] },
  'batch/v1/Job': { ...meta, 2: ['spec', { message: jobSpec }] },
  'batch/v1/CronJob': { ...meta, 2: ['spec', { message: cronJobSpec }] },
  'v1/Service': { ...meta, 2: ['spec', { message: serviceSpec }] },
  'networking.k8s.io/v1/Ingress': { ...meta, 2: ['spec', { message: ingressSpec }] },
  'policy/v1/PodDisruptionBudget': { ...meta, 2: ['spec', { message: pdbSpec }] },
  'scheduling.k8s.io/v1/PriorityClass': { ...meta, 2: ['value', 'int'], 3: ['globalDefault', 'flag'], 4: ['description', 'string'], 5: ['preemptionPolicy', 'string'] },
  'autoscaling/v2/HorizontalPodAutoscaler': { ...meta, 2: ['spec', { message: hpaV2Spec }] },
  'autoscaling/v1/HorizontalPodAutoscaler': { ...meta, 2: ['spec', { message: hpaV1Spec }] },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': { ...meta, 2: ['spec', { message: selfAccessSpec }] },
  'authorization.k8s.io/v1/SubjectAccessReview': { ...meta, 2: ['spec', { message: accessSpec }] },
  'authorization.k8s.io/v1/LocalSubjectAccessReview': { ...meta, 2: ['spec', { message: accessSpec }] },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { ...meta, 2: ['spec', { message: { 1: ['namespace', 'string'] } }] },
  'authentication.k8s.io/v1/SelfSubjectReview': { ...meta },
  'authentication.k8s.io/v1/TokenRequest': { ...meta, 2: ['spec', { message: tokenRequestSpec }] },
  'v1/Namespace': { ...meta, 2: ['spec', { message: { 1: ['finalizers', { repeated: 'string' }] } }] },
  'v1/ConfigMap': { ...meta, 2: ['data', { map: 'string' }], 3: ['binaryData', { map: 'bytes' }], 4: ['immutable', 'bool'] },
  'v1/Secret': { ...meta, 2: ['data', { map: 'bytes' }], 3: ['type', 'string'], 4: ['stringData', { map: 'string' }], 5: ['immutable', 'bool'] },
  'v1/ServiceAccount': { ...meta, 4: ['automountServiceAccountToken', 'bool'] },
  'rbac.authorization.k8s.io/v1/Role': role,
  'rbac.authorization.k8s.io/v1/ClusterRole': role,
  'rbac.authorization.k8s.io/v1/RoleBinding': binding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding,
};

/** Decodes one message by its schema; fields not in the schema are skipped. */
function decodeMessage(bytes: Uint8Array, schema: Schema): Record<string, unknown> {
  const fields = safeFields(bytes);
  const out: Record<string, unknown> = {};
  for (const [number, values] of fields) {
    const entry = schema[number];
    if (!entry) continue;
    const [name, type] = entry;
    const last = values[values.length - 1];
    if (type === 'string') {
      const s = str(last);
      if (s) out[name] = s;
    } else if (type === 'bytes') {
      if (last instanceof Uint8Array && last.length) out[name] = Buffer.from(last).toString('base64');
    } else if (type === 'int' || type === 'int0') {
      if (typeof last === 'bigint' && (last !== 0n || type === 'int0')) out[name] = Number(BigInt.asIntN(64, last));
    } else if (type === 'bool') {
      // Presence matters for optional bools (immutable: false is still said).
      if (typeof last === 'bigint') out[name] = last !== 0n;
    } else if (type === 'flag') {
      if (typeof last === 'bigint' && last !== 0n) out[name] = true;
    } else if (type === 'intOrString') {
      if (last instanceof Uint8Array) out[name] = intOrString(last);
    } else if (type === 'quantity') {
      if (last instanceof Uint8Array) out[name] = str(safeFields(last).get(1)?.[0]);
    } else if ('repeated' in type && type.repeated === 'string') {
      const list = values.map(str);
      if (list.length) out[name] = list;
    } else if ('map' in type) {
      const map: Record<string, string> = {};
      for (const entryBytes of values) {
        if (!(entryBytes instanceof Uint8Array)) continue;
        const kv = safeFields(entryBytes);
        const value = kv.get(2)?.[0];
        const bytes = value instanceof Uint8Array ? value : new Uint8Array();
        map[str(kv.get(1)?.[0])] = type.map === 'string' ? str(value) : type.map === 'quantity' ? str(safeFields(bytes).get(1)?.[0]) : Buffer.from(bytes).toString('base64');
      }
      out[name] = map;
    } else if ('mapOfStrings' in type) {
      const map: Record<string, string[]> = {};
      for (const entryBytes of values) {
        if (!(entryBytes instanceof Uint8Array)) continue;
        const kv = safeFields(entryBytes);
        const value = kv.get(2)?.[0];
        map[str(kv.get(1)?.[0])] = value instanceof Uint8Array ? (safeFields(value).get(1) ?? []).map(str) : [];
      }
      out[name] = map;
    } else if ('message' in type) {
      const decoded = values.filter((v): v is Uint8Array => v instanceof Uint8Array).map((v) => decodeMessage(v, type.message));
      // An embedded Go struct (no JSON name) lends its fields to the enclosing object.
      if (name === '') Object.assign(out, decoded[decoded.length - 1] ?? {});
      else if (type.repeated) out[name] = decoded;
      else if (decoded.length) out[name] = decoded[decoded.length - 1];
    }
  }
  return out;
}

/** intstr.IntOrString{type (0 int, 1 string), intVal, strVal} → a number or a string. */
function intOrString(bytes: Uint8Array): number | string {
  const f = safeFields(bytes);
  const kind = f.get(1)?.[0];
  if (kind === 1n) return str(f.get(3)?.[0]);
  const v = f.get(2)?.[0];
  return typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : 0;
}
