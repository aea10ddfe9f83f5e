import { Counter, Gauge, register } from 'prom-client';

/**
 * The socket subsystem's Prometheus metrics, on prom-client's default registry.
 * Created once per process (a second import under Next's bundling reuses them).
 */
function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  return (register.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames });
}
function counter(name: string, help: string, labelNames: string[] = []): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

export const socketMetrics = {
  openShells: gauge('crowsnest_shells_open', 'Shell (exec) sessions open in this process'),
  logSubscriptions: gauge('crowsnest_log_subscriptions', 'Log subscriptions (viewers) open in this process'),
  logUpstreams: gauge('crowsnest_log_upstreams', 'Upstream log follows open to Kubernetes from this process, shared by their viewers'),
  logUpstreamsOpened: counter('crowsnest_log_upstreams_opened_total', 'Log follows this process opened to Kubernetes'),
  logRelays: gauge('crowsnest_log_relays', 'Log upstreams this process follows through Redis (a fleet: one follow per container, owned by one replica)'),
  logUpstreamsFleet: gauge('crowsnest_log_upstreams_fleet', 'Log follows open to Kubernetes for the whole fleet (one per container followed anywhere), as this replica last counted them in Redis'),
  logTakeovers: counter('crowsnest_log_upstream_takeovers_total', 'Log follows this process reopened for the fleet after their owner went away'),
  viewersPerUpstream: gauge('crowsnest_log_upstream_viewers', 'Viewers of one upstream log follow', ['cluster', 'namespace', 'pod', 'container']),
  droppedLines: counter('crowsnest_socket_dropped_lines_total', 'Log lines dropped because a client read too slowly'),
  droppedBytes: counter('crowsnest_socket_dropped_bytes_total', 'Bytes (log lines and shell output) dropped because a client read too slowly', ['namespace']),
  refusals: counter('crowsnest_socket_refusals_total', 'Socket events refused, by code', ['namespace', 'code']),
};
