import { HttpError } from '@/server/http/errors';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Every stream this replica serves, and the informers behind them (admins only). */
export const GET = route(async ({ actor }) => {
  const { live, config } = getRuntime();
  if (!actor.groups.some((group) => config.adminGroups.includes(group))) {
    throw new HttpError(403, 'only members of CROWSNEST_ADMIN_GROUPS may see the streams of this replica');
  }
  return Response.json(
    {
      streams: live.hub.list(),
      counters: live.hub.counters,
      informers: live.all().map((cluster) => ({ cluster: cluster.cluster.name, informers: cluster.informers() })),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
});
