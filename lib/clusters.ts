/** What `GET /api/clusters` answers for each cluster. */
export interface ClusterSummary {
  name: string;
  server: string;
  status: 'reachable' | 'unreachable';
  /** The API server's gitVersion, when reachable. */
  version?: string;
  nodeCount?: number;
  /** Why the cluster could not be reached. */
  error?: string;
}
