import type { KubeConfig } from '@kubernetes/client-node';
import { followLog } from './logFollow';
import { LogUpstream, type LogSource, type LogViewer, type UpstreamKey } from './logUpstream';

/** Where viewers join the shared upstream of a container. Returns how to leave. */
export interface LogUpstreams {
  join(key: UpstreamKey, viewer: LogViewer, kubeConfig: () => KubeConfig): () => void;
}

/** This process's own follow of the cluster, opened as the viewer who has been here longest. */
export function localSource(key: UpstreamKey): LogSource {
  return (upstream, signal) => {
    const opener = upstream.opener();
    if (!opener) return Promise.resolve();
    return followLog(opener.kubeConfig(), key, { tailLines: upstream.ringLines }, upstream, signal);
  };
}

/**
 * Every shared log upstream of this process, one per (cluster, namespace,
 * pod, container), each fed by `source` (by default this process's own
 * follow of the cluster).
 */
export class LogHub implements LogUpstreams {
  private readonly upstreams = new Map<string, LogUpstream>();

  constructor(private readonly options: { ringLines: number; signal: AbortSignal; source?: (key: UpstreamKey) => LogSource }) {}

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
      created.join(viewer, kubeConfig);
      created.start((this.options.source ?? localSource)(key));
      return () => created.leave(viewer);
    }
    const joined = upstream;
    joined.join(viewer, kubeConfig);
    return () => joined.leave(viewer);
  }

  get size(): number {
    return this.upstreams.size;
  }
}
