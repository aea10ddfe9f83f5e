/**
 * Defaulting, as the apiserver does for a few fields clients rely on. Only what
 * printers, kubectl and the portal read; not the full set of Kubernetes defaults.
 */
import { randomUUID } from 'node:crypto';
import type { ResourceType } from '../resources';
import type { KubeObject } from '../types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

let nextServiceIp = 1;

/** A cluster IP in 10.96.0.0/12 that is not reused within a process. */
function allocateClusterIp(): string {
  const n = nextServiceIp++;
  return `10.96.${(n >> 8) & 255}.${n & 255 || 1}`;
}

const DEFAULTS: Record<string, (o: Obj) => void> = {
  Namespace(o) {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
    o.spec = { finalizers: ['kubernetes'], ...(o.spec ?? {}) };
    o.status = { phase: 'Active', ...(o.status ?? {}) };
  },
  Service(o) {
    o.spec ??= {};
    o.spec.type ??= 'ClusterIP';
    if (o.spec.type !== 'ExternalName') {
      o.spec.clusterIP ??= allocateClusterIp();
      o.spec.clusterIPs ??= [o.spec.clusterIP];
    }
    o.spec.sessionAffinity ??= 'None';
    for (const p of o.spec.ports ?? []) {
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
  },
  Pod(o) {
    o.spec ??= {};
    o.spec.restartPolicy ??= 'Always';
    o.spec.dnsPolicy ??= 'ClusterFirst';
    o.spec.schedulerName ??= 'default-scheduler';
    o.spec.serviceAccountName ??= 'default';
    o.spec.terminationGracePeriodSeconds ??= 30;
    for (const c of [...(o.spec.containers ?? []), ...(o.spec.initContainers ?? [])]) {
      c.imagePullPolicy ??= String(c.image ?? '').endsWith(':latest') || !String(c.image ?? '').includes(':') ? 'Always' : 'IfNotPresent';
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
    }
    o.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
  },
  Deployment(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.progressDeadlineSeconds ??= 600;
    o.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  },
  ReplicaSet(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
  },
  StatefulSet(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    o.spec.podManagementPolicy ??= 'OrderedReady';
    o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
  },
  DaemonSet(o) {
    o.spec ??= {};
    o.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    o.spec.revisionHistoryLimit ??= 10;
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
  },
  CronJob(o) {
    o.spec ??= {};
    o.spec.concurrencyPolicy ??= 'Allow';
    o.spec.suspend ??= false;
    o.spec.successfulJobsHistoryLimit ??= 3;
    o.spec.failedJobsHistoryLimit ??= 1;
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

export function applyDefaults(type: ResourceType, obj: KubeObject): void {
  if (type.crd) return;
  DEFAULTS[type.kind]?.(obj);
}
