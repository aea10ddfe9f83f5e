import { Counter, Gauge, Histogram, register } from 'prom-client';

/** The Yard's Prometheus metrics, on prom-client's default registry (created once per process). */
function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  return (register.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, labelNames });
}
function counter(name: string, help: string, labelNames: string[] = []): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}
function histogram(name: string, help: string, buckets: number[]): Histogram {
  return (register.getSingleMetric(name) as Histogram | undefined) ?? new Histogram({ name, help, buckets });
}

export const yardMetrics = {
  open: gauge('crowsnest_yards_open', 'Yards open on this replica'),
  saved: gauge('crowsnest_yards_saved', 'Yards with a saved document in Redis, as this replica last read them (to tell a yard Redis loses from a new one)'),
  people: gauge('crowsnest_yard_people', 'Connections to each yard on this replica (one per browser tab with it open); people\'s own yards count together as "personal"', ['yard']),
  updates: counter('crowsnest_yard_updates_total', 'Changes to yards accepted from people on this replica'),
  refused: counter('crowsnest_yard_refusals_total', 'Changes and presence refused, by code', ['code']),
  syncLag: histogram(
    'crowsnest_yard_sync_lag_seconds',
    'From a change accepted on one replica to its arrival on another (through Redis)',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  ),
  redisRoundTrip: histogram('crowsnest_yard_redis_seconds', 'Time to save one change of a yard in Redis', [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5]),
};

/** The `yard` label of a yard: its id, or "personal" for people's own yards (whose ids name them). */
export const yardLabel = (id: string) => (id.startsWith('~') ? 'personal' : id);
