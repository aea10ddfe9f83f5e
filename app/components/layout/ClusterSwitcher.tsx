'use client';

import { useRouter } from 'next/navigation';
import type { ClusterSummary } from '@/lib/clusters';
import { describeStatus } from '../ClusterList';
import { troubleDetail } from '../live/clusterTrouble';
import { useClusterTrouble } from '../live/useLive';
import { useClusters } from '../useClusters';
import { clusterPath } from '../urls';

function stateWord(c: Pick<ClusterSummary, 'status'>): string {
  return c.status === 'reachable' ? 'reachable' : 'unreachable';
}

/**
 * Switches cluster; each option says whether its cluster is reachable. The
 * current cluster's state is the portal's live connection to it (the stream's
 * `status` events) as soon as that knows better than the periodic summary.
 */
export function ClusterSwitcher({ cluster }: { cluster: string }) {
  const { data } = useClusters();
  const trouble = useClusterTrouble();
  const router = useRouter();
  const summary = data?.find((c) => c.name === cluster);
  const current: Pick<ClusterSummary, 'status' | 'error' | 'since'> | undefined = trouble
    ? { status: 'unreachable', error: trouble.reason, since: new Date(trouble.since).toISOString() }
    : summary;
  return (
    <div className="cluster-switcher">
      <label htmlFor="cluster-select">Cluster</label>
      <div className="cluster-select-wrap">
        <span className={`dot ${current ? (current.status === 'reachable' ? 'dot-ok' : 'dot-bad') : 'dot-unknown'}`} aria-hidden="true" />
        <select id="cluster-select" value={cluster} onChange={(e) => router.push(clusterPath(e.target.value))}>
          {data && !summary ? <option value={cluster}>{cluster}</option> : null}
          {(data ?? [{ name: cluster, status: 'reachable' as const }]).map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} — {c.name === cluster && current ? stateWord(current) : data ? stateWord(c) : '…'}
            </option>
          ))}
        </select>
      </div>
      {current?.status === 'unreachable' ? (
        <p className="cluster-error" role="alert" data-testid="cluster-state" title={trouble ? troubleDetail(trouble) : undefined}>
          {describeStatus(current)}
        </p>
      ) : null}
    </div>
  );
}
