import { route } from '@/server/http/route';
import { parseNamespaces, parseSelector } from '@/server/api/requestParams';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Snapshot of a kind: `{kind, epoch, seq, items, errors}`, the rows this person may see; ETag → 304; gzip when large (next.config). */
export const GET = route<{ cluster: string; kind: string }>(async ({ request, actor, params }) => {
  const { live, config } = getRuntime();
  const url = new URL(request.url);
  const namespaces = parseNamespaces(url.searchParams.get('namespaces'), config.live.maxNamespacesPerStream);
  const selector = parseSelector(url.searchParams.get('labelSelector'));
  const snapshot = await live.snapshot(params.cluster, params.kind, actor, { namespaces, selector });
  const headers = { ETag: snapshot.etag, 'Cache-Control': 'private, no-cache' };
  if (request.headers.get('if-none-match') === snapshot.etag) return new Response(null, { status: 304, headers });
  const { etag: _etag, ...body } = snapshot;
  return Response.json(body, { headers });
});
