import { unwatchFile, watchFile } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { Actor } from '../../lib/actor';
import type { ClusterSummary } from '../../lib/clusters';
import type { RbacFeed } from '../authz/rbacFeed';
import { log } from '../log';
import { Cluster } from './cluster';
import { inClusterKubeConfig } from './inCluster';

/** Where the clusters come from: kubeconfig files (every context a cluster) or the pod's service account. */
export type ClusterSource = { kind: 'kubeconfig'; paths: string[] } | { kind: 'in-cluster'; serviceAccountDir: string };

export interface ClusterChange {
  added: Cluster[];
  removed: string[];
}

interface Entry {
  cluster: Cluster;
  /** What the context resolves to; a change means a new connection. */
  fingerprint: string;
  controller: AbortController;
}

/** Every context of the kubeconfig files, each as its own KubeConfig. The first file that names a context wins, as kubectl does. */
function loadContexts(paths: string[]): Map<string, { kc: KubeConfig; fingerprint: string }> {
  const out = new Map<string, { kc: KubeConfig; fingerprint: string }>();
  for (const path of paths) {
    const file = new KubeConfig();
    file.loadFromFile(path);
    for (const context of file.getContexts()) {
      if (out.has(context.name)) continue;
      const kc = new KubeConfig();
      kc.loadFromFile(path);
      kc.setCurrentContext(context.name);
      const fingerprint = JSON.stringify([kc.getCurrentCluster(), kc.getCurrentUser(), context]);
      out.set(context.name, { kc, fingerprint });
    }
  }
  return out;
}

/**
 * Every cluster the portal serves, by name. Kubeconfig files are watched:
 * contexts added, changed or removed are picked up without a restart, and a
 * removed cluster's informers and streams end cleanly.
 */
export class ClusterRegistry {
  private readonly clusters = new Map<string, Entry>();
  private readonly listeners = new Set<(change: ClusterChange) => void>();
  private signal?: AbortSignal;
  private rbac?: RbacFeed;

  constructor(
    private readonly source: ClusterSource,
    private readonly options: { accessReviewTtlMs?: number; rbacLivenessMs?: number; reloadIntervalMs?: number } = {},
  ) {
    if (source.kind === 'in-cluster') {
      const kc = inClusterKubeConfig(process.env, source.serviceAccountDir);
      this.clusters.set('in-cluster', { cluster: new Cluster('in-cluster', kc, options), fingerprint: '', controller: new AbortController() });
      return;
    }
    for (const [name, { kc, fingerprint }] of loadContexts(source.paths)) {
      this.clusters.set(name, { cluster: new Cluster(name, kc, options), fingerprint, controller: new AbortController() });
    }
  }

  names(): string[] {
    return [...this.clusters.keys()];
  }

  get(name: string): Cluster | undefined {
    return this.clusters.get(name)?.cluster;
  }

  /** Clusters added or removed after start-up. */
  onChange(listener: (change: ClusterChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts every cluster's long-lived pieces (their RBAC followed through `rbac`, or by this replica's own watches) and watches the kubeconfig files, until `signal` aborts. */
  start(signal: AbortSignal, rbac?: RbacFeed): void {
    this.signal = signal;
    this.rbac = rbac;
    for (const entry of this.clusters.values()) this.startEntry(entry);
    if (this.source.kind !== 'kubeconfig') return;
    const paths = this.source.paths;
    const reload = () => this.reload(paths);
    for (const path of paths) watchFile(path, { interval: this.options.reloadIntervalMs ?? 2000 }, reload);
    signal.addEventListener('abort', () => paths.forEach((path) => unwatchFile(path, reload)), { once: true });
  }

  private startEntry(entry: Entry): void {
    const signal = this.signal!;
    const stop = () => entry.controller.abort();
    signal.addEventListener('abort', stop, { once: true });
    entry.controller.signal.addEventListener('abort', () => signal.removeEventListener('abort', stop), { once: true });
    entry.cluster.start(entry.controller.signal, this.rbac);
  }

  private reload(paths: string[]): void {
    let next: Map<string, { kc: KubeConfig; fingerprint: string }>;
    try {
      next = loadContexts(paths);
    } catch (err) {
      // A half-written file: keep serving what we have and try again at the next change.
      log.warn({ err: (err as Error).message }, 'could not reload the kubeconfig; keeping the current clusters');
      return;
    }
    const change: ClusterChange = { added: [], removed: [] };
    for (const [name, entry] of this.clusters) {
      const now = next.get(name);
      if (!now || now.fingerprint !== entry.fingerprint) {
        entry.controller.abort();
        this.clusters.delete(name);
        change.removed.push(name);
      }
    }
    for (const [name, { kc, fingerprint }] of next) {
      if (this.clusters.has(name)) continue;
      const entry = { cluster: new Cluster(name, kc, this.options), fingerprint, controller: new AbortController() };
      this.clusters.set(name, entry);
      this.startEntry(entry);
      change.added.push(entry.cluster);
    }
    if (change.added.length === 0 && change.removed.length === 0) return;
    log.info({ added: change.added.map((c) => c.name), removed: change.removed }, 'kubeconfig changed: clusters updated');
    for (const listener of this.listeners) listener(change);
  }

  /** Summaries of every cluster for `actor`; an unreachable cluster never delays the others past its own timeout. */
  summariesFor(actor: Actor): Promise<ClusterSummary[]> {
    return Promise.all([...this.clusters.values()].map(({ cluster }) => cluster.summaryFor(actor)));
  }
}
