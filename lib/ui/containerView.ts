/**
 * What a pod's detail page shows about each container, read defensively from the
 * pod object: spec (image, ports, env, mounts, resources, probes) beside status
 * (state, restarts, last termination). Values that come from Secrets are never
 * read, only where they come from.
 */
import type { KubeObject } from '../kinds/types';

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Json => (isRecord(v) ? v : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const whole = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export type ContainerRole = 'init' | 'sidecar' | 'main';

export interface Termination {
  reason?: string;
  message?: string;
  exitCode?: number;
  signal?: number;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerState {
  /** `unknown` when the kubelet has not reported the container yet. */
  phase: 'running' | 'waiting' | 'terminated' | 'unknown';
  reason?: string;
  message?: string;
  startedAt?: string;
  exitCode?: number;
  signal?: number;
  finishedAt?: string;
}

export interface EnvEntry {
  name: string;
  /** A literal value from the pod spec. */
  value?: string;
  /** Where the value comes from, in words (`from secret db key password`); the value itself is never read. */
  source?: string;
}

export interface Mount {
  volume: string;
  path: string;
  readOnly: boolean;
  subPath?: string;
  /** What backs the volume (`configMap web-config`, `persistentVolumeClaim data`, `emptyDir`). */
  backing?: string;
}

export interface Probe {
  kind: 'liveness' | 'readiness' | 'startup';
  action: string;
  timing: string;
}

export interface ContainerView {
  name: string;
  role: ContainerRole;
  image: string;
  imageID?: string;
  state: ContainerState;
  ready?: boolean;
  restarts: number;
  lastTermination?: Termination;
  ports: string[];
  env: EnvEntry[];
  envFrom: string[];
  mounts: Mount[];
  requests: Record<string, string>;
  limits: Record<string, string>;
  probes: Probe[];
  command: string[];
}

function stateOf(raw: unknown): ContainerState {
  const state = rec(raw);
  if (isRecord(state.running)) return { phase: 'running', startedAt: text(state.running.startedAt) };
  if (isRecord(state.terminated)) {
    const t = state.terminated;
    return { phase: 'terminated', reason: text(t.reason), message: text(t.message), exitCode: whole(t.exitCode), signal: whole(t.signal), startedAt: text(t.startedAt), finishedAt: text(t.finishedAt) };
  }
  if (isRecord(state.waiting)) return { phase: 'waiting', reason: text(state.waiting.reason), message: text(state.waiting.message) };
  return { phase: 'unknown' };
}

function terminationOf(raw: unknown): Termination | undefined {
  const t = rec(rec(raw).terminated);
  if (Object.keys(t).length === 0) return undefined;
  return { reason: text(t.reason), message: text(t.message), exitCode: whole(t.exitCode), signal: whole(t.signal), startedAt: text(t.startedAt), finishedAt: text(t.finishedAt) };
}

/** Where an env var's value comes from, in words; never the value of a Secret. */
export function envSource(valueFrom: unknown): string {
  const from = rec(valueFrom);
  if (isRecord(from.secretKeyRef)) return `from secret ${text(from.secretKeyRef.name) ?? '?'} key ${text(from.secretKeyRef.key) ?? '?'}`;
  if (isRecord(from.configMapKeyRef)) return `from config map ${text(from.configMapKeyRef.name) ?? '?'} key ${text(from.configMapKeyRef.key) ?? '?'}`;
  if (isRecord(from.fieldRef)) return `from field ${text(from.fieldRef.fieldPath) ?? '?'}`;
  if (isRecord(from.resourceFieldRef)) return `from resource ${text(from.resourceFieldRef.resource) ?? '?'}${from.resourceFieldRef.containerName ? ` of ${text(from.resourceFieldRef.containerName)}` : ''}`;
  return 'from an unknown source';
}

function envOf(container: Json): EnvEntry[] {
  return list(container.env).map((e) => {
    const name = text(e.name) ?? '';
    if (e.valueFrom !== undefined) return { name, source: envSource(e.valueFrom) };
    return { name, value: text(e.value) ?? '' };
  });
}

function envFromOf(container: Json): string[] {
  return list(container.envFrom).map((e) => {
    const prefix = text(e.prefix) ? ` (prefix ${text(e.prefix)})` : '';
    if (isRecord(e.secretRef)) return `all keys of secret ${text(e.secretRef.name) ?? '?'}${prefix}`;
    if (isRecord(e.configMapRef)) return `all keys of config map ${text(e.configMapRef.name) ?? '?'}${prefix}`;
    return 'an unknown source';
  });
}

/** What backs a pod volume, in a few words. */
export function volumeBacking(volume: Json): string {
  if (isRecord(volume.configMap)) return `configMap ${text(volume.configMap.name) ?? ''}`.trim();
  if (isRecord(volume.secret)) return `secret ${text(volume.secret.secretName) ?? ''}`.trim();
  if (isRecord(volume.persistentVolumeClaim)) return `persistentVolumeClaim ${text(volume.persistentVolumeClaim.claimName) ?? ''}`.trim();
  if (isRecord(volume.projected)) return 'projected';
  if (isRecord(volume.emptyDir)) return 'emptyDir';
  if (isRecord(volume.hostPath)) return `hostPath ${text(volume.hostPath.path) ?? ''}`.trim();
  if (isRecord(volume.downwardAPI)) return 'downwardAPI';
  const other = Object.keys(volume).find((k) => k !== 'name');
  return other ?? 'unknown';
}

function portsOf(container: Json): string[] {
  return list(container.ports).map((p) => {
    const n = `${text(p.containerPort) ?? '?'}/${text(p.protocol) ?? 'TCP'}`;
    return text(p.name) ? `${text(p.name)} ${n}` : n;
  });
}

function quantities(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, q] of Object.entries(rec(v))) if (text(q) !== undefined) out[k] = text(q)!;
  return out;
}

function probeOf(kind: Probe['kind'], raw: unknown): Probe | undefined {
  if (!isRecord(raw)) return undefined;
  let action = 'unknown';
  if (isRecord(raw.httpGet)) action = `GET ${text(raw.httpGet.scheme)?.toLowerCase() ?? 'http'}://:${text(raw.httpGet.port) ?? '?'}${text(raw.httpGet.path) ?? '/'}`;
  else if (isRecord(raw.tcpSocket)) action = `TCP :${text(raw.tcpSocket.port) ?? '?'}`;
  else if (isRecord(raw.grpc)) action = `gRPC :${text(raw.grpc.port) ?? '?'}${raw.grpc.service ? ` ${text(raw.grpc.service)}` : ''}`;
  else if (isRecord(raw.exec)) action = `exec ${(Array.isArray(raw.exec.command) ? raw.exec.command.map(String) : []).join(' ')}`;
  // The defaults Kubernetes fills in, so a probe reads the same whether or not they were set.
  const timing = `delay ${whole(raw.initialDelaySeconds) ?? 0}s, timeout ${whole(raw.timeoutSeconds) ?? 1}s, every ${whole(raw.periodSeconds) ?? 10}s, ${whole(raw.successThreshold) ?? 1} success, ${whole(raw.failureThreshold) ?? 3} failures`;
  return { kind, action, timing };
}

/** Every init container and container of a pod, spec and status side by side, in the pod's order. */
export function containerViews(pod: KubeObject): ContainerView[] {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const volumes = new Map(list(spec.volumes).map((v) => [text(v.name) ?? '', volumeBacking(v)]));
  const statuses = new Map<string, Json>();
  for (const s of [...list(status.initContainerStatuses), ...list(status.containerStatuses)]) statuses.set(text(s.name) ?? '', s);
  const view = (c: Json, role: ContainerRole): ContainerView => {
    const name = text(c.name) ?? '';
    const s = statuses.get(name);
    const resources = rec(c.resources);
    return {
      name,
      role,
      image: text(c.image) ?? '',
      imageID: text(s?.imageID) || undefined,
      state: stateOf(s?.state),
      ready: typeof s?.ready === 'boolean' ? s.ready : undefined,
      restarts: whole(s?.restartCount) ?? 0,
      lastTermination: terminationOf(s?.lastState),
      ports: portsOf(c),
      env: envOf(c),
      envFrom: envFromOf(c),
      mounts: list(c.volumeMounts).map((m) => ({ volume: text(m.name) ?? '', path: text(m.mountPath) ?? '', readOnly: m.readOnly === true, subPath: text(m.subPath) || undefined, backing: volumes.get(text(m.name) ?? '') })),
      requests: quantities(resources.requests),
      limits: quantities(resources.limits),
      probes: [probeOf('startup', c.startupProbe), probeOf('liveness', c.livenessProbe), probeOf('readiness', c.readinessProbe)].filter((p): p is Probe => p !== undefined),
      command: [...(Array.isArray(c.command) ? c.command.map(String) : []), ...(Array.isArray(c.args) ? c.args.map(String) : [])],
    };
  };
  return [...list(spec.initContainers).map((c) => view(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init')), ...list(spec.containers).map((c) => view(c, 'main'))];
}

/**
 * The pod's QoS class: what the kubelet reported, or (before it has) the class
 * Kubernetes derives from the containers' requests and limits.
 */
export function qosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const reported = text(rec(pod.status).qosClass);
  if (reported === 'Guaranteed' || reported === 'Burstable' || reported === 'BestEffort') return reported;
  const spec = rec(pod.spec);
  const all = [...list(spec.initContainers), ...list(spec.containers)];
  let any = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const requests = quantities(rec(c.resources).requests);
    const limits = quantities(rec(c.resources).limits);
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      // A limit without a request means request = limit.
      const request = requests[r] ?? limits[r];
      if (limits[r] === undefined || request !== limits[r]) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** A toleration as kubectl describes it: `key=value:NoSchedule for 300s`, `op=Exists`. */
export function formatToleration(raw: unknown): string {
  const t = rec(raw);
  const key = text(t.key) ?? '';
  const exists = t.operator === 'Exists';
  let out = key ? (exists ? key : `${key}=${text(t.value) ?? ''}`) : exists ? 'op=Exists' : '';
  if (text(t.effect)) out += `:${text(t.effect)}`;
  if (whole(t.tolerationSeconds) !== undefined) out += ` for ${whole(t.tolerationSeconds)}s`;
  return out || '(matches every taint)';
}
