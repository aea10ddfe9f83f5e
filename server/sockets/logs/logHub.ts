import type { KubeConfig } from '@kubernetes/client-node';
import { LogUpstream, type LogViewer, type UpstreamKey } from './logUpstream';

/** Every shared log upstream of this process, one per (cluster, namespace, pod, container). */
export class LogHub {
  private readonly upstreams = new Map<string, LogUpstream>();

  constructor(private readonly options: { ringLines: number; signal: AbortSignal }) {}

  /** Joins the upstream of `key`, opening it as `kubeConfig`'s user when nobody follows it yet. Returns how to leave. */
  join(key: UpstreamKey, viewer: LogViewer, kubeConfig: () => KubeConfig): () => void {
    const id = JSON.stringify([key.cluster, key.namespace, key.pod, key.container]);
    let upstream = this.upstreams.get(id);
    if (!upstream) {
      const created = new LogUpstream(key, {
        ringLines: this.options.ringLines,
        signal: this.options.signal,
        onClosed: () => {
          if (this.upstreams.get(id) === created) this.upstreams.delete(id);
        },
      });
      upstream = created;
      this.upstreams.set(id, created);
      created.start(kubeConfig());
    }
    const joined = upstream;
    joined.join(viewer);
    return () => joined.leave(viewer);
  }

  get size(): number {
    return this.upstreams.size;
  }
}
