import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Every kind of the cluster the person may learn of (coordinates, scope, columns, whether it streams, how the portal can serve it), and whether metrics can be shown. */
export const GET = route<{ cluster: string }>(async ({ actor, params }) => {
  const live = getRuntime().live.cluster(params.cluster);
  const kinds = await Promise.all(
    (await live.kindsVisibleTo(actor)).map(async (kind) => {
      const state = await live.kindState(kind).catch((err: Error) => ({ state: 'disabled' as const, reason: `could not check: ${err.message}` }));
      return {
        token: kind.token,
        group: kind.group,
        version: kind.version,
        kind: kind.kind,
        namespaced: kind.namespaced,
        alias: kind.alias,
        title: kind.title,
        columns: kind.columns,
        stream: state.state === 'streaming',
        ...state,
      };
    }),
  );
  const metrics = await live.metricsState().catch((err: Error) => ({ state: 'unknown' as const, reason: `could not check: ${err.message}` }));
  return Response.json({ cluster: params.cluster, kinds, metrics }, { headers: { 'Cache-Control': 'no-store' } });
});
