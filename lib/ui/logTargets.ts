/**
 * Which pods a merged log view follows: the pods of the selection that match the
 * label selector, the ones whose containers have started first (by name), at
 * most `cap` of them. Pods still starting are named so the view can say they
 * will join; the rest beyond the cap are counted so the view can say it capped.
 */
import { matchesLabels, type LabelSelector } from '../labelSelector';
import type { Row } from '../kinds/types';

export interface LogTargets {
  /** Pods followed now, by name. */
  following: string[];
  /** Matching pods whose containers have not started yet: they join when they do. */
  starting: string[];
  /** Every matching pod. */
  matched: number;
  /** Matching, started pods left out because of the cap. */
  leftOut: number;
}

/** Statuses of a pod whose containers cannot have written a line yet. */
export function hasStarted(status: unknown): boolean {
  if (typeof status !== 'string' || status === '') return false;
  return !(status === 'Pending' || status === 'ContainerCreating' || status === 'PodInitializing' || status === 'SchedulingGated' || status.startsWith('Init:'));
}

/**
 * Chooses the pods to follow. Pods already followed stay (a view never drops a
 * pod because another sorted before it), then new started ones fill the cap.
 */
export function chooseLogTargets(rows: Iterable<Row>, namespace: string, selector: LabelSelector, cap: number, already: readonly string[] = []): LogTargets {
  const matching = [...rows].filter((r) => r.namespace === namespace && selector.length > 0 && matchesLabels(selector, r.labels)).sort((a, b) => a.name.localeCompare(b.name));
  const started = matching.filter((r) => hasStarted(r.cells.status)).map((r) => r.name);
  const keep = already.filter((name) => started.includes(name)).slice(0, cap);
  const fresh = started.filter((name) => !keep.includes(name));
  const following = [...keep, ...fresh.slice(0, Math.max(0, cap - keep.length))];
  return {
    following,
    starting: matching.filter((r) => !hasStarted(r.cells.status)).map((r) => r.name),
    matched: matching.length,
    leftOut: started.length - following.length,
  };
}
