/**
 * Defaulting, as the apiserver's defaulting functions and default admission plugins do
 * it for the fields clients read back: pods and pod templates (ports, probes, fieldRefs,
 * volumes, policies; on pods also the default tolerations, priority and the projected
 * service-account token volume), Services (IP families, policies, NodePorts), and the
 * workload kinds' own fields. Allocations (cluster IPs, NodePorts) are unique within
 * the process.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ResourceType } from '../resources';
import { parseQuantity } from '../validation/quantity';
import type { KubeObject } from '../types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

/** 10.96.0.1 is the `kubernetes` Service's, 10.96.0.10 by custom kube-dns's: dynamic allocation starts above the first /24. */
let nextServiceIp = 256;
const takenIps = new Set<string>();

/** A cluster IP in 10.96.0.0/12 not handed out before in this process, nor seen asked for explicitly. */
function allocateClusterIp(): string {
  for (;;) {
    const n = nextServiceIp++;
    if ((n & 255) === 0 || (n & 255) === 255) continue;
    const ip = `10.${96 + ((n >> 16) & 15)}.${(n >> 8) & 255}.${n & 255}`;
    if (!takenIps.has(ip)) {
      takenIps.add(ip);
      return ip;
    }
  }
}

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;
const takenNodePorts = new Set<number>();
let nextNodePort = NODE_PORT_MIN + Math.floor(Math.random() * (NODE_PORT_MAX - NODE_PORT_MIN));

/** A NodePort in 30000–32767 not handed out or asked for before in this process (wrapping once all were used). */
function allocateNodePort(): number {
  for (let i = 0; i <= NODE_PORT_MAX - NODE_PORT_MIN; i++) {
    const port = nextNodePort;
    nextNodePort = nextNodePort >= NODE_PORT_MAX ? NODE_PORT_MIN : nextNodePort + 1;
    if (!takenNodePorts.has(port)) {
      takenNodePorts.add(port);
      return port;
    }
  }
  takenNodePorts.clear();
  return allocateNodePort();
}

const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(n = 5): string {
  return [...randomBytes(n)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');
}

function defaultProbe(p: Obj): void {
  if (!p || typeof p !== 'object') return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) p.httpGet.scheme ??= 'HTTP';
  if (p.grpc) p.grpc.service ??= '';
}

function defaultFieldRef(ref: Obj): void {
  if (ref && typeof ref === 'object') ref.apiVersion ??= 'v1';
}

function defaultContainer(c: Obj): void {
  if (!c || typeof c !== 'object') return;
  const image = String(c.image ?? '');
  const tag = image.replace(/@.*$/, '').match(/:([^/:]+)$/)?.[1];
  c.imagePullPolicy ??= image.includes('@') ? 'IfNotPresent' : !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const port of Array.isArray(c.ports) ? c.ports : []) if (port && typeof port === 'object') port.protocol ??= 'TCP';
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(c[probe]);
  for (const e of Array.isArray(c.env) ? c.env : []) defaultFieldRef(e?.valueFrom?.fieldRef);
}

function defaultVolume(v: Obj): void {
  if (!v || typeof v !== 'object') return;
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.projected) v.projected.defaultMode ??= 420;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= 420;
    for (const item of v.downwardAPI.items ?? []) defaultFieldRef(item?.fieldRef);
  }
  for (const source of v.projected?.sources ?? []) for (const item of source?.downwardAPI?.items ?? []) defaultFieldRef(item?.fieldRef);
  if (v.hostPath) v.hostPath.type ??= '';
}

/** A pod spec's defaults, as for pods and for the templates of workloads alike. */
export function defaultPodSpec(spec: Obj): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  for (const c of [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])]) defaultContainer(c);
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) defaultVolume(v);
}

const DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/**
 * What admission adds to a pod on top of defaulting: the service account (and, unless
 * automounting is off, the projected token volume `kube-api-access-xxxxx` mounted in
 * every container), the not-ready/unreachable tolerations of 300 s, and the priority.
 */
export function admitPod(spec: Obj): void {
  if (!spec || typeof spec !== 'object') return;
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  for (const t of DEFAULT_TOLERATIONS) {
    const tolerated = spec.tolerations.some((x: Obj) => x?.effect === 'NoExecute' && (x?.key === t.key || (x?.operator === 'Exists' && !x?.key)));
    if (!tolerated) spec.tolerations.push({ ...t });
  }
  const containers: Obj[] = [...(Array.isArray(spec.containers) ? spec.containers : []), ...(Array.isArray(spec.initContainers) ? spec.initContainers : [])];
  if (spec.automountServiceAccountToken === false) return;
  const volumes: Obj[] = (spec.volumes = Array.isArray(spec.volumes) ? spec.volumes : []);
  let volume = volumes.find((v) => typeof v?.name === 'string' && v.name.startsWith('kube-api-access-'));
  const mounted = containers.some((c) => (c?.volumeMounts ?? []).some((m: Obj) => m?.mountPath === SA_MOUNT));
  if (!volume && mounted) return;
  if (!volume) {
    volume = {
      name: `kube-api-access-${suffix()}`,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    };
    volumes.push(volume);
  }
  for (const c of containers) {
    if (!c || typeof c !== 'object') continue;
    c.volumeMounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
    if (!c.volumeMounts.some((m: Obj) => m?.mountPath === SA_MOUNT)) c.volumeMounts.push({ name: volume.name, readOnly: true, mountPath: SA_MOUNT });
  }
}

/** A whole pod's defaults and admission, for pods written through the API and by controllers. */
export function defaultPod(o: Obj): void {
  o.spec ??= {};
  defaultPodSpec(o.spec);
  for (const c of podContainers(o.spec)) requestsFromLimits(c);
  admitPod(o.spec);
}

function podContainers(spec: Obj): Obj[] {
  return [...(Array.isArray(spec?.containers) ? spec.containers : []), ...(Array.isArray(spec?.initContainers) ? spec.initContainers : [])].filter((c) => c && typeof c === 'object');
}

/** A pod's container that sets a limit but no request for a resource requests the limit (pods only, not templates). */
function requestsFromLimits(c: Obj): void {
  const limits = c.resources?.limits;
  if (!limits || typeof limits !== 'object') return;
  const missing = Object.keys(limits).filter((name) => c.resources.requests?.[name] === undefined);
  if (missing.length === 0) return;
  // The requests a person wrote keep their order; the defaulted ones follow.
  c.resources.requests = { ...(c.resources.requests ?? {}) };
  for (const name of missing) c.resources.requests[name] = limits[name];
}

const QOS_RESOURCES = ['cpu', 'memory'];

/**
 * The quality-of-service class the API server stamps on a pod: BestEffort with no CPU or memory
 * request or limit anywhere; Guaranteed when every container limits both and the pod's summed
 * requests equal its summed limits; Burstable otherwise.
 */
export function podQosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let everyContainerLimited = true;
  const add = (into: Map<string, number>, list: Obj | undefined, seen?: Set<string>) => {
    for (const name of QOS_RESOURCES) {
      const value = parseQuantity(list?.[name]);
      if (value === undefined || value <= 0) continue;
      into.set(name, (into.get(name) ?? 0) + value);
      seen?.add(name);
    }
  };
  for (const c of podContainers(spec)) {
    add(requests, c.resources?.requests);
    const limited = new Set<string>();
    add(limits, c.resources?.limits, limited);
    if (!QOS_RESOURCES.every((name) => limited.has(name))) everyContainerLimited = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  const matched = [...requests].every(([name, value]) => limits.get(name) === value);
  return everyContainerLimited && matched && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function defaultTemplate(o: Obj): void {
  defaultPodSpec(o?.spec?.template?.spec);
}

/** Service defaults: IP families and policies, a cluster IP, NodePorts for NodePort and LoadBalancer Services. */
function defaultService(o: Obj): void {
  o.spec ??= {};
  const spec = o.spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None' && spec.clusterIP !== '') takenIps.add(spec.clusterIP);
    if (!spec.clusterIP) spec.clusterIP = allocateClusterIp();
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  const exposed = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (exposed) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!p || typeof p !== 'object') continue;
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
    if (typeof p.nodePort === 'number') takenNodePorts.add(p.nodePort);
    else if (exposed && !(spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === false)) p.nodePort = allocateNodePort();
  }
}

const DEFAULTS: Record<string, (o: Obj) => void> = {
  Namespace(o) {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
    o.spec = { finalizers: ['kubernetes'], ...(o.spec ?? {}) };
    o.status = { phase: 'Active', ...(o.status ?? {}) };
  },
  Service(o) {
    defaultService(o);
  },
  Pod(o) {
    defaultPod(o);
    o.status ??= {};
    o.status.phase ??= 'Pending';
    o.status.qosClass = podQosClass(o.spec);
  },
  Deployment(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.progressDeadlineSeconds ??= 600;
    o.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    defaultTemplate(o);
  },
  ReplicaSet(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    defaultTemplate(o);
  },
  StatefulSet(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    o.spec.podManagementPolicy ??= 'OrderedReady';
    o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    defaultTemplate(o);
  },
  DaemonSet(o) {
    o.spec ??= {};
    o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    o.spec.revisionHistoryLimit ??= 10;
    defaultTemplate(o);
  },
  Job(o) {
    // As the job strategy does: a selector on a generated controller-uid, copied into the pod labels.
    o.spec ??= {};
    o.spec.parallelism ??= 1;
    o.spec.completions ??= 1;
    o.spec.backoffLimit ??= 6;
    o.spec.completionMode ??= 'NonIndexed';
    o.spec.suspend ??= false;
    if (!o.spec.selector && o.spec.manualSelector !== true) {
      o.metadata.uid ??= randomUUID();
      const uid = o.metadata.uid;
      const name = o.metadata.name;
      o.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      o.spec.template ??= {};
      o.spec.template.metadata ??= {};
      o.spec.template.metadata.labels = { ...(o.spec.template.metadata.labels ?? {}), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
    }
    o.spec.podReplacementPolicy ??= 'TerminatingOrFailed';
    defaultTemplate(o);
  },
  CronJob(o) {
    o.spec ??= {};
    o.spec.concurrencyPolicy ??= 'Allow';
    o.spec.suspend ??= false;
    o.spec.successfulJobsHistoryLimit ??= 3;
    o.spec.failedJobsHistoryLimit ??= 1;
    defaultPodSpec(o.spec.jobTemplate?.spec?.template?.spec);
  },
  PersistentVolumeClaim(o) {
    o.spec ??= {};
    o.spec.volumeMode ??= 'Filesystem';
    o.status ??= { phase: 'Pending' };
  },
  HorizontalPodAutoscaler(o) {
    o.spec ??= {};
    o.spec.minReplicas ??= 1;
    if (!o.spec.metrics) o.spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  },
  ConfigMap() {},
  Secret(o) {
    o.type ??= 'Opaque';
    if (o.stringData && typeof o.stringData === 'object') {
      o.data = { ...(o.data ?? {}) };
      for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(String(v)).toString('base64');
      delete o.stringData;
    }
  },
};

/**
 * Kinds whose Go type holds its status as a struct, not a pointer: the API
 * server always writes it, as `"status": {}` before a controller fills it in,
 * and clients read fields of it without checking that it exists.
 */
const STRUCT_STATUS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ReplicationController', 'Node']);

export function applyDefaults(type: ResourceType, obj: KubeObject): void {
  if (type.crd) return;
  DEFAULTS[type.kind]?.(obj);
  if (STRUCT_STATUS.has(type.kind)) (obj as { status?: unknown }).status ??= {};
}
