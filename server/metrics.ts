import { readdir } from 'node:fs/promises';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register, Registry, type Metric } from 'prom-client';

/**
 * prom-client's process metrics, less those that walk every libuv handle and resource on each scrape, and with
 * the open file descriptors counted off the event loop: with thousands of open streams these held the event loop
 * for milliseconds per scrape (7 ms for the descriptors alone at 5,000 streams), delaying every stream.
 */
const HELD_THE_LOOP = ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_resources', 'nodejs_active_resources_total', 'process_open_fds'];
const processMetrics = new Registry();
collectDefaultMetrics({ prefix: 'crowsnest_process_', register: processMetrics });
for (const name of HELD_THE_LOOP) processMetrics.removeSingleMetric(`crowsnest_process_${name}`);
// (The registry holds the metrics themselves; its type says only what they print.)
for (const metric of processMetrics.getMetricsAsArray() as unknown as Metric[]) register.registerMetric(metric);
if (process.platform === 'linux') {
  new Gauge({
    name: 'crowsnest_process_process_open_fds',
    help: 'Number of open file descriptors.',
    async collect() {
      // Read in libuv's thread pool: the directory lists one entry per socket. (Less the one reading it.)
      const fds = await readdir('/proc/self/fd').catch(() => null);
      // Unread (out of descriptors, most likely): no figure rather than an old one.
      if (fds) this.set(fds.length - 1);
      else this.reset();
    },
  });
}

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
