/** What `GET /api/clusters` answers for each cluster. */
export interface ClusterSummary {
  name: string;
  server: string;
  status: 'reachable' | 'unreachable';
  /** The API server's gitVersion, when reachable. */
  version?: string;
  nodeCount?: number;
  /** Why the cluster could not be reached (or a part of the summary could not be had). */
  error?: string;
  /** What the signed-in person may see there, as Kubernetes RBAC decides (listing pods). */
  access?: ClusterAccess;
}

export type ClusterAccess =
  | { scope: 'cluster' }
  | { scope: 'namespaces'; namespaces: string[] }
  | { scope: 'none' };
