import type { KubeConfig } from '@kubernetes/client-node';
import { errorFrom, kubeRequest } from '../../kube/kubeRequest';
import { socketMetrics } from '../metrics';
import { entryOf, LineSplitter, type LogEntry } from './logLines';

export interface UpstreamKey {
  cluster: string;
  namespace: string;
  pod: string;
  container: string;
}

/** Where a follow's lines go. `receive` may return a promise: the follow reads on once it settles (backpressure). */
export interface LogSink {
  receive(entries: LogEntry[]): void | Promise<void>;
  /** The initial tail has arrived; what comes next is live. */
  prime(): void;
}

/** How long a quiet follow counts as still sending its initial tail. */
const PRIMING_QUIET_MS = 150;
const PRIMING_MAX_MS = 2000;

export const logPath = (namespace: string, pod: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;

/**
 * One follow of one container's log as `kubeConfig`'s user, always with
 * timestamps. The sink is told when the initial tail is in (the follow was
 * quiet for a moment, or at most two seconds passed). Resolves when the log
 * ends (the container stopped, restarted or went); rejects with a KubeError
 * when the cluster refuses.
 */
export async function followLog(
  kubeConfig: KubeConfig,
  key: UpstreamKey,
  from: { tailLines: number; sinceTime?: string },
  sink: LogSink,
  signal: AbortSignal,
): Promise<void> {
  const res = await kubeRequest(kubeConfig, {
    path: logPath(key.namespace, key.pod),
    query: { container: key.container, follow: true, timestamps: true, tailLines: from.tailLines, sinceTime: from.sinceTime },
    headers: { Accept: '*/*' },
    signal,
    timeoutMs: 30_000,
  });
  if ((res.statusCode ?? 0) >= 300) throw await errorFrom(res);
  socketMetrics.logUpstreams.inc();
  socketMetrics.logUpstreamsOpened.inc();
  let primed = false;
  let quietTimer: NodeJS.Timeout | undefined;
  const prime = () => {
    if (primed) return;
    primed = true;
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
    sink.prime();
  };
  const maxTimer = setTimeout(prime, PRIMING_MAX_MS);
  quietTimer = setTimeout(prime, PRIMING_QUIET_MS);
  try {
    const splitter = new LineSplitter();
    const batch: LogEntry[] = [];
    const add = (line: string) => batch.push(entryOf(line));
    for await (const chunk of res as AsyncIterable<Buffer>) {
      splitter.push(chunk, add);
      if (batch.length === 0) continue;
      if (!primed) {
        clearTimeout(quietTimer);
        quietTimer = setTimeout(prime, PRIMING_QUIET_MS);
      }
      await sink.receive(batch.splice(0));
    }
    splitter.end(add);
    if (batch.length > 0) await sink.receive(batch.splice(0));
    prime();
  } finally {
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
    socketMetrics.logUpstreams.dec();
  }
}
