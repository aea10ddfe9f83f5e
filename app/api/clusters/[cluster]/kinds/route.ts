import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Every kind of the cluster: coordinates, scope, columns, whether it streams, and how the portal can serve it. */
export const GET = route<{ cluster: string }>(async ({ params }) => {
  const live = getRuntime().live.cluster(params.cluster);
  const kinds = await Promise.all(
    live.kinds().map(async (kind) => {
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
  return Response.json({ cluster: params.cluster, kinds }, { headers: { 'Cache-Control': 'no-store' } });
});
