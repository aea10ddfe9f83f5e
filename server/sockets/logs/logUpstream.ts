import type { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from '../../kube/kubeRequest';
import { log } from '../../log';
import { socketMetrics } from '../metrics';
import type { LogSink, UpstreamKey } from './logFollow';
import { selectEntries, type LogEntry } from './logLines';

export type { UpstreamKey } from './logFollow';

/** One person watching one upstream: what they asked for, and where their lines go. */
export interface LogViewer {
  readonly tailLines?: number;
  readonly sinceSeconds?: number;
  lines(entries: LogEntry[]): void;
  streaming(): void;
  /** `count` lines were lost on their way to this process (it fell behind a relay); said with the next lines. */
  skipped?(count: number): void;
  /** The upstream ended (container stopped, restarted or went); the viewer is detached. */
  ended(message: string): void;
  /** The upstream failed; the viewer is detached. */
  failed(code: number, message: string): void;
}

/** A viewer still here and how to act as them: whom a follow is opened as. */
export interface Opener {
  viewer: LogViewer;
  kubeConfig: () => KubeConfig;
}

/**
 * Feeds an upstream until the log ends (resolves) or fails (rejects; a
 * KubeError keeps its status). It stops when `signal` aborts: the last viewer
 * left, or the server drains.
 */
export type LogSource = (upstream: LogUpstream, signal: AbortSignal) => Promise<void>;

/**
 * One container's log as this process shares it among its viewers. A source
 * feeds it (a follow of the cluster, or the fleet's relay of one); it keeps
 * a ring of recent lines for late joiners. Until the initial tail has
 * arrived ("priming") joiners wait, then each gets the part of the ring it
 * asked for and every line after.
 */
export class LogUpstream implements LogSink {
  private readonly viewers = new Map<LogViewer, () => KubeConfig>();
  private readonly waiting = new Set<LogViewer>();
  private ring: LogEntry[] = [];
  private primed = false;
  private finished = false;
  private readonly abort = new AbortController();
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

  get ringLines(): number {
    return this.options.ringLines;
  }

  /** Starts feeding from `source`; a source that fails tells every viewer. */
  start(source: LogSource): void {
    const signal = AbortSignal.any([this.abort.signal, this.options.signal]);
    signal.addEventListener('abort', () => this.close(), { once: true });
    void source(this, signal)
      .then(() => {
        if (!signal.aborted) this.end('the log stream ended: the container stopped, restarted or was removed');
      })
      .catch((err: unknown) => {
        if (signal.aborted) return;
        const status = err instanceof KubeError ? err.status : 502;
        const message = err instanceof Error ? err.message : String(err);
        log.info({ ...this.key, status, err: message }, 'log upstream failed');
        this.fail(status, status === 502 ? `the log stream from the cluster broke: ${message}` : message);
      });
  }

  /** Joins `viewer`, who acts as `kubeConfig`'s user should the follow be (re)opened for them. */
  join(viewer: LogViewer, kubeConfig: () => KubeConfig): void {
    if (this.finished) return viewer.ended('the log stream has ended');
    this.viewers.set(viewer, kubeConfig);
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

  /** The viewer who has been here longest: whom a follow is opened as. */
  opener(): Opener | undefined {
    for (const [viewer, kubeConfig] of this.viewers) return { viewer, kubeConfig };
    return undefined;
  }

  /** Tells one viewer that the follow could not be opened as them, and detaches them. */
  refuse(viewer: LogViewer, code: number, message: string): void {
    if (!this.viewers.has(viewer)) return;
    this.leave(viewer);
    viewer.failed(code, message);
  }

  receive(entries: LogEntry[]): void {
    if (entries.length === 0 || this.finished) return;
    for (const e of entries) this.ring.push(e);
    if (this.ring.length > this.options.ringLines * 2) this.ring = this.ring.slice(-this.options.ringLines);
    if (!this.primed) return;
    for (const viewer of this.viewers.keys()) if (!this.waiting.has(viewer)) viewer.lines(entries);
  }

  /** Lines that never reached this process: every viewer already streaming is told how many. */
  skipped(count: number): void {
    if (!this.primed || this.finished) return;
    for (const viewer of this.viewers.keys()) if (!this.waiting.has(viewer)) viewer.skipped?.(count);
  }

  prime(): void {
    if (this.primed || this.finished) return;
    this.primed = true;
    for (const viewer of [...this.waiting]) this.welcome(viewer);
  }

  end(message: string): void {
    this.prime();
    this.finish((viewer) => viewer.ended(message));
  }

  fail(code: number, message: string): void {
    this.finish((viewer) => viewer.failed(code, message));
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

  private finish(tell: (viewer: LogViewer) => void): void {
    if (this.finished) return;
    this.finished = true;
    const viewers = [...this.viewers.keys()];
    this.viewers.clear();
    this.waiting.clear();
    for (const viewer of viewers) tell(viewer);
    this.abort.abort();
  }

  private closed = false;
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.finished) {
      // Drain: tell whoever is still here.
      this.finish((viewer) => viewer.ended('the portal is restarting; reconnect in a moment'));
    }
    this.ring = [];
    socketMetrics.viewersPerUpstream.remove(this.labels);
    this.options.onClosed();
  }

  private updateGauge(): void {
    socketMetrics.viewersPerUpstream.set(this.labels, this.viewers.size);
  }
}
