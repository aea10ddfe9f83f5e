import { route } from '@/server/http/route';
import { search } from '@/server/api/search';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Catalog search for the command palette: objects whose name contains `q`, across kinds, authorised rows only. */
export const GET = route<{ cluster: string }>(async ({ request, actor, params }) => {
  const q = new URL(request.url).searchParams.get('q') ?? '';
  const results = await search(getRuntime().live.cluster(params.cluster), actor, q);
  return Response.json({ results }, { headers: { 'Cache-Control': 'no-store' } });
});
