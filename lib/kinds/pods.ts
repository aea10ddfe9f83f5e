import { podReferences } from './podRefs';
import { arr, at, baseRow, condition, defineKind, isRecord, meta, num, rec, str, time } from './read';
import { quantityOrNull } from '../ui/units';
import type { KubeObject, Tone } from './types';

/** What a pod list shows about one pod, derived exactly as kubectl's printer does. */
export interface PodSummary {
  ready: number;
  total: number;
  status: string;
  restarts: number;
  /** ISO time the most recent counted restart ended, or null when none is known. */
  lastRestart: string | null;
}

/** The reason the node controller writes when it evicts pods from an unreachable node. */
const NODE_LOST = 'NodeLost';

function terminatedReason(terminated: unknown, prefix: string): string {
  const reason = str(at(terminated, 'reason'));
  if (reason) return prefix + reason;
  const signal = num(at(terminated, 'signal')) ?? 0;
  if (signal !== 0) return `${prefix}Signal:${signal}`;
  return `${prefix}ExitCode:${num(at(terminated, 'exitCode')) ?? 0}`;
}

function conditionTrue(pod: KubeObject, type: string): boolean {
  return condition(pod, type)?.status === 'True';
}

/**
 * READY, STATUS and RESTARTS the way `kubectl get pods` computes them:
 * the phase (or status.reason), then the first init container that has not
 * finished (`Init:1/3`, `Init:CrashLoopBackOff`, `Init:ExitCode:2`), then the
 * regular containers' waiting/terminated reasons, a pod that still has a running
 * container after one completed reads `Running`/`NotReady`, and a pod being
 * deleted reads `Terminating` (or `Unknown` when its node was lost).
 * Sidecars (init containers with `restartPolicy: Always`) count as containers.
 */
export function summarisePod(pod: KubeObject): PodSummary {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const initSpecs = arr(spec.initContainers).filter(isRecord);
  const sidecars = new Set(initSpecs.filter((c) => c.restartPolicy === 'Always').map((c) => str(c.name) ?? ''));

  const total = arr(spec.containers).length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  let reason = str(status.reason) ?? str(status.phase) ?? '';

  const scheduled = condition(pod, 'PodScheduled');
  if (scheduled?.reason === 'SchedulingGated') reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = arr(status.initContainerStatuses).filter(isRecord);
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i];
    const isSidecar = sidecars.has(str(container.name) ?? '\0');
    const count = num(container.restartCount) ?? 0;
    const finishedAt = time(at(container, 'lastState', 'terminated', 'finishedAt')) ?? 0;
    restarts += count;
    lastRestart = Math.max(lastRestart, finishedAt);
    if (isSidecar) {
      sidecarRestarts += count;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt);
    }
    const terminated = at(container, 'state', 'terminated');
    const waitingReason = str(at(container, 'state', 'waiting', 'reason'));
    if (isRecord(terminated) && (num(terminated.exitCode) ?? 0) === 0) continue;
    if (isSidecar && container.started === true) {
      if (container.ready === true) ready++;
      continue;
    }
    if (isRecord(terminated)) reason = terminatedReason(terminated, 'Init:');
    else if (waitingReason && waitingReason !== 'PodInitializing') reason = `Init:${waitingReason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = arr(status.containerStatuses).filter(isRecord);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i];
      restarts += num(container.restartCount) ?? 0;
      lastRestart = Math.max(lastRestart, time(at(container, 'lastState', 'terminated', 'finishedAt')) ?? 0);
      const waitingReason = str(at(container, 'state', 'waiting', 'reason'));
      const terminated = at(container, 'state', 'terminated');
      if (waitingReason) reason = waitingReason;
      else if (isRecord(terminated)) reason = terminatedReason(terminated, '');
      else if (container.ready === true && isRecord(at(container, 'state', 'running'))) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const metadata = meta(pod);
  if (str(metadata.deletionTimestamp)) {
    if (status.reason === NODE_LOST) reason = 'Unknown';
    else if (status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  }

  return { ready, total, status: reason, restarts, lastRestart: lastRestart > 0 ? new Date(lastRestart).toISOString() : null };
}

const ERROR_STATUSES = new Set([
  'CrashLoopBackOff',
  'Error',
  'OOMKilled',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ContainerCannotRun',
  'Failed',
  'Evicted',
  'DeadlineExceeded',
  'StartError',
]);
const PROGRESS_STATUSES = new Set(['Pending', 'ContainerCreating', 'PodInitializing', 'Terminating', 'SchedulingGated']);

/** How a pod status reads at a glance. */
export function podTone(summary: PodSummary): Tone {
  const { status } = summary;
  if (status === 'Running') return summary.ready >= summary.total ? 'ok' : 'warning';
  if (status === 'Completed' || status === 'Succeeded') return 'done';
  if (PROGRESS_STATUSES.has(status) || /^Init:\d+\/\d+$/.test(status)) return 'progress';
  const bare = status.startsWith('Init:') ? status.slice('Init:'.length) : status;
  if (ERROR_STATUSES.has(bare) || bare.startsWith('ExitCode:') || bare.startsWith('Signal:')) return 'error';
  if (status === '') return 'neutral';
  return 'warning';
}

/**
 * A pod's `[request, limit]` of one resource, summed over its containers, as quantities
 * (`''` where there is none): what its usage is measured against. A pod has a limit only
 * when every container has one.
 */
export function podResources(pod: KubeObject, resource: 'cpu' | 'memory'): string[] {
  const containers = arr(at(pod, 'spec', 'containers')).filter(isRecord);
  let request = 0;
  let limit = 0;
  let requested = false;
  let limited = containers.length > 0;
  for (const container of containers) {
    const r = quantityOrNull(at(container, 'resources', 'requests', resource));
    const l = quantityOrNull(at(container, 'resources', 'limits', resource));
    if (r !== null) {
      request += r;
      requested = true;
    }
    if (l === null) limited = false;
    else limit += l;
  }
  const text = (n: number) => String(Number(n.toPrecision(12)));
  return [requested ? text(request) : '', limited ? text(limit) : ''];
}

export const pods = defineKind({
  token: 'pods',
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  namespaced: true,
  alias: 'core',
  title: 'Pods',
  columns: [
    { id: 'ready', title: 'READY', type: 'text' },
    { id: 'status', title: 'STATUS', type: 'status' },
    { id: 'restarts', title: 'RESTARTS', type: 'number' },
    { id: 'lastRestart', title: 'LAST RESTART', type: 'age' },
    { id: 'cpuUsage', title: 'CPU', type: 'usage' },
    { id: 'memoryUsage', title: 'MEMORY', type: 'usage' },
    { id: 'ip', title: 'IP', type: 'text', priority: 1 },
    { id: 'node', title: 'NODE', type: 'text', priority: 1 },
    { id: 'nominatedNode', title: 'NOMINATED NODE', type: 'text', priority: 1 },
    { id: 'readinessGates', title: 'READINESS GATES', type: 'text', priority: 1 },
    // What the pod names (config maps, secrets, claims): a ConfigMap, Secret or claim page finds its pods by it.
    { id: 'refs', title: 'USES', type: 'list', priority: 1 },
  ],
  project(object) {
    const summary = summarisePod(object);
    const spec = rec(object.spec);
    const status = rec(object.status);
    const gates = arr(spec.readinessGates)
      .map((gate) => str(at(gate, 'conditionType')))
      .filter((type): type is string => type !== undefined);
    const gatesReady = gates.filter((type) => condition(object, type)?.status === 'True').length;
    return baseRow(
      object,
      true,
      {
        ready: `${summary.ready}/${summary.total}`,
        status: summary.status,
        restarts: summary.restarts,
        lastRestart: summary.lastRestart,
        cpuUsage: podResources(object, 'cpu'),
        memoryUsage: podResources(object, 'memory'),
        ip: str(status.podIP) ?? '<none>',
        node: str(spec.nodeName) ?? '<none>',
        nominatedNode: str(status.nominatedNodeName) ?? '<none>',
        readinessGates: gates.length > 0 ? `${gatesReady}/${gates.length}` : '<none>',
        refs: podReferences(spec),
      },
      podTone(summary),
    );
  },
});
