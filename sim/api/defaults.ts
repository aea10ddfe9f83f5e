/**
 * Defaulting, as the apiserver does for a few fields clients rely on. Only what
 * printers, kubectl and the portal read; not the full set of Kubernetes defaults.
 */
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
