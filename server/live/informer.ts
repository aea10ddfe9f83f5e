import type { KubeConfig } from '@kubernetes/client-node';
import type { KindDefinition, KubeObject, Row } from '../../lib/kinds/types';
import type { Delta, KindHealth } from '../../lib/live/protocol';
import { KubeError } from '../kube/kubeRequest';
import { WatchLoop, type WatchEventType, type WatchLoopStats } from '../kube/watchLoop';
import { log } from '../log';
import { deltasTotal } from '../metrics';
import { LeaseLost, type DeltaBus, type TopicState } from './deltaBus';
import { keyOf } from './kindMirror';

export { backoffMs, sleep } from '../kube/watchLoop';

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

export interface InformerStatus extends WatchLoopStats {
  mode: InformerMode;
  epoch: string;
  seq: number;
  rows: number;
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

/**
 * The one informer of a (cluster, kind): it runs the list+watch loop
 * (`WatchLoop`: paged LIST, WATCH with bookmarks and a liveness timer, 410 →
 * relist, capped jittered backoff), publishing only what really changed after
 * a relist. It owns the sequence of its topic and publishes row-level deltas
 * on the bus. With `poll`, it relists at an interval instead of watching (the
 * portal may list but not watch, or streams are off).
 */
export class Informer {
  private readonly rows = new Map<string, Row>();
  private epoch = '';
  private seq = 0;
  private published = false;
  /** The rows of the list in progress. */
  private listing?: Map<string, Row>;
  private readonly loop: WatchLoop;
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
    const { kubeConfig, kind, mode, topic, pageSize, pollIntervalMs, livenessMs, watchTimeoutSeconds, backoffBaseMs, backoffMaxMs } = options;
    this.loop = new WatchLoop(
      { kubeConfig, path: apiPath(kind), mode, label: topic, pageSize, pollIntervalMs, livenessMs, watchTimeoutSeconds, backoffBaseMs, backoffMaxMs, isFatal: (err) => err instanceof LeaseLost },
      {
        listPage: (objects, page) => this.listPage(objects, page),
        event: (type, object) => this.onEvent(type, object),
        synced: () => this.report('synced'),
        failed: (err, retryInMs) => this.onFailure(err, retryInMs),
      },
    );
  }

  snapshotStatus(): InformerStatus {
    return { ...this.loop.stats, mode: this.options.mode, epoch: this.epoch, seq: this.seq, rows: this.rows.size };
  }

  /** Runs until `outer` aborts, or until a write to the bus fails (then the caller takes the topic over afresh). */
  async run(outer: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([outer, this.broken.signal]);
    try {
      await this.loop.run(signal);
    } catch (err) {
      // Only a lost lease ends the loop early.
      this.broken.abort(err);
    }
    if (this.broken.signal.aborted && !outer.aborted) throw this.broken.signal.reason as Error;
  }

  /** A page of a (re)list: the first list publishes a reset, later ones only the differences. */
  private async listPage(objects: KubeObject[], { first, last }: { first: boolean; last: boolean }): Promise<void> {
    if (first || !this.listing) this.listing = new Map();
    const fresh = this.listing;
    for (const object of objects) {
      const row = this.project(object);
      if (row) fresh.set(row.uid, row);
    }
    if (!last) return;
    this.listing = undefined;
    if (!this.published) {
      const { epoch, seq } = await this.options.bus.reset(this.options.topic, this.options.fence, [...fresh.values()]);
      for (const [uid, row] of fresh) this.rows.set(uid, row);
      this.epoch = epoch;
      this.seq = seq;
      this.published = true;
      return;
    }
    for (const [uid, old] of this.rows) if (!fresh.has(uid)) this.remove(old);
    for (const row of fresh.values()) this.upsert(row);
  }

  private onEvent(type: WatchEventType, object: KubeObject): void {
    const row = this.project(object);
    if (type !== 'DELETED') {
      if (row) this.upsert(row);
      return;
    }
    const known = row && this.rows.get(row.uid);
    if (known) this.remove(known);
  }

  private onFailure(err: unknown, retryInMs: number): void {
    const { state, reason } = healthOfError(err);
    // Logged when the state changes; the retries of one outage only at debug level.
    const changed = this.health?.state !== state;
    (changed ? log.warn : log.debug).call(log, { topic: this.options.topic, err: this.loop.stats.lastError, retryInMs }, changed ? `informer error: ${state}` : 'informer still failing; backing off');
    this.report(state, reason);
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
