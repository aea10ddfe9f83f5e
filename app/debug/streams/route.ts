import { HttpError } from '@/server/http/errors';
import { route } from '@/server/http/route';
import type { Fleet } from '@/server/fleet/connectFleet';
import type { ClusterLive } from '@/server/live/clusterLive';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** This replica's view of the fleet: Redis, the live replicas, and each served kind's stream in Redis. */
async function fleetView(fleet: Fleet, clusters: ClusterLive[]) {
  const { link } = fleet;
  const kinds = await Promise.all(
    clusters.flatMap((cluster) =>
      cluster.informers().map(async (informer) => {
        const topic = `${cluster.cluster.name}/${informer.kind}`;
        const stream = link.state === 'up' ? await fleet.describe(topic).catch(() => null) : null;
        return { topic, owner: informer.owned ? fleet.replicaId : 'another replica', fence: informer.fence, leaseAgeSeconds: informer.ownedSince ? (Date.now() - informer.ownedSince) / 1000 : undefined, position: informer.position, lastDelta: informer.lastDelta, stream };
      }),
    ),
  );
  return {
    replica: fleet.replicaId,
    redis: { state: link.state, since: new Date(link.since).toISOString(), reason: link.reason, roundTripMs: link.roundTripMs },
    replicas: fleet.replicas(),
    kinds,
  };
}

/** Every stream this replica serves, and the informers behind them (admins only). */
export const GET = route(async ({ actor }) => {
  const { live, config, fleet } = getRuntime();
  if (!actor.groups.some((group) => config.adminGroups.includes(group))) {
    throw new HttpError(403, 'only members of CROWSNEST_ADMIN_GROUPS may see the streams of this replica');
  }
  return Response.json(
    {
      streams: live.hub.list(),
      counters: live.hub.counters,
      informers: live.all().map((cluster) => ({ cluster: cluster.cluster.name, informers: cluster.informers() })),
      fleet: fleet ? await fleetView(fleet, live.all()) : null,
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
});
