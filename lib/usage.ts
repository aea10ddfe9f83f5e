/**
 * The usage route's answer, shared by the server and the charts:
 * `GET /api/clusters/{cluster}/usage?kind=pods|nodes&namespaces=&name=&labelSelector=&group=&window=&latest=`.
 * CPU is in cores, memory in bytes; times are Unix seconds.
 */

/** Whether the cluster's metrics.k8s.io can be read: `not-installed` is a cluster without metrics-server. */
export type MetricsStateName = 'ok' | 'starting' | 'not-installed' | 'unavailable';

export interface MetricsState {
  state: MetricsStateName;
  /** Kubernetes' words, or the network's, for anything but `ok`. */
  reason?: string;
  /** RFC 3339: when the state began. */
  since: string;
}

/** How samples are grouped into series: one per object, one per container of one pod, or one summed over all matched objects. */
export type UsageGrouping = 'object' | 'container' | 'sum';

export interface UsageSeries {
  /** The node, `namespace/pod`, the container, or `total`. */
  name: string;
  /** One value per entry of `times`; null where the object had no sample then. */
  cpu: (number | null)[];
  memory: (number | null)[];
}

export interface UsageResponse {
  kind: 'pods' | 'nodes';
  intervalSeconds: number;
  metrics: MetricsState;
  times: number[];
  series: UsageSeries[];
  /** Namespaces asked for by name that this person may not list (the others are answered). */
  errors: { namespace: string; code: 403; message: string }[];
}
