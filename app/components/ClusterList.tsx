'use client';

import Link from 'next/link';
import type { ClusterAccess, ClusterSummary } from '@/lib/clusters';
import { clockTime } from './live/clusterTrouble';
import { useClusters } from './useClusters';

function describeAccess(access: ClusterAccess | undefined): string {
  if (!access) return '—';
  if (access.scope === 'cluster') return 'All namespaces';
  if (access.scope === 'namespaces') return access.namespaces.join(', ');
  return 'Nothing (no RBAC bindings)';
}

/** The portal's connection to the cluster: its informers' state where they know it (unreachable since when, and why). */
export function describeStatus(cluster: Pick<ClusterSummary, 'status' | 'error' | 'since'>): string {
  if (cluster.status === 'reachable') return 'Reachable';
  const since = cluster.since ? ` (since ${clockTime(Date.parse(cluster.since))})` : '';
  return `Unreachable: ${cluster.error ?? 'unknown error'}${since}`;
}

export function ClusterList() {
  const { data, error, isLoading } = useClusters();
  if (isLoading) return <p className="muted">Looking for clusters…</p>;
  if (error) return <p role="alert">Could not load clusters: {(error as Error).message}</p>;
  if (!data || data.length === 0) return <p>No clusters configured. Set KUBECONFIG, or start with CROWSNEST_DEMO=1.</p>;
  return (
    <table className="clusters" aria-label="Clusters">
      <thead>
        <tr>
          <th scope="col">Cluster</th>
          <th scope="col">Status</th>
          <th scope="col">Version</th>
          <th scope="col">Nodes</th>
          <th scope="col">You can see</th>
          <th scope="col">Server</th>
        </tr>
      </thead>
      <tbody>
        {data.map((cluster) => (
          <tr key={cluster.name} data-cluster={cluster.name}>
            <td>
              <Link href={`/clusters/${encodeURIComponent(cluster.name)}`}>{cluster.name}</Link>
            </td>
            <td className={`status-${cluster.status}`}>
              {describeStatus(cluster)}
            </td>
            <td>{cluster.version ?? '—'}</td>
            <td>{cluster.nodeCount ?? '—'}</td>
            <td data-testid="access">{describeAccess(cluster.access)}</td>
            <td className="muted">{cluster.server}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
