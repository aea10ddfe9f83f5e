import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

collectDefaultMetrics({ prefix: 'crowsnest_process_' });

/** Deltas published by informers, per (cluster, kind). */
export const deltasTotal = new Counter({ name: 'crowsnest_deltas_total', help: 'Row deltas published by informers', labelNames: ['cluster', 'kind'] });

/** Time from an informer receiving a change to the socket write that carries it to a client. */
export const deliveryLag = new Histogram({
  name: 'crowsnest_delivery_lag_seconds',
  help: 'Seconds from an informer receiving a change to the socket write carrying it (observed once per flush pass, for its oldest change)',
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

/** Time from the owner sending a run of changes to Redis to a replica's follower reading them (the fleet's hop). */
export const fleetHop = new Histogram({
  name: 'crowsnest_fleet_hop_seconds',
  help: "Seconds from the owner sending a change to Redis (with the others of its informer's read) to this replica's follower reading the reply that carries it (millisecond clock; every delta followed)",
  buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.05, 0.1, 0.25, 1],
});

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}
