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
import { openAll, point, settle, type FanoutPoint, type Settings } from './scenarios';

export interface FleetPoint {
  rate: number;
  streams: number;
  replicas: number;
  single: FanoutPoint;
  fleet: FanoutPoint;
  /** What the Redis hop adds, ms (fleet − single). */
  hopMs: { p50: number; p99: number };
}

const round = (v: number) => Math.round(v * 100) / 100;

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
    const shared = await measure(fleet);
    s.log(`    ${replicas} replicas through Redis, ${streams} streams × ${rate}/s: p50 ${shared.latencyMs.p50} ms, p99 ${shared.latencyMs.p99} ms, ${shared.apiserverWatches} apiserver watches`);
    return { rate, streams, replicas, single, fleet: shared, hopMs: { p50: round(shared.latencyMs.p50 - single.latencyMs.p50), p99: round(shared.latencyMs.p99 - single.latencyMs.p99) } };
  } finally {
    ref?.close();
    await clients?.close();
    await Promise.all(portals.map((p) => p.stop()));
    await sim.stop();
    await redis.stop();
  }
}
