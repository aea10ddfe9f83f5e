import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Every cluster the portal serves, with its version and node count or why (and since when) it is unreachable, and what the caller may see there. */
export const GET = route(async ({ actor }) => {
  const { clusters, live } = getRuntime();
  const summaries = (await clusters.summariesFor(actor)).map((summary) => live.withConnection(summary));
  return Response.json(summaries, { headers: { 'Cache-Control': 'no-store' } });
});
