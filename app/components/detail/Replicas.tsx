import type { KubeObject } from '@/lib/kinds/types';
import { availabilityFlag, replicaCounts, replicaTone } from '@/lib/kinds/workloadStatus';

/** Ready of desired, large, with available and up to date beside it: the first thing an SRE looks for on a workload. */
export function Replicas({ kind, object }: { kind: string; object: KubeObject }) {
  const counts = replicaCounts(kind, object);
  if (!counts) return null;
  const tone = replicaTone(counts.desired, counts.available, counts.updated);
  return (
    <div className={`replicas tone-${tone}`} data-testid="replicas" role="group" aria-label="Pods ready of desired">
      <span className="replicas-main">
        <span className="replicas-n">
          {counts.ready}/{counts.desired}
        </span>{' '}
        ready
      </span>
      <span>{counts.available} available</span>
      <span>{counts.updated} up to date</span>
      {availabilityFlag(counts.desired, counts.available) ? <span className="status tone-warning">{availabilityFlag(counts.desired, counts.available)}</span> : null}
    </div>
  );
}
