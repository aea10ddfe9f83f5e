import type { RouteContext } from '../http/route';
import { getRuntime } from '../runtime';
import { parseKinds, parseNamespaces, parseSelector, parseSince } from './requestParams';
import { SSE_HEADERS } from './sse';

/** Both watch routes: parse, open the stream (errors before any byte), answer with the SSE body. */
export async function openStream(ctx: RouteContext<{ cluster: string; kind?: string }>): Promise<Response> {
  const { live, config } = getRuntime();
  const url = new URL(ctx.request.url);
  const single = ctx.params.kind !== undefined;
  const kinds = single ? [ctx.params.kind!] : parseKinds(url.searchParams.get('kinds'));
  const namespaces = parseNamespaces(url.searchParams.get('namespaces'), config.live.maxNamespacesPerStream);
  const selector = parseSelector(url.searchParams.get('labelSelector'));
  const since = parseSince(ctx.request, url, kinds, single);
  // The connection as the HTTP server registered it: the stream ends when it closes, even before the answer starts.
  const signal = live.hub.connections.closedSignal(ctx.requestId);
  const body = await live.hub.open({ actor: ctx.actor, requestId: ctx.requestId, signal, live: live.cluster(ctx.params.cluster), kinds, single, namespaces, selector, since });
  return new Response(body, { headers: SSE_HEADERS });
}
