import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Every cluster the portal serves, with its version and node count or why it is unreachable, and what the caller may see there. */
export const GET = route(async ({ actor }) => {
  const summaries = await getRuntime().clusters.summariesFor(actor);
  return Response.json(summaries, { headers: { 'Cache-Control': 'no-store' } });
});
