/**
 * Workloads as the controllers would leave them: a Deployment with its ReplicaSet and
 * pods, a StatefulSet with its pods and claims, a DaemonSet with a pod per node, a
 * CronJob with a finished Job, a Service with its EndpointSlice. The functions return
 * objects; the caller stores them. Controllers that come later can call the same
 * functions to produce the same shapes.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../types';
import { ago, DAY, HOUR, MIN, ownerRef, pod, podTemplate, suffix, templateHash, type ContainerSpec, type PodState } from './builders';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export interface Placement {
  nodes: string[];
  /** Next pod IP; each call hands out a fresh one. */
  nextIp(): string;
}

export function placement(nodes: string[]): Placement {
  let n = 10;
  return { nodes, nextIp: () => `10.244.${Math.floor(n / 200) + 1}.${(n++ % 200) + 10}` };
}

function meta(name: string, namespace: string, labels: Record<string, string>, createdAt: string): Obj {
  return { name, namespace, labels, creationTimestamp: createdAt, uid: randomUUID() };
}

export interface DeploymentSpec {
  name: string;
  namespace: string;
  containers: ContainerSpec[];
  /** One entry per pod; its length is the replica count. */
  pods: PodState[];
  labels?: Record<string, string>;
  age?: number;
  restarts?: number;
}

export function deploymentWithPods(d: DeploymentSpec, where: Placement): KubeObject[] {
  const labels = { app: d.name, ...(d.labels ?? {}) };
  const created = ago(d.age ?? 12 * DAY);
  const template = podTemplate(labels, d.containers);
  const hash = templateHash(template);
  const replicas = d.pods.length;
  const ready = d.pods.filter((p) => p === 'Running').length;
  const dep: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta(d.name, d.namespace, labels, created), generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas, selector: { matchLabels: { app: d.name } }, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        { type: 'Available', status: ready >= replicas - Math.floor(replicas / 4) ? 'True' : 'False', reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: created, lastTransitionTime: created },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${d.name}-${hash}" has successfully progressed.`, lastUpdateTime: created, lastTransitionTime: created },
      ],
    },
  };
  const rsLabels = { ...labels, 'pod-template-hash': hash };
  const rsTemplate = { ...template, metadata: { labels: rsLabels } };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { ...meta(`${d.name}-${hash}`, d.namespace, rsLabels, created), generation: 1, ownerReferences: [ownerRef(dep)], annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1), 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas, selector: { matchLabels: { app: d.name, 'pod-template-hash': hash } }, template: rsTemplate },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
  };
  const pods = d.pods.map((state, i) =>
    pod({ name: `${rs.metadata.name}-${suffix(`${d.namespace}/${d.name}/${i}`)}`, namespace: d.namespace, template: rsTemplate, owner: rs, node: where.nodes[i % where.nodes.length], ip: where.nextIp(), state, restarts: state === 'CrashLoopBackOff' ? (d.restarts ?? 14) : 0, createdAt: created }),
  );
  return [dep, rs, ...pods];
}

export function statefulSetWithPods(s: { name: string; namespace: string; containers: ContainerSpec[]; replicas: number; storage: string; storageClass: string }, where: Placement): KubeObject[] {
  const labels = { app: s.name };
  const created = ago(40 * DAY);
  const template = podTemplate(labels, s.containers);
  const revision = `${s.name}-${templateHash(template).slice(0, 10)}`;
  const sts: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { ...meta(s.name, s.namespace, labels, created), generation: 1 },
    spec: {
      replicas: s.replicas,
      serviceName: s.name,
      selector: { matchLabels: labels },
      template,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: s.storageClass, resources: { requests: { storage: s.storage } } } }],
    },
    status: { observedGeneration: 1, replicas: s.replicas, readyReplicas: s.replicas, currentReplicas: s.replicas, updatedReplicas: s.replicas, availableReplicas: s.replicas, currentRevision: revision, updateRevision: revision, collisionCount: 0 },
  };
  const out: KubeObject[] = [sts];
  for (let i = 0; i < s.replicas; i++) {
    const claim = `data-${s.name}-${i}`;
    const volume = `pvc-${randomUUID()}`;
    const p = pod({ name: `${s.name}-${i}`, namespace: s.namespace, template, owner: sts, node: where.nodes[i % where.nodes.length], ip: where.nextIp(), createdAt: created, labels: { 'statefulset.kubernetes.io/pod-name': `${s.name}-${i}`, 'controller-revision-hash': revision } });
    (p.spec as Obj).volumes = [{ name: 'data', persistentVolumeClaim: { claimName: claim } }];
    (p.spec as Obj).hostname = `${s.name}-${i}`;
    (p.spec as Obj).subdomain = s.name;
    out.push(p);
    out.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { ...meta(claim, s.namespace, labels, created), annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com' } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: s.storageClass, resources: { requests: { storage: s.storage } }, volumeName: volume, volumeMode: 'Filesystem' },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: s.storage } },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: volume, creationTimestamp: created, uid: randomUUID(), annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' } },
      spec: { capacity: { storage: s.storage }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: s.storageClass, volumeMode: 'Filesystem', claimRef: { kind: 'PersistentVolumeClaim', namespace: s.namespace, name: claim, apiVersion: 'v1' }, csi: { driver: 'ebs.csi.aws.com', volumeHandle: `vol-0${suffix(volume, 16)}` } },
      status: { phase: 'Bound' },
    });
  }
  return out;
}

export function daemonSetWithPods(d: { name: string; namespace: string; containers: ContainerSpec[] }, where: Placement): KubeObject[] {
  const labels = { app: d.name };
  const created = ago(60 * DAY);
  const template = podTemplate(labels, d.containers, { hostNetwork: true, tolerations: [{ operator: 'Exists' }] });
  const n = where.nodes.length;
  const ds: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { ...meta(d.name, d.namespace, labels, created), generation: 1 },
    spec: { selector: { matchLabels: labels }, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } },
    status: { desiredNumberScheduled: n, currentNumberScheduled: n, numberReady: n, numberAvailable: n, updatedNumberScheduled: n, numberMisscheduled: 0, observedGeneration: 1 },
  };
  const pods = where.nodes.map((nodeName, i) => pod({ name: `${d.name}-${suffix(`${d.namespace}/${d.name}/${nodeName}`)}`, namespace: d.namespace, template, owner: ds, node: nodeName, ip: `10.0.0.${10 + i}`, createdAt: created }));
  return [ds, ...pods];
}

export function cronJobWithRun(c: { name: string; namespace: string; schedule: string; containers: ContainerSpec[] }, where: Placement): KubeObject[] {
  const labels = { app: c.name };
  const created = ago(20 * DAY);
  const jobTemplate = { spec: { backoffLimit: 2, template: podTemplate(labels, c.containers, { restartPolicy: 'OnFailure' }) } };
  const lastRun = ago(6 * HOUR);
  const cj: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { ...meta(c.name, c.namespace, labels, created), generation: 1 },
    spec: { schedule: c.schedule, concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate },
    status: { lastScheduleTime: lastRun, lastSuccessfulTime: ago(6 * HOUR - 4 * MIN) },
  };
  const jobName = `${c.name}-${Math.floor((Date.now() - 6 * HOUR) / 60_000)}`;
  const controllerUid = randomUUID();
  const jobLabels = { ...labels, 'batch.kubernetes.io/controller-uid': controllerUid, 'batch.kubernetes.io/job-name': jobName };
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName, namespace: c.namespace, uid: controllerUid, labels: jobLabels, creationTimestamp: lastRun, ownerReferences: [ownerRef(cj)], generation: 1 },
    spec: { completions: 1, parallelism: 1, backoffLimit: 2, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': controllerUid } }, template: { ...jobTemplate.spec.template, metadata: { labels: jobLabels } } },
    status: { startTime: lastRun, completionTime: ago(6 * HOUR - 4 * MIN), succeeded: 1, ready: 0, terminating: 0, conditions: [{ type: 'Complete', status: 'True', lastProbeTime: ago(6 * HOUR - 4 * MIN), lastTransitionTime: ago(6 * HOUR - 4 * MIN) }] },
  };
  const runPod = pod({ name: `${jobName}-${suffix(jobName)}`, namespace: c.namespace, template: (job.spec as Obj).template, owner: job, node: where.nodes[0], ip: where.nextIp(), state: 'Completed', createdAt: lastRun, restartPolicy: 'OnFailure' });
  return [cj, job, runPod];
}

export function serviceFor(s: { name: string; namespace: string; selector: Record<string, string>; ports: { name?: string; port: number; targetPort?: number }[]; type?: string; headless?: boolean; clusterIP?: string }, pods: KubeObject[]): KubeObject[] {
  const created = ago(12 * DAY);
  const svc: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(s.name, s.namespace, { app: s.name }, created),
    spec: {
      type: s.type ?? 'ClusterIP',
      selector: s.selector,
      clusterIP: s.headless ? 'None' : s.clusterIP,
      clusterIPs: [s.headless ? 'None' : s.clusterIP],
      ports: s.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: 'TCP', ...(s.type === 'LoadBalancer' ? { nodePort: 30000 + (p.port % 2000) } : {}) })),
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    },
    status: s.type === 'LoadBalancer' ? { loadBalancer: { ingress: [{ hostname: `a${suffix(s.name, 12)}.elb.eu-west-1.amazonaws.com` }] } } : { loadBalancer: {} },
  };
  const matching = pods.filter((p) => p.kind === 'Pod' && Object.entries(s.selector).every(([k, v]) => p.metadata.labels?.[k] === v));
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { ...meta(`${s.name}-${suffix(s.name)}`, s.namespace, { 'kubernetes.io/service-name': s.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, created), ownerReferences: [ownerRef(svc)], generateName: `${s.name}-` },
    addressType: 'IPv4',
    endpoints: matching
      .filter((p) => (p.status as Obj)?.podIP)
      .map((p) => {
        const ready = (p.status as Obj).conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True') ?? false;
        return { addresses: [(p.status as Obj).podIP], conditions: { ready, serving: ready, terminating: false }, nodeName: (p.spec as Obj).nodeName, targetRef: { kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid } };
      }),
    ports: s.ports.map((p) => ({ name: p.name ?? '', port: p.targetPort ?? p.port, protocol: 'TCP' })),
  };
  return [svc, slice];
}

export function event(o: { namespace: string; involved: KubeObject; type: 'Normal' | 'Warning'; reason: string; message: string; count?: number; component: string; ageMs: number }): KubeObject {
  const last = ago(o.ageMs);
  const first = ago(o.ageMs + (o.count && o.count > 1 ? 2 * HOUR : 0));
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${o.involved.metadata.name}.${suffix(o.reason + o.message, 8)}${Math.floor(Math.random() * 1e6).toString(16)}`, namespace: o.namespace, creationTimestamp: first, uid: randomUUID() },
    involvedObject: { apiVersion: o.involved.apiVersion, kind: o.involved.kind, name: o.involved.metadata.name, namespace: o.involved.metadata.namespace, uid: o.involved.metadata.uid },
    reason: o.reason,
    message: o.message,
    type: o.type,
    count: o.count ?? 1,
    firstTimestamp: first,
    lastTimestamp: last,
    source: { component: o.component },
    reportingComponent: o.component,
    reportingInstance: '',
  };
}
