'use client';

import { useRouter } from 'next/navigation';
import { useClusters } from '../useClusters';
import { clusterPath } from '../urls';

/** Switches cluster; each option says whether its cluster is reachable. */
export function ClusterSwitcher({ cluster }: { cluster: string }) {
  const { data } = useClusters();
  const router = useRouter();
  const current = data?.find((c) => c.name === cluster);
  return (
    <div className="cluster-switcher">
      <label htmlFor="cluster-select">Cluster</label>
      <div className="cluster-select-wrap">
        <span className={`dot ${current ? (current.status === 'reachable' ? 'dot-ok' : 'dot-bad') : 'dot-unknown'}`} aria-hidden="true" />
        <select id="cluster-select" value={cluster} onChange={(e) => router.push(clusterPath(e.target.value))}>
          {data && !current ? <option value={cluster}>{cluster}</option> : null}
          {(data ?? [{ name: cluster, status: 'reachable' as const }]).map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} — {c.status === 'reachable' ? 'reachable' : 'unreachable'}
            </option>
          ))}
        </select>
      </div>
      {current?.status === 'unreachable' ? (
        <p className="cluster-error" role="alert">
          Unreachable: {current.error ?? 'unknown error'}
        </p>
      ) : null}
    </div>
  );
}
