import type { KubeConfig } from '@kubernetes/client-node';
import type { KindDefinition, KubeObject, Row } from '../../lib/kinds/types';
import type { Delta, KindHealth } from '../../lib/live/protocol';
import { errorFrom, kubeJson, kubeRequest, KubeError, lines } from '../kube/kubeRequest';
import { log } from '../log';
import { deltasTotal } from '../metrics';
import { LeaseLost, type DeltaBus, type TopicState } from './deltaBus';
import { keyOf } from './kindMirror';

export type InformerMode = 'watch' | 'poll';

export interface InformerOptions {
  kubeConfig: KubeConfig;
  kind: KindDefinition;
  mode: InformerMode;
  bus: DeltaBus;
  topic: string;
  /** This replica's fencing token for the topic: every write carries it. */
  fence: string;
  /** The topic's history when this owner takes over (its rows, epoch and sequence continue), or null to begin one. */
  initial: TopicState | null;
  /** Cluster name, for metrics. */
  cluster: string;
  pageSize?: number;
  pollIntervalMs?: number;
  /** A watch that sends nothing (not even a bookmark) for this long is presumed hung and restarted. */
  livenessMs?: number;
  watchTimeoutSeconds?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface InformerStatus {
  phase: 'listing' | 'watching' | 'polling' | 'backoff' | 'stopped';
  mode: InformerMode;
  epoch: string;
  seq: number;
  rows: number;
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

/** Refusals retrying will not cure (credentials, permissions, an API that is not served): `failed`, not `reconnecting`. */
const LASTING = new Set([401, 403, 404]);

/** What an informer failure means for the people looking: the state to report, in the cluster's or the network's words. */
export function healthOfError(err: unknown): { state: 'reconnecting' | 'failed'; reason: string } {
  if (err instanceof KubeError) return { state: LASTING.has(err.status) ? 'failed' : 'reconnecting', reason: `the API server answered ${err.status}: ${err.message}` };
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  // An open watch whose connection the other end dropped says only "aborted" or "socket hang up".
  if (message === 'aborted' || code === 'ECONNRESET' || message === 'socket hang up') return { state: 'reconnecting', reason: `the API server closed the connection (${typeof code === 'string' ? code : message})` };
  return { state: 'reconnecting', reason: message };
}

export function apiPath(kind: KindDefinition): string {
  return kind.group ? `/apis/${kind.group}/${kind.version}/${kind.plural}` : `/api/${kind.version}/${kind.plural}`;
}

/** The longest an informer handles watch events before it lets the event loop serve other work. */
const SLICE_MS = 10;

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

/**
 * The one informer of a (cluster, kind): paged LIST, then WATCH from the
 * list's resourceVersion with bookmarks, a server timeout and a liveness
 * timer; 410 Expired → relist, publishing only what really changed; errors →
 * capped, jittered backoff. It owns the sequence of its topic and publishes
 * row-level deltas on the bus. With `poll`, it relists at an interval instead
 * of watching (the portal may list but not watch, or streams are off).
 */
export class Informer {
  private readonly rows = new Map<string, Row>();
  private epoch = '';
  private seq = 0;
  private published = false;
  private readonly status: InformerStatus;
  /** Aborted when a write to the bus failed: this owner's view of the history is no longer the bus's. */
  private readonly broken = new AbortController();
  /** The connection state last reported on the bus. */
  private health?: KindHealth;

  constructor(private readonly options: InformerOptions) {
    const initial = options.initial;
    if (initial) {
      this.epoch = initial.epoch;
      this.seq = initial.seq;
      for (const row of initial.rows) this.rows.set(row.uid, row);
      this.published = true;
    }
    this.status = { phase: 'listing', mode: options.mode, epoch: this.epoch, seq: this.seq, rows: this.rows.size, relists: 0, watchRestarts: 0 };
  }

  snapshotStatus(): InformerStatus {
    return { ...this.status, epoch: this.epoch, seq: this.seq, rows: this.rows.size };
  }

  /** Runs until `outer` aborts, or until a write to the bus fails (then the caller takes the topic over afresh). */
  async run(outer: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([outer, this.broken.signal]);
    try {
      await this.loop(signal);
    } finally {
      this.status.phase = 'stopped';
    }
    if (this.broken.signal.aborted && !outer.aborted) throw this.broken.signal.reason as Error;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { backoffBaseMs = 500, backoffMaxMs = 30_000, pollIntervalMs = 10_000 } = this.options;
    let failures = 0;
    let resourceVersion: string | undefined;
    while (!signal.aborted) {
      try {
        if (!resourceVersion || this.options.mode === 'poll') {
          this.status.phase = 'listing';
          resourceVersion = await this.relist(signal);
          this.report('synced');
        }
        failures = 0;
        if (this.options.mode === 'poll') {
          this.status.phase = 'polling';
          await sleep(pollIntervalMs, signal);
          continue;
        }
        this.status.phase = 'watching';
        const started = Date.now();
        const outcome = await this.watch(resourceVersion, signal);
        this.status.watchRestarts++;
        if (outcome.type === 'expired') {
          resourceVersion = undefined;
        } else {
          resourceVersion = outcome.resourceVersion;
          // A watch the server ends at once, again and again, must not spin.
          if (Date.now() - started < 1000) await sleep(backoffMs(++failures, backoffBaseMs, backoffMaxMs), signal);
        }
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof LeaseLost) {
          this.broken.abort(err);
          break;
        }
        failures++;
        this.status.phase = 'backoff';
        this.status.lastError = err instanceof Error ? err.message : String(err);
        const wait = backoffMs(failures, backoffBaseMs, backoffMaxMs);
        const { state, reason } = healthOfError(err);
        // Logged when the state changes; the retries of one outage only at debug level.
        const changed = this.health?.state !== state;
        (changed ? log.warn : log.debug).call(log, { topic: this.options.topic, err: this.status.lastError, retryInMs: wait }, changed ? `informer error: ${state}` : 'informer still failing; backing off');
        this.report(state, reason);
        if (err instanceof KubeError && err.status === 410) resourceVersion = undefined;
        await sleep(wait, signal);
      }
    }
  }

  /** Paged LIST; the first list publishes a reset, later ones only the differences. */
  private async relist(signal: AbortSignal): Promise<string> {
    const { kubeConfig, kind, pageSize = 500 } = this.options;
    const fresh = new Map<string, Row>();
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await kubeJson<ListAnswer>(kubeConfig, { path: apiPath(kind), query: { limit: pageSize, continue: cont }, signal, timeoutMs: 30_000 });
      if (!resourceVersion) resourceVersion = page.metadata?.resourceVersion ?? '';
      for (const object of page.items ?? []) {
        const row = this.project(object);
        if (row) fresh.set(row.uid, row);
      }
      cont = page.metadata?.continue || undefined;
    } while (cont && !signal.aborted);
    this.status.relists++;
    this.status.lastListAt = Date.now();

    if (!this.published) {
      const { epoch, seq } = await this.options.bus.reset(this.options.topic, this.options.fence, [...fresh.values()]);
      for (const [uid, row] of fresh) this.rows.set(uid, row);
      this.epoch = epoch;
      this.seq = seq;
      this.published = true;
      return resourceVersion;
    }
    for (const [uid, old] of this.rows) if (!fresh.has(uid)) this.remove(old);
    for (const row of fresh.values()) this.upsert(row);
    return resourceVersion;
  }

  private async watch(resourceVersion: string, outer: AbortSignal): Promise<{ type: 'ended'; resourceVersion: string } | { type: 'expired' }> {
    const { kubeConfig, kind, livenessMs = 90_000, watchTimeoutSeconds = 300 } = this.options;
    const controller = new AbortController();
    const abort = () => controller.abort();
    outer.addEventListener('abort', abort, { once: true });
    let liveness: NodeJS.Timeout | undefined;
    const alive = () => {
      clearTimeout(liveness);
      liveness = setTimeout(() => {
        log.warn({ topic: this.options.topic, livenessMs }, 'watch went silent past its liveness window; restarting it');
        controller.abort();
      }, livenessMs);
    };
    let rv = resourceVersion;
    try {
      alive();
      const res = await kubeRequest(kubeConfig, {
        path: apiPath(kind),
        query: {
          watch: 1,
          resourceVersion: rv,
          allowWatchBookmarks: true,
          // Spread re-watches so informers don't all restart at once.
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
      this.report('synced');
      let sliceStarted = performance.now();
      for await (const line of lines(res)) {
        alive();
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
        this.status.lastEventAt = Date.now();
        switch (event.type) {
          case 'ADDED':
          case 'MODIFIED': {
            const row = this.project(object);
            if (row) this.upsert(row);
            break;
          }
          case 'DELETED': {
            const row = this.project(object);
            const known = row && this.rows.get(row.uid);
            if (known) this.remove(known);
            break;
          }
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

  /** Puts the connection state on the bus when it (or its reason) changes; one outage keeps the `since` of its first failure. */
  private report(state: KindHealth['state'], reason?: string): void {
    if ((this.health?.state === state && this.health.reason === reason) || this.broken.signal.aborted) return;
    if (state === 'synced' && this.health) log.info({ topic: this.options.topic, down: this.health.since }, 'informer synced again');
    const since = state !== 'synced' && this.health && this.health.state !== 'synced' ? this.health.since : new Date().toISOString();
    this.health = { state, since, ...(reason ? { reason } : {}) };
    this.options.bus.setHealth(this.options.topic, this.options.fence, this.health).catch((err: unknown) => {
      if (!this.broken.signal.aborted) this.broken.abort(err instanceof Error ? err : new Error(String(err)));
    });
  }

  private project(object: KubeObject): Row | null {
    try {
      const row = this.options.kind.project(object);
      return row.uid ? row : null;
    } catch (err) {
      log.warn({ topic: this.options.topic, name: object.metadata?.name, err: err instanceof Error ? err.message : String(err) }, 'row projection failed; object skipped');
      return null;
    }
  }

  private upsert(row: Row): void {
    const old = this.rows.get(row.uid);
    if (old && old.resourceVersion === row.resourceVersion && row.resourceVersion !== undefined) return;
    this.rows.set(row.uid, row);
    this.emit(old ? { type: 'modified', seq: ++this.seq, row } : { type: 'added', seq: ++this.seq, row });
  }

  private remove(row: Row): void {
    this.rows.delete(row.uid);
    this.emit({ type: 'deleted', seq: ++this.seq, key: keyOf(row) });
  }

  private emit(delta: Delta): void {
    if (this.broken.signal.aborted) return;
    this.options.bus.append(this.options.topic, this.options.fence, this.epoch, delta, Date.now()).catch((err: unknown) => {
      if (!this.broken.signal.aborted) this.broken.abort(err instanceof Error ? err : new Error(String(err)));
    });
    deltasTotal.inc({ cluster: this.options.cluster, kind: this.options.kind.token });
  }
}
