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
  /** Unreachable: since when the portal has had no answer (RFC 3339), when its informers know. */
  since?: string;
  /** What the signed-in person may see there, as Kubernetes RBAC decides (listing pods). */
  access?: ClusterAccess;
}

export type ClusterAccess =
  | { scope: 'cluster' }
  | { scope: 'namespaces'; namespaces: string[] }
  | { scope: 'none' };
