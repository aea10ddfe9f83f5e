/**
 * The fleet's Redis hop: the same streams and churn served by one replica on
 * its own (no Redis), then by three replicas sharing one informer per kind
 * through Redis, each serving a third of the streams. The difference in
 * client latency is what the hop from the owner through Redis to the other
 * replicas adds.
 */
import { randomBytes } from 'node:crypto';
import { startRedis } from '../tests/support/redis';
import { LoadClients, ReferenceWatch, startPortalOn, startSim, type PortalProcess } from './processes';
import { openAll, point, round, settle, type FanoutPoint, type Settings } from './scenarios';

export interface FleetPoint {
  rate: number;
  streams: number;
  replicas: number;
  single: FanoutPoint;
  fleet: FanoutPoint;
  /** What the Redis hop adds to the clients' latency, ms (fleet − single): the hop plus three processes sharing the cores. */
  hopMs: { p50: number; p99: number };
  /**
   * The hop itself, from the replicas' `crowsnest_fleet_hop_seconds` (the owner sending to Redis to a follower's read, every delta
   * on every replica during the fleet run): the upper bound of the bucket holding each quantile, ms.
   */
  hopMeasuredMs: { p50: number; p99: number; count: number } | null;
}

/** The replicas' hop histograms added up: cumulative count per bucket bound (seconds). */
async function hopBuckets(portals: PortalProcess[]): Promise<Map<number, number>> {
  const buckets = new Map<number, number>();
  for (const portal of portals) {
    const text = await (await fetch(`${portal.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    for (const m of text.matchAll(/^crowsnest_fleet_hop_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) {
      const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
      buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
    }
  }
  return buckets;
}

/** Quantiles of the deltas between two readings of the buckets: each the bound of the first bucket that holds it. */
function hopQuantiles(before: Map<number, number>, after: Map<number, number>): FleetPoint['hopMeasuredMs'] {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total === 0) return null;
  const at = (q: number) => {
    const i = counts.findIndex((c) => c >= q * total);
    return bounds[i] === Infinity ? Infinity : round(bounds[i] * 1000);
  };
  return { p50: at(0.5), p99: at(0.99), count: total };
}


export async function fleetHop(rate: number, streams: number, replicas: number, s: Settings): Promise<FleetPoint> {
  const sim = await startSim(s.dir, s.pods, 0);
  const redis = await startRedis();
  const portals: PortalProcess[] = [];
  let clients: LoadClients | undefined;
  let ref: ReferenceWatch | undefined;
  const measure = async (serving: PortalProcess[]): Promise<FanoutPoint> => {
    await sim.setRate(0);
    clients = LoadClients.start(s.clients);
    const share = Math.ceil(streams / serving.length);
    for (const portal of serving) clients.open({ mode: 'sse', url: `${portal.url}/api/clusters/sim/pods/watch`, headers: { Cookie: portal.cookie }, streams: share, concurrency: 16 });
    const openSeconds = await openAll(clients, share * serving.length, s.openSeconds, s.log);
    await sim.setRate(rate);
    await settle(clients, s.drainSeconds);
    const p = await point({ engine: 'crowsnest', sim, portal: serving[0], clients, ref: ref!, rate, pods: s.pods }, share * serving.length, openSeconds, s);
    await clients.close();
    clients = undefined;
    return p;
  };
  try {
    ref = await ReferenceWatch.open(sim);
    const alone = await startPortalOn(sim);
    portals.push(alone);
    const single = await measure([alone]);
    s.log(`    one replica, no Redis, ${streams} streams × ${rate}/s: p50 ${single.latencyMs.p50} ms, p99 ${single.latencyMs.p99} ms`);
    await alone.stop();
    const secret = randomBytes(32).toString('base64url');
    const env = { REDIS_URL: redis.url, NEXTAUTH_SECRET: secret };
    const fleet = await Promise.all(Array.from({ length: replicas }, () => startPortalOn(sim, env)));
    portals.push(...fleet);
    const hopBefore = await hopBuckets(fleet);
    const shared = await measure(fleet);
    const hopMeasuredMs = hopQuantiles(hopBefore, await hopBuckets(fleet));
    if (hopMeasuredMs) s.log(`    the hop itself (the owner's send to Redis → a follower's read, ${hopMeasuredMs.count} deltas on ${replicas} replicas): p50 ≤ ${hopMeasuredMs.p50} ms, p99 ≤ ${hopMeasuredMs.p99} ms`);
    s.log(`    ${replicas} replicas through Redis, ${streams} streams × ${rate}/s: p50 ${shared.latencyMs.p50} ms, p99 ${shared.latencyMs.p99} ms, ${shared.apiserverWatches} apiserver watches`);
    return { rate, streams, replicas, single, fleet: shared, hopMs: { p50: round(shared.latencyMs.p50 - single.latencyMs.p50), p99: round(shared.latencyMs.p99 - single.latencyMs.p99) }, hopMeasuredMs };
  } finally {
    ref?.close();
    await clients?.close();
    await Promise.all(portals.map((p) => p.stop()));
    await sim.stop();
    await redis.stop();
  }
}
