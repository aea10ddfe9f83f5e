import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../lib/kinds/types';
import { log } from '../log';
import { errorFrom, kubeJson, kubeRequest, KubeError, lines } from './kubeRequest';

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Capped exponential backoff with full jitter. */
export function backoffMs(failures: number, base: number, max: number): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(failures, 16));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** The longest the loop hands watch events on before it lets the event loop serve other work. */
const SLICE_MS = 10;

export type WatchLoopMode = 'watch' | 'poll';

export interface WatchLoopOptions {
  kubeConfig: KubeConfig;
  /** The collection's path, e.g. `/api/v1/pods`. */
  path: string;
  mode: WatchLoopMode;
  /** Names the loop in logs (a topic, or the path). */
  label: string;
  /**
   * `objects`: a paged LIST whose objects go to the handler. `version`: one
   * LIST of a single object, only for the resourceVersion to watch from (for
   * a watcher that needs to know that something changed, not what).
   */
  list?: 'objects' | 'version';
  pageSize?: number;
  pollIntervalMs?: number;
  /** A watch that sends nothing (not even a bookmark) for this long is presumed hung and restarted. */
  livenessMs?: number;
  watchTimeoutSeconds?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Errors (the handler's own) that end the loop instead of being retried; the loop rethrows them. */
  isFatal?: (err: unknown) => boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What the loop tells its user. */
export interface WatchHandler {
  /** One page of a (re)list; `first` begins a list, `last` ends it. With `list: 'version'` the only page is empty. */
  listPage(objects: KubeObject[], page: { first: boolean; last: boolean }): void | Promise<void>;
  /** One watch event (bookmarks are not passed on). */
  event(type: WatchEventType, object: KubeObject): void;
  /** Listed, or a watch opened: the view is current. */
  synced?(): void;
  /** Anything came on the open watch, a bookmark included: the view is still current. */
  heard?(): void;
  /** The open watch went silent past the liveness window; it is restarted from where it was. */
  silent?(): void;
  /** A list or watch failed; the loop retries after `retryInMs`. */
  failed?(err: unknown, retryInMs: number): void;
}

export interface WatchLoopStats {
  phase: 'listing' | 'watching' | 'polling' | 'backoff' | 'stopped';
  lastEventAt?: number;
  lastListAt?: number;
  lastError?: string;
  relists: number;
  watchRestarts: number;
}

interface ListAnswer {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

interface WatchEvent {
  type?: string;
  object?: KubeObject & { code?: number; message?: string };
}

/**
 * The one list+watch loop of the server: LIST (paged), then WATCH from the
 * list's resourceVersion with bookmarks, a server-side timeout and a
 * liveness timer; 410 Expired → relist; errors → capped, jittered backoff;
 * bursts of events handled in short slices. With `poll` it relists at an
 * interval instead of watching. The informers and the RBAC watches both run
 * on it.
 */
export class WatchLoop {
  readonly stats: WatchLoopStats = { phase: 'listing', relists: 0, watchRestarts: 0 };

  constructor(
    private readonly options: WatchLoopOptions,
    private readonly handler: WatchHandler,
  ) {}

  /** Runs until `signal` aborts (then resolves), or until a fatal error (then rejects with it). */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.loop(signal);
    } finally {
      this.stats.phase = 'stopped';
    }
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { backoffBaseMs = 500, backoffMaxMs = 30_000, pollIntervalMs = 10_000, mode, isFatal } = this.options;
    let failures = 0;
    let resourceVersion: string | undefined;
    while (!signal.aborted) {
      try {
        if (!resourceVersion || mode === 'poll') {
          this.stats.phase = 'listing';
          resourceVersion = await this.relist(signal);
          if (signal.aborted) break;
          this.handler.synced?.();
        }
        failures = 0;
        if (mode === 'poll') {
          this.stats.phase = 'polling';
          await sleep(pollIntervalMs, signal);
          continue;
        }
        this.stats.phase = 'watching';
        const started = Date.now();
        const outcome = await this.watch(resourceVersion, signal);
        this.stats.watchRestarts++;
        if (outcome.type === 'expired') {
          resourceVersion = undefined;
        } else {
          resourceVersion = outcome.resourceVersion;
          // A watch the server ends at once, again and again, must not spin.
          if (Date.now() - started < 1000) await sleep(backoffMs(++failures, backoffBaseMs, backoffMaxMs), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (isFatal?.(err)) throw err;
        failures++;
        this.stats.phase = 'backoff';
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        const wait = backoffMs(failures, backoffBaseMs, backoffMaxMs);
        this.handler.failed?.(err, wait);
        if (err instanceof KubeError && err.status === 410) resourceVersion = undefined;
        await sleep(wait, signal);
      }
    }
  }

  /** A LIST (paged, or one object for its resourceVersion); returns the version to watch from. */
  private async relist(signal: AbortSignal): Promise<string> {
    const { kubeConfig, path, pageSize = 500, list = 'objects' } = this.options;
    let cont: string | undefined;
    let resourceVersion = '';
    let first = true;
    const limit = list === 'version' ? 1 : pageSize;
    const fetchPage = (from: string | undefined) => {
      const page = kubeJson<ListAnswer>(kubeConfig, { path, query: { limit, continue: from }, signal, timeoutMs: 30_000 });
      // Awaited below; a page asked for ahead must not be an unhandled rejection if the one before it fails.
      page.catch(() => undefined);
      return page;
    };
    let next: Promise<ListAnswer> | undefined = fetchPage(undefined);
    do {
      const page: ListAnswer = await next!;
      if (!resourceVersion) resourceVersion = page.metadata?.resourceVersion ?? '';
      cont = (list === 'objects' && page.metadata?.continue) || undefined;
      // Stopped halfway, a list is not handed on as complete.
      if (signal.aborted) return resourceVersion;
      // The API server pages out the next while this one is handled (on a large cluster each takes as long as the other).
      next = cont ? fetchPage(cont) : undefined;
      await this.handler.listPage(list === 'objects' ? (page.items ?? []) : [], { first, last: !cont });
      first = false;
    } while (cont);
    this.stats.relists++;
    this.stats.lastListAt = Date.now();
    return resourceVersion;
  }

  private async watch(resourceVersion: string, outer: AbortSignal): Promise<{ type: 'ended'; resourceVersion: string } | { type: 'expired' }> {
    const { kubeConfig, path, label, livenessMs = 90_000, watchTimeoutSeconds = 300 } = this.options;
    const controller = new AbortController();
    const abort = () => controller.abort();
    outer.addEventListener('abort', abort, { once: true });
    let liveness: NodeJS.Timeout | undefined;
    const alive = () => {
      clearTimeout(liveness);
      liveness = setTimeout(() => {
        log.warn({ topic: label, livenessMs }, 'watch went silent past its liveness window; restarting it');
        this.handler.silent?.();
        controller.abort();
      }, livenessMs);
    };
    let rv = resourceVersion;
    try {
      alive();
      const res = await kubeRequest(kubeConfig, {
        path,
        query: {
          watch: 1,
          resourceVersion: rv,
          allowWatchBookmarks: true,
          // Spread re-watches so loops don't all restart at once.
          timeoutSeconds: Math.round(watchTimeoutSeconds * (0.75 + Math.random() / 2)),
        },
        signal: controller.signal,
        timeoutMs: 30_000,
      });
      if (res.statusCode !== 200) {
        const err = await errorFrom(res);
        if (err.status === 410) return { type: 'expired' };
        throw err;
      }
      this.handler.synced?.();
      let sliceStarted = performance.now();
      for await (const line of lines(res)) {
        alive();
        this.handler.heard?.();
        // A burst of events is handled in slices: between them the event loop serves sockets and health checks.
        if (performance.now() - sliceStarted > SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStarted = performance.now();
        }
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          continue;
        }
        const object = event.object;
        if (!object) continue;
        this.stats.lastEventAt = Date.now();
        switch (event.type) {
          case 'ADDED':
          case 'MODIFIED':
          case 'DELETED':
            this.handler.event(event.type, object);
            break;
          case 'BOOKMARK':
            break;
          case 'ERROR':
            if (object.code === 410) return { type: 'expired' };
            throw new KubeError(object.code ?? 500, object.message ?? 'watch error');
        }
        rv = object.metadata?.resourceVersion ?? rv;
      }
      return { type: 'ended', resourceVersion: rv };
    } catch (err) {
      // A liveness abort is a restart from where we were, not an error.
      if (controller.signal.aborted && !outer.aborted) return { type: 'ended', resourceVersion: rv };
      throw err;
    } finally {
      clearTimeout(liveness);
      outer.removeEventListener('abort', abort);
      controller.abort();
    }
  }
}
