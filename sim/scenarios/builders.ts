/**
 * Small builders for believable objects. Each returns a fresh object; owners are
 * linked by uid so garbage collection and the portal's owner views work. Controllers
 * that arrive later can reuse these to create the same shapes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { KubeObject, OwnerReference } from '../types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export function ago(ms: number, now = Date.now()): string {
  return new Date(now - ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export function ownerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** A stable pod-template-hash like the deployment controller's. */
export function templateHash(template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  return [...digest.subarray(0, 10)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function suffix(seed: string, n = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(seed).digest();
  return [...digest.subarray(0, n)].map((b) => alphabet[b % alphabet.length]).join('');
}

export interface ContainerSpec {
  name: string;
  image: string;
  ports?: number[];
  env?: Record<string, string>;
}

export function container(c: ContainerSpec): Obj {
  const out: Obj = {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  if (c.ports?.length) out.ports = c.ports.map((p) => ({ containerPort: p, protocol: 'TCP' }));
  if (c.env) out.env = Object.entries(c.env).map(([name, value]) => ({ name, value }));
  return out;
}

export function podTemplate(labels: Record<string, string>, containers: ContainerSpec[], extra: Obj = {}): Obj {
  return {
    metadata: { labels },
    spec: { containers: containers.map(container), restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {}, ...extra },
  };
}

export type PodState = 'Running' | 'Pending' | 'CrashLoopBackOff' | 'Completed' | 'ImagePullBackOff' | 'NotReady';

export interface PodOptions {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  template?: Obj;
  containers?: ContainerSpec[];
  owner?: KubeObject;
  node?: string;
  ip?: string;
  state?: PodState;
  restarts?: number;
  createdAt?: string;
  restartPolicy?: string;
}

export function pod(o: PodOptions): KubeObject {
  const spec: Obj = structuredClone(o.template?.spec ?? podTemplate({}, o.containers ?? [{ name: 'app', image: 'nginx:1.27' }]).spec);
  spec.nodeName = o.state === 'Pending' ? undefined : o.node;
  spec.serviceAccountName ??= 'default';
  if (o.restartPolicy) spec.restartPolicy = o.restartPolicy;
  if (!spec.nodeName) delete spec.nodeName;
  const created = o.createdAt ?? ago(2 * DAY);
  const state = o.state ?? 'Running';
  const running = state === 'Running';
  const statuses = (spec.containers as Obj[]).map((c) => {
    const s: Obj = { name: c.name, image: c.image, imageID: `docker.io/library/${c.image}@sha256:${suffix(c.image, 16)}`, restartCount: o.restarts ?? 0, started: running, ready: running };
    if (running) s.state = { running: { startedAt: created } };
    else if (state === 'CrashLoopBackOff') {
      s.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${c.name} pod=${o.name}` } };
      s.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(6 * MIN), finishedAt: ago(5 * MIN) } };
      s.restartCount = o.restarts ?? 42;
    } else if (state === 'ImagePullBackOff') s.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } };
    else if (state === 'Completed') s.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt: created, finishedAt: created } };
    else if (state === 'NotReady') s.state = { running: { startedAt: created } };
    else s.state = { waiting: { reason: 'ContainerCreating' } };
    if (s.state.running || s.state.terminated) s.containerID = `containerd://${suffix(o.name + c.name, 32)}`;
    return s;
  });
  const phase = state === 'Completed' ? 'Succeeded' : state === 'Pending' ? 'Pending' : 'Running';
  const ready = running ? 'True' : 'False';
  const status: Obj = {
    phase,
    conditions: [
      { type: 'PodScheduled', status: state === 'Pending' ? 'False' : 'True', lastTransitionTime: created, ...(state === 'Pending' ? { reason: 'Unschedulable', message: '0/5 nodes are available: 5 Insufficient cpu.' } : {}) },
      ...(state === 'Pending' ? [] : [{ type: 'Initialized', status: 'True', lastTransitionTime: created }, { type: 'ContainersReady', status: ready, lastTransitionTime: created }, { type: 'Ready', status: ready, lastTransitionTime: created }]),
    ],
    qosClass: 'Burstable',
  };
  if (state !== 'Pending') {
    status.hostIP = '10.0.0.10';
    status.podIP = o.ip;
    status.podIPs = o.ip ? [{ ip: o.ip }] : [];
    status.startTime = created;
    status.containerStatuses = statuses;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { ...(o.template?.metadata?.labels ?? {}), ...(o.labels ?? {}) },
      creationTimestamp: created,
      uid: randomUUID(),
      ...(o.owner ? { ownerReferences: [ownerRef(o.owner)] } : {}),
    },
    spec,
    status,
  };
}

export function node(name: string, i: number, opts: { role?: string; createdAt?: string; ready?: boolean } = {}): KubeObject {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/zone': `eu-west-1${'abc'[i % 3]}`,
    'node.kubernetes.io/instance-type': 'm6i.xlarge',
  };
  if (opts.role) labels[`node-role.kubernetes.io/${opts.role}`] = '';
  const created = opts.createdAt ?? ago(30 * DAY);
  const ready = opts.ready ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, creationTimestamp: created, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`], providerID: `aws:///eu-west-1a/i-0${suffix(name, 16)}`, ...(opts.role === 'control-plane' ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}) },
    status: {
      capacity: { cpu: '4', memory: '16173216Ki', pods: '110', 'ephemeral-storage': '104845292Ki' },
      allocatable: { cpu: '3920m', memory: '15246496Ki', pods: '110', 'ephemeral-storage': '96625420950' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: created, lastTransitionTime: created },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: created, lastTransitionTime: created },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: created, lastTransitionTime: created },
        ready
          ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: created, lastTransitionTime: created }
          : { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: created, lastTransitionTime: created },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 10}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        machineID: suffix(`${name}m`, 32),
        systemUUID: randomUUID(),
        bootID: randomUUID(),
        kernelVersion: '6.1.0-28-cloud-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
