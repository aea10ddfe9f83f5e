/**
 * WATCH: one JSON event per line on a chunked 200 response, flushed as written.
 * Start from "now with everything ADDED" (resourceVersion unset or "0"), from history
 * (resourceVersion N), or answer 410 inside the stream when N is too old. Selector
 * transitions behave like the watch cache: an object that stops matching is DELETED,
 * one that starts matching is ADDED.
 */
import { matches } from '../selectors';
import { storageKey } from '../resources';
import { gone } from '../status';
import type { StoreEvent } from '../store';
import { toTable } from '../table';
import type { KubeObject } from '../types';
import type { ResourceRequest } from './context';
import { filterFor, includeObject, served } from './list';
import { optionalQueryFlag, queryFlag } from './query';
import { wanted } from './respond';
import { invalidParam, parseResourceVersion, waitForResourceVersion } from './versions';

type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** What an event looks like to a watcher with this filter: maybe a different type, maybe nothing. */
function project(event: StoreEvent, match: (o: KubeObject) => boolean): { type: WatchType; object: KubeObject } | undefined {
  const now = event.type !== 'DELETED' && match(event.object);
  const before = event.previous !== undefined && match(event.previous);
  if (event.type === 'ADDED') return now ? { type: 'ADDED', object: event.object } : undefined;
  if (event.type === 'DELETED') return before ? { type: 'DELETED', object: event.object } : undefined;
  if (now && before) return { type: 'MODIFIED', object: event.object };
  if (now) return { type: 'ADDED', object: event.object };
  if (before) return { type: 'DELETED', object: event.object };
  return undefined;
}

/** Default watch lifetime: 30–60 minutes, like the apiserver's randomised request timeout. */
function defaultLifetimeMs(): number {
  return (1800 + Math.floor(Math.random() * 1800)) * 1000;
}

export async function handleWatch(r: ResourceRequest): Promise<void> {
  const { ctx, query: q, res } = r;
  const filter = filterFor(r);
  const key = storageKey(r.type);
  const rv = parseResourceVersion(q.get('resourceVersion'));
  const bookmarks = queryFlag(q, 'allowWatchBookmarks');
  const sendInitial = optionalQueryFlag(q, 'sendInitialEvents');
  const initialEvents = sendInitial === true;
  if (sendInitial !== undefined) {
    if (q.get('resourceVersionMatch') !== 'NotOlderThan') {
      throw invalidParam('resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan', 'resourceVersionMatch');
    }
    if (initialEvents && !bookmarks) {
      throw invalidParam('allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true', 'allowWatchBookmarks');
    }
  } else if (q.get('resourceVersionMatch')) {
    throw invalidParam('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided', 'resourceVersionMatch');
  }
  if (rv !== undefined && rv > 0) await waitForResourceVersion(ctx, rv);

  const nameFilter = r.name;
  const match = (o: KubeObject) => (nameFilter === undefined || o.metadata.name === nameFilter) && matches(filter, o);
  const asTable = wanted(r.req).table;
  const include = includeObject(r);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  let closed = false;
  const cleanups: (() => void)[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    for (const c of cleanups) c();
    res.end();
  };

  const write = (type: WatchType, object: KubeObject | Record<string, unknown>) => {
    if (closed) return;
    let body = object;
    if (asTable && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      body = toTable(r.type, [served(r, object as KubeObject)], { resourceVersion: (object as KubeObject).metadata.resourceVersion }, include);
    } else if (type !== 'ERROR' && type !== 'BOOKMARK') {
      body = served(r, object as KubeObject);
    }
    res.write(`${JSON.stringify({ type, object: body })}\n`);
    if (res.writableLength > ctx.options.watchBufferLimit) {
      // A reader this far behind would make us hold an unbounded queue; it will re-watch.
      closed = true;
      for (const c of cleanups) c();
      res.destroy();
    }
  };

  const bookmark = (annotations?: Record<string, string>) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(ctx.store.currentRv()) };
    if (annotations) metadata.annotations = annotations;
    write('BOOKMARK', { kind: r.type.kind, apiVersion: served(r, { apiVersion: '', kind: r.type.kind, metadata: {} }).apiVersion, metadata });
  };

  // Everything below up to subscribe runs synchronously, so no write can slip between
  // the replayed state and the live events.
  if (rv === undefined || rv === 0 || initialEvents) {
    for (const o of ctx.store.iterate(key, r.namespace)) if (match(o)) write('ADDED', o);
    if (initialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const events = ctx.store.eventsSince(rv);
    if (events === 'expired') {
      const expired = gone(`too old resource version: ${rv} (${ctx.store.oldestResourceVersion() + 1})`);
      write('ERROR', expired.status as unknown as Record<string, unknown>);
      close();
      return;
    }
    for (const e of events) {
      if (e.key !== key) continue;
      const p = project(e, match);
      if (p) write(p.type, p.object);
    }
  }
  if (closed) return;

  cleanups.push(
    ctx.store.subscribe((e) => {
      if (e.key !== key) return;
      const p = project(e, match);
      if (p) write(p.type, p.object);
    }),
  );
  if (bookmarks) {
    const t = setInterval(() => bookmark(), ctx.options.bookmarkIntervalMs);
    cleanups.push(() => clearInterval(t));
  }
  const timeout = Number(q.get('timeoutSeconds'));
  const lifetime = Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : defaultLifetimeMs();
  const timer = setTimeout(close, lifetime);
  cleanups.push(() => clearTimeout(timer));
  ctx.watches.set(close, r.type.group ? `${r.type.resource}.${r.type.group}` : r.type.resource);
  cleanups.push(() => ctx.watches.delete(close));
  // Closed with the simulator through the watch registry (one listener per watch on the shared signal would pile up).
  if (ctx.signal.aborted) close();
  res.on('close', close);
}
