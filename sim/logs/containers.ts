/**
 * A pod's containers as logs and exec see them: which container a request means
 * (explicit, the default-container annotation, or the only one), and its current and
 * previous runs, read from the pod's containerStatuses — the API's own record, which
 * the pod lifecycle controllers keep up to date.
 */
import { badRequest } from '../status';
import type { KubeObject } from '../types';
import type { LogSource } from './lines';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

function names(list: Obj[] | undefined): string[] {
  return (list ?? []).map((c) => String(c.name));
}

/** The container a request names, worded as the apiserver refuses a bad one. */
export function pickContainer(pod: KubeObject, requested: string | null | undefined): string {
  const spec = (pod.spec ?? {}) as Obj;
  const regular = names(spec.containers);
  const init = names(spec.initContainers);
  const ephemeral = names(spec.ephemeralContainers);
  const podName = pod.metadata.name!;
  if (!requested) {
    const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
    if (annotated && regular.includes(annotated)) return annotated;
    if (regular.length === 1) return regular[0];
    let message = `a container name must be specified for pod ${podName}, choose one of: [${regular.join(' ')}]`;
    if (init.length) message += ` or one of the init containers: [${init.join(' ')}]`;
    if (ephemeral.length) message += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
    throw badRequest(message);
  }
  if (![...regular, ...init, ...ephemeral].includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

export function containerSpec(pod: KubeObject, name: string): Obj | undefined {
  const spec = (pod.spec ?? {}) as Obj;
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].find((c: Obj) => c.name === name);
}

export function containerStatus(pod: KubeObject, name: string): Obj | undefined {
  const st = (pod.status ?? {}) as Obj;
  return [...(st.containerStatuses ?? []), ...(st.initContainerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])].find((c: Obj) => c.name === name);
}

const ms = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

function run(pod: KubeObject, name: string, runId: number, state: Obj): LogSource | undefined {
  const startMs = ms(state?.startedAt);
  if (startMs === undefined || Number.isNaN(startMs)) return undefined;
  const spec = containerSpec(pod, name);
  const image = String(spec?.image ?? '');
  const finishMs = ms(state.finishedAt);
  return {
    podUid: pod.metadata.uid ?? pod.metadata.name!,
    podName: pod.metadata.name!,
    container: name,
    image,
    runId,
    startMs,
    finishMs,
    exitCode: state.exitCode,
    rate: envNumber(spec, 'SIM_LOG_RATE', 0.1, 100_000),
    hugeLineBytes: envNumber(spec, 'SIM_LOG_LINE_BYTES', 1, 16 * 1024 * 1024),
  };
}

/** A numeric env var of the container's spec, within bounds; undefined when absent or out of range. */
function envNumber(spec: Obj | undefined, name: string, min: number, max: number): number | undefined {
  const env = Array.isArray(spec?.env) ? (spec.env as Array<{ name?: unknown; value?: unknown }>) : [];
  const raw = env.find((e) => e.name === name)?.value;
  const value = Number(raw);
  return raw !== undefined && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

/**
 * The run `kubectl logs` reads: the running or terminated container, or — while a
 * crash-looping container waits to restart — the run that just ended, as the kubelet does.
 */
export function currentRun(pod: KubeObject, name: string): LogSource {
  const s = containerStatus(pod, name);
  const restarts = Number(s?.restartCount ?? 0);
  const podName = pod.metadata.name!;
  if (s?.state?.running) {
    const r = run(pod, name, restarts, s.state.running);
    if (r) return r;
  }
  if (s?.state?.terminated) {
    const r = run(pod, name, restarts, s.state.terminated);
    if (r) return r;
  }
  if (s?.state?.waiting && s.lastState?.terminated) {
    const r = run(pod, name, Math.max(0, restarts - 1), s.lastState.terminated);
    if (r) return r;
  }
  const reason = s?.state?.waiting?.reason ?? 'ContainerCreating';
  throw badRequest(`container "${name}" in pod "${podName}" is waiting to start: ${reason}`);
}

/** The run before the current one, for `--previous`. */
export function previousRun(pod: KubeObject, name: string): LogSource {
  const s = containerStatus(pod, name);
  const restarts = Number(s?.restartCount ?? 0);
  const last = s?.lastState?.terminated;
  const r = last ? run(pod, name, Math.max(0, restarts - 1), last) : undefined;
  if (!r) throw badRequest(`previous terminated container "${name}" in pod "${pod.metadata.name}" not found`);
  return r;
}

/** Is this container running now (exec needs it, follow ends when it stops)? */
export function isRunning(pod: KubeObject, name: string): boolean {
  return Boolean(containerStatus(pod, name)?.state?.running) && !pod.metadata.deletionTimestamp;
}
