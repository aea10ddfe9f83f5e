import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Every cluster the portal serves, with its version and node count or why it is unreachable. */
export const GET = route(async () => {
  const summaries = await getRuntime().clusters.summaries();
  return Response.json(summaries, { headers: { 'Cache-Control': 'no-store' } });
});
