import { objectEvents } from '@/server/api/actions';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** The object's Events, read as the person. */
export const GET = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ actor, params, requestId }) => {
  const items = await objectEvents({ live: getRuntime().live, ...params, token: params.kind, actor, requestId });
  return Response.json({ items }, { headers: { 'Cache-Control': 'no-store' } });
});
