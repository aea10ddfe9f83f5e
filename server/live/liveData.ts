import type { Actor } from '../../lib/actor';
import type { ClusterSummary } from '../../lib/clusters';
import type { SessionWatch } from '../auth/sessionWatch';
import type { Row } from '../../lib/kinds/types';
import type { ClusterRegistry } from '../clusters/clusterRegistry';
import type { ServerConfig } from '../config';
import { HttpError } from '../http/errors';
import type { Limits } from '../limits';
import type { Cluster } from '../clusters/cluster';
import { ClusterLive, type LiveOptions } from './clusterLive';
import { LocalLease, MemoryDeltaBus, type DeltaBus, type InformerLease } from './deltaBus';
import { StreamHub } from './streamHub';
import { isVisible, resolveView, type View, type ViewRequest } from './view';

export interface SnapshotResult {
  kind: string;
  epoch: string;
  seq: number;
  items: Row[];
  errors: View['errors'];
  /** Changes whenever the answer could differ: position, and what this person sees. */
  etag: string;
  /** Still loading from the cluster: no rows yet. */
  syncing?: boolean;
}

/** How long a snapshot waits for a kind's first sync before answering `syncing`. */
const SNAPSHOT_SYNC_WAIT_MS = 1000;

/** FNV-1a, enough to tell two views apart inside an ETag. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** The live data plane of this replica: per-cluster informers and caches, and the stream hub. */
export class LiveData {
  readonly hub: StreamHub;
  private readonly clusters = new Map<string, { live: ClusterLive; controller: AbortController }>();
  private readonly options: LiveOptions;

  constructor(
    registry: ClusterRegistry,
    config: ServerConfig['live'],
    private readonly signal: AbortSignal,
    sessions: SessionWatch,
    { bus = new MemoryDeltaBus(), lease = new LocalLease(), limits }: { bus?: DeltaBus; lease?: InformerLease; limits?: Limits } = {},
  ) {
    this.hub = new StreamHub(
      {
        perUserLimit: config.perUserLimit,
        limits,
        heartbeatMs: config.heartbeatSeconds * 1000,
        maxLifetimeMs: config.streamMaxSeconds * 1000,
        maxBufferedBytes: config.streamBufferBytes,
        maxTotalBufferedBytes: config.streamBufferTotalBytes,
        maxDelayMs: config.streamMaxDelaySeconds * 1000,
      },
      sessions,
      signal,
    );
    this.options = {
      bus,
      lease,
      watchStreams: config.watchStreams,
      idleMs: config.informerIdleSeconds * 1000,
      ringSize: config.resumeBuffer,
      ringBytes: config.resumeBufferBytes,
      pollIntervalMs: config.pollIntervalSeconds * 1000,
      livenessMs: config.livenessSeconds * 1000,
      syncTimeoutMs: 15_000,
    };
    for (const name of registry.names()) this.add(registry.get(name)!);
    registry.onChange(({ added, removed }) => {
      for (const name of removed) this.remove(name);
      for (const cluster of added) this.add(cluster).start();
    });
  }

  private add(cluster: Cluster): ClusterLive {
    const controller = new AbortController();
    const stop = () => controller.abort();
    this.signal.addEventListener('abort', stop, { once: true });
    controller.signal.addEventListener('abort', () => this.signal.removeEventListener('abort', stop), { once: true });
    const live = new ClusterLive(cluster, this.options, controller.signal);
    cluster.access.onInvalidate(() => live.invalidateStates());
    this.clusters.set(cluster.name, { live, controller });
    return live;
  }

  /** The cluster left the kubeconfig: its streams end (`done`, reason cluster-removed), its informers stop. */
  private remove(name: string): void {
    const entry = this.clusters.get(name);
    if (!entry) return;
    this.clusters.delete(name);
    this.hub.closeCluster(name);
    entry.controller.abort();
  }

  start(): void {
    for (const { live } of this.clusters.values()) live.start();
  }

  /**
   * Draining: every informer stops and gives its lease back (so another replica takes its kind over
   * at once), while the streams go on from the kinds' new owners until they are closed. Resolves once
   * every lease was given back.
   */
  async handOver(): Promise<void> {
    await Promise.all([...this.clusters.values()].map(({ live }) => live.handOver()));
  }

  /** After the signal aborted: resolves when every informer stopped and its lease was given back (so another replica takes over at once). */
  async settled(): Promise<void> {
    await Promise.all([...this.clusters.values()].map(({ live }) => live.settled()));
  }

  cluster(name: string): ClusterLive {
    const entry = this.clusters.get(name);
    if (!entry) throw new HttpError(404, `unknown cluster "${name}"`);
    return entry.live;
  }

  all(): ClusterLive[] {
    return [...this.clusters.values()].map((entry) => entry.live);
  }

  /**
   * A cluster's summary with the state of the portal's real connection: a
   * cluster whose informers cannot reach it is unreachable, since when they
   * lost it and why, whatever a one-off probe found.
   */
  withConnection(summary: ClusterSummary): ClusterSummary {
    const health = this.clusters.get(summary.name)?.live.health();
    if (!health || health.state === 'synced') return summary;
    return { ...summary, status: 'unreachable', error: health.reason ?? summary.error, since: health.since };
  }

  /** The rows of a kind this person may see, from the shared cache. */
  async snapshot(clusterName: string, token: string, actor: Actor, request: ViewRequest): Promise<SnapshotResult> {
    const live = this.cluster(clusterName);
    const kind = await live.kindFor(actor, token);
    const view = await resolveView(live, actor, kind, request);
    if (view.empty) throw new HttpError(403, view.errors[0]?.message ?? `you may not list ${kind.plural}`);
    const { mirror, release } = await live.acquire(token, { allowUnsynced: true, syncWaitMs: SNAPSHOT_SYNC_WAIT_MS });
    try {
      // A kind still loading (a large cluster's first list) is answered at once: the page says so, and the stream brings the rows.
      if (!mirror.synced) return { kind: token, epoch: '', seq: 0, items: [], errors: view.errors, etag: 'W/"syncing"', syncing: true };
      const items: Row[] = [];
      for (const row of mirror.all()) if (isVisible(view, row)) items.push(row);
      const { epoch, seq } = mirror.position;
      const viewKey = JSON.stringify([view.namespaces ? [...view.namespaces].sort() : null, view.selector, view.errors.map((e) => e.namespace)]);
      return { kind: token, epoch, seq, items, errors: view.errors, etag: `W/"${epoch}-${seq}-${hash(viewKey)}"` };
    } finally {
      release();
    }
  }
}
