import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';
import { parseUsageQuery } from '@/server/usage/usageQuery';

export const dynamic = 'force-dynamic';

/** Usage series from metrics.k8s.io for the last hour (or `window` seconds), of the pods or nodes this person may list. */
export const GET = route<{ cluster: string }>(async ({ request, actor, params }) => {
  const { usage, config } = getRuntime();
  const query = parseUsageQuery(new URL(request.url).searchParams, config.live.maxNamespacesPerStream);
  const body = await usage.query(params.cluster, actor, query);
  return Response.json(body, { headers: { 'Cache-Control': 'private, no-store' } });
});
