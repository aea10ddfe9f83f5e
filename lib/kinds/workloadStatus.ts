import type { KubeObject, Tone } from './types';

/**
 * The tone of a replicated workload: nothing wanted → neutral; fewer available
 * than desired → warning; a rollout still replacing pods → progress; else ok.
 */
export function replicaTone(desired: number, available: number, updated: number = desired): Tone {
  if (desired === 0) return 'neutral';
  if (available < desired) return 'warning';
  if (updated < desired) return 'progress';
  return 'ok';
}

export interface ReplicaCounts {
  desired: number;
  ready: number;
  available: number;
  updated: number;
}

const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Desired, ready, available and updated pods of a workload (DaemonSets count nodes); undefined for other kinds. */
export function replicaCounts(token: string, object: KubeObject): ReplicaCounts | undefined {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const status = (object.status ?? {}) as Record<string, unknown>;
  if (token === 'daemonsets') {
    const desired = n(status.desiredNumberScheduled) ?? 0;
    return { desired, ready: n(status.numberReady) ?? 0, available: n(status.numberAvailable) ?? 0, updated: n(status.updatedNumberScheduled) ?? 0 };
  }
  if (token !== 'deployments' && token !== 'statefulsets' && token !== 'replicasets') return undefined;
  const desired = n(spec.replicas) ?? 1;
  const ready = n(status.readyReplicas) ?? 0;
  return { desired, ready, available: n(status.availableReplicas) ?? (token === 'statefulsets' ? ready : 0), updated: n(status.updatedReplicas) ?? (token === 'replicasets' ? desired : 0) };
}

/** The list's flag for a workload short of pods: `0/1 available`, or '' when all desired pods are available. */
export function availabilityFlag(desired: number, available: number): string {
  return available < desired ? `${available}/${desired} available` : '';
}
