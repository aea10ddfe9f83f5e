import { HttpError } from '@/server/http/errors';
import { route } from '@/server/http/route';
import type { FleetKind, FleetView } from '@/lib/live/fleetView';
import type { Fleet } from '@/server/fleet/connectFleet';
import type { ClusterLive } from '@/server/live/clusterLive';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** The deltas in a stream (last id `<gen>-<seq>`) after a mirror's position (`<epoch>-<seq>`); null when either is unknown. */
function behind(position: string, last: string | null | undefined): number | null {
  if (!last) return null;
  const head = Number(last.slice(last.lastIndexOf('-') + 1));
  const at = Number(position.slice(position.lastIndexOf('-') + 1));
  return Number.isFinite(head) && Number.isFinite(at) ? Math.max(0, head - at) : null;
}

/** This replica's view of the fleet: Redis, the live replicas, and each served kind's lease and stream in Redis. */
async function fleetView(fleet: Fleet, clusters: ClusterLive[]): Promise<FleetView> {
  const { link } = fleet;
  const now = Date.now();
  const kinds = await Promise.all(
    clusters.flatMap((cluster) =>
      cluster.informers().map(async (informer): Promise<FleetKind> => {
        const topic = `${cluster.cluster.name}/${informer.kind}`;
        const up = link.state === 'up';
        const [stream, holder, reports] = up
          ? await Promise.all([fleet.describe(topic).catch(() => null), fleet.holder(topic).catch(() => null), fleet.followers.read(topic, fleet.replicas()).catch(() => [])])
          : [null, null, []];
        const here = { replica: fleet.replicaId, position: informer.position, lastDelta: informer.lastDelta };
        const followers = [here, ...reports.filter((r) => r.replica !== fleet.replicaId)].map(({ replica, position, lastDelta }) => ({ replica, position, lastDelta, lagDeltas: behind(position, stream?.last) }));
        // Without Redis this replica runs its own informers: it is the owner, with no lease.
        const since = holder?.since ?? informer.ownedSince;
        return {
          topic,
          cluster: cluster.cluster.name,
          kind: informer.kind,
          owner: holder?.replica ?? (informer.owned ? fleet.replicaId : null),
          ownedHere: informer.owned,
          fence: holder?.fence ?? informer.fence,
          leaseAgeSeconds: since !== undefined ? Math.max(0, now - since) / 1000 : undefined,
          leaseExpiresInSeconds: holder ? holder.expiresInMs / 1000 : undefined,
          position: informer.position,
          rows: informer.rows,
          followers,
          lagDeltas: behind(informer.position, stream?.last),
          lastDelta: informer.lastDelta,
          stream,
        };
      }),
    ),
  );
  return {
    replica: fleet.replicaId,
    now,
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
