import type { KubeConfig } from '@kubernetes/client-node';
import { errorFrom, KubeError, kubeRequest } from '../../kube/kubeRequest';
import { log } from '../../log';
import { socketMetrics } from '../metrics';
import { entryOf, LineSplitter, selectEntries, type LogEntry } from './logLines';

/** One person watching one upstream: what they asked for, and where their lines go. */
export interface LogViewer {
  readonly tailLines?: number;
  readonly sinceSeconds?: number;
  lines(entries: LogEntry[]): void;
  streaming(): void;
  /** The upstream ended (container stopped, restarted or went); the viewer is detached. */
  ended(message: string): void;
  /** The upstream failed; the viewer is detached. */
  failed(code: number, message: string): void;
}

export interface UpstreamKey {
  cluster: string;
  namespace: string;
  pod: string;
  container: string;
}

/** How long a quiet upstream counts as still sending its initial tail. */
const PRIMING_QUIET_MS = 150;
const PRIMING_MAX_MS = 2000;

/**
 * One follow of one container's log, shared by every viewer of it in this
 * process. It is opened as the first viewer (later viewers are checked before
 * they join), always with timestamps so each viewer can have them or not,
 * and with a tail as long as the ring of recent lines it keeps for late
 * joiners. Until the initial tail has arrived ("priming") joiners wait, then
 * each gets the part of the ring it asked for and every line after.
 */
export class LogUpstream {
  private readonly viewers = new Set<LogViewer>();
  private readonly waiting = new Set<LogViewer>();
  private ring: LogEntry[] = [];
  private primed = false;
  private finished = false;
  private readonly abort = new AbortController();
  private quietTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;
  private readonly labels: Record<string, string>;

  constructor(
    readonly key: UpstreamKey,
    private readonly options: { ringLines: number; signal: AbortSignal; onClosed: () => void },
  ) {
    this.labels = { ...key };
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Opens the follow as `kubeConfig`'s user (the first viewer). */
  start(kubeConfig: KubeConfig): void {
    socketMetrics.logUpstreams.inc();
    const signal = AbortSignal.any([this.abort.signal, this.options.signal]);
    signal.addEventListener('abort', () => this.close(), { once: true });
    void this.run(kubeConfig, signal).catch((err: unknown) => {
      if (signal.aborted) return;
      const status = err instanceof KubeError ? err.status : 502;
      const message = err instanceof Error ? err.message : String(err);
      log.info({ ...this.key, status, err: message }, 'log upstream failed');
      this.fail(status, status === 502 ? `the log stream from the cluster broke: ${message}` : message);
    });
  }

  join(viewer: LogViewer): void {
    if (this.finished) return viewer.ended('the log stream has ended');
    this.viewers.add(viewer);
    this.updateGauge();
    if (this.primed) this.welcome(viewer);
    else this.waiting.add(viewer);
  }

  leave(viewer: LogViewer): void {
    if (!this.viewers.delete(viewer)) return;
    this.waiting.delete(viewer);
    this.updateGauge();
    // The last viewer gone: stop the upstream.
    if (this.viewers.size === 0) this.abort.abort();
  }

  private async run(kubeConfig: KubeConfig, signal: AbortSignal): Promise<void> {
    const { namespace, pod, container } = this.key;
    const res = await kubeRequest(kubeConfig, {
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
      query: { container, follow: true, timestamps: true, tailLines: this.options.ringLines },
      headers: { Accept: '*/*' },
      signal,
      timeoutMs: 30_000,
    });
    if ((res.statusCode ?? 0) >= 300) throw await errorFrom(res);
    this.maxTimer = setTimeout(() => this.prime(), PRIMING_MAX_MS);
    this.quietTimer = setTimeout(() => this.prime(), PRIMING_QUIET_MS);
    const splitter = new LineSplitter();
    const batch: LogEntry[] = [];
    const add = (line: string) => batch.push(entryOf(line));
    for await (const chunk of res as AsyncIterable<Buffer>) {
      splitter.push(chunk, add);
      this.receive(batch.splice(0));
    }
    splitter.end(add);
    this.receive(batch.splice(0));
    if (!signal.aborted) this.end('the log stream ended: the container stopped, restarted or was removed');
  }

  private receive(entries: LogEntry[]): void {
    if (entries.length === 0) return;
    for (const e of entries) this.ring.push(e);
    if (this.ring.length > this.options.ringLines * 2) this.ring = this.ring.slice(-this.options.ringLines);
    if (!this.primed) {
      clearTimeout(this.quietTimer);
      this.quietTimer = setTimeout(() => this.prime(), PRIMING_QUIET_MS);
      return;
    }
    for (const viewer of this.viewers) if (!this.waiting.has(viewer)) viewer.lines(entries);
  }

  private recent(): LogEntry[] {
    return this.ring.length > this.options.ringLines ? this.ring.slice(-this.options.ringLines) : this.ring;
  }

  private welcome(viewer: LogViewer): void {
    this.waiting.delete(viewer);
    viewer.streaming();
    const backlog = selectEntries(this.recent(), viewer);
    if (backlog.length > 0) viewer.lines(backlog);
  }

  private prime(): void {
    if (this.primed || this.finished) return;
    this.primed = true;
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
    for (const viewer of [...this.waiting]) this.welcome(viewer);
  }

  private end(message: string): void {
    this.prime();
    this.finish((viewer) => viewer.ended(message));
  }

  private fail(code: number, message: string): void {
    this.finish((viewer) => viewer.failed(code, message));
  }

  private finish(tell: (viewer: LogViewer) => void): void {
    if (this.finished) return;
    this.finished = true;
    const viewers = [...this.viewers];
    this.viewers.clear();
    this.waiting.clear();
    for (const viewer of viewers) tell(viewer);
    this.abort.abort();
  }

  private closed = false;
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
    if (!this.finished) {
      // Drain: tell whoever is still here.
      this.finish((viewer) => viewer.ended('the portal is restarting; reconnect in a moment'));
    }
    this.ring = [];
    socketMetrics.logUpstreams.dec();
    socketMetrics.viewersPerUpstream.remove(this.labels);
    this.options.onClosed();
  }

  private updateGauge(): void {
    socketMetrics.viewersPerUpstream.set(this.labels, this.viewers.size);
  }
}
