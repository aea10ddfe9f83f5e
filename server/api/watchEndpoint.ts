import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../../lib/actor';
import { HttpError } from '../http/errors';
import type { LiveData } from '../live/liveData';
import { parseKinds, parseLastEventId, parseNamespaces, parseSelector, parseSince } from './requestParams';

/** `/api/clusters/{cluster}/watch` (several kinds) and `/api/clusters/{cluster}/{kind}/watch` (one). */
const WATCH_PATH = /^\/api\/clusters\/([^/]+)\/(?:([^/]+)\/)?watch$/;

function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `malformed path segment "${raw.slice(0, 80)}"`);
  }
}

/**
 * The watch routes, served by the custom server on the Node response itself:
 * a stream is a long-lived socket that is written to in batches, which Next's
 * route-response pipeline (a chain of WHATWG streams and promises per
 * connection) would make several times more costly per stream and per frame.
 * Parse at the edge, then the hub resolves access and serves the stream.
 */
export async function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  { actor, live, maxNamespaces }: { actor: Actor; live: LiveData; maxNamespaces: number },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://portal');
  const match = WATCH_PATH.exec(url.pathname);
  if (!match) throw new HttpError(404, 'not a watch route');
  const cluster = segment(match[1]);
  const single = match[2] !== undefined;
  const counts = single ? [] : parseKinds(url.searchParams.get('counts'), { required: false, name: 'counts', max: 1000 });
  const kinds = single ? [segment(match[2])] : parseKinds(url.searchParams.get('kinds'), { required: counts.length === 0 });
  const namespaces = parseNamespaces(url.searchParams.get('namespaces'), maxNamespaces);
  const selector = parseSelector(url.searchParams.get('labelSelector'));
  const lastEventId = req.headers['last-event-id'];
  // `since` is asked for on purpose: a malformed one is the caller's error. A malformed Last-Event-ID is
  // whatever a browser last saw (another version, another epoch format): it gets a snapshot, since an
  // EventSource refused with an error status gives up for good.
  const since = typeof lastEventId === 'string' ? parseLastEventId(lastEventId, kinds, single) : parseSince(url.searchParams.get('since'), kinds, single);
  await live.hub.open({ actor, live: live.cluster(cluster), kinds, counts, single, namespaces, selector, since }, res);
}
