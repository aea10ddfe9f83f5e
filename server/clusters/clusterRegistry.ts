import { KubeConfig } from '@kubernetes/client-node';
import type { Actor } from '../../lib/actor';
import type { ClusterSummary } from '../../lib/clusters';
import { Cluster } from './cluster';

/** Where the clusters come from: kubeconfig files (every context a cluster) or the pod's service account. */
export type ClusterSource = { kind: 'kubeconfig'; paths: string[] } | { kind: 'in-cluster' };

/** Every cluster the portal serves, by name. */
export class ClusterRegistry {
  private readonly clusters = new Map<string, Cluster>();

  constructor(source: ClusterSource, private readonly options: { accessReviewTtlMs?: number } = {}) {
    if (source.kind === 'in-cluster') {
      const kc = new KubeConfig();
      kc.loadFromCluster();
      this.clusters.set('in-cluster', new Cluster('in-cluster', kc, this.options));
      return;
    }
    for (const path of source.paths) {
      const file = new KubeConfig();
      file.loadFromFile(path);
      for (const context of file.getContexts()) {
        if (this.clusters.has(context.name)) continue; // the first file that names a context wins, as kubectl does
        const kc = new KubeConfig();
        kc.loadFromFile(path);
        kc.setCurrentContext(context.name);
        this.clusters.set(context.name, new Cluster(context.name, kc, this.options));
      }
    }
  }

  names(): string[] {
    return [...this.clusters.keys()];
  }

  get(name: string): Cluster | undefined {
    return this.clusters.get(name);
  }

  /** Starts every cluster's long-lived pieces until `signal` aborts. */
  start(signal: AbortSignal): void {
    for (const cluster of this.clusters.values()) cluster.start(signal);
  }

  /** Summaries of every cluster for `actor`; an unreachable cluster never delays the others past its own timeout. */
  summariesFor(actor: Actor): Promise<ClusterSummary[]> {
    return Promise.all([...this.clusters.values()].map((cluster) => cluster.summaryFor(actor)));
  }
}
