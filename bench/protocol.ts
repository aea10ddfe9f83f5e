/** Messages between the benchmark's orchestrator and its load-client processes (bench/loadClient.ts). */
import type { HistogramData } from './histogram';

export interface OpenCommand {
  type: 'open';
  /** `sse`: Crowsnest's watch streams; `watch`: the naive baseline, each client its own LIST+WATCH on the apiserver. */
  mode: 'sse' | 'watch';
  /** sse: the stream URL; watch: the apiserver's plain-HTTP base URL. */
  url: string;
  headers: Record<string, string>;
  streams: number;
  /** Opens in flight at once (before their response headers arrive). */
  concurrency: number;
}

/** Frames whose churn stamp falls in [from, to] (µs since the epoch) are the ones measured. */
export interface WindowCommand {
  type: 'window';
  from: number;
  to: number;
}

export interface ProgressCommand {
  type: 'progress';
  /** Count the streams that have seen a stamp at or after this (µs): they have caught up with it. */
  caughtUpAt?: number;
}

export type Command = OpenCommand | WindowCommand | ProgressCommand | { type: 'report' } | { type: 'close' };

export interface Progress {
  type: 'progress';
  /** Streams asked for so far. */
  requested: number;
  /** Answered 200 and streaming (or, for watch, listed and watching). */
  open: number;
  /** Got their first snapshot (watch: finished their LIST). */
  synced: number;
  /** Refused (non-200) or failed to connect. */
  failed: number;
  /** Ended after opening, for whatever reason. */
  ended: number;
  caughtUp: number;
}

export interface Report {
  type: 'report';
  /** Latency of measured frames, µs from the simulator's write to arrival here. */
  latency: HistogramData;
  /** Measured frames each stream received (stamps in the window), one entry per opened stream. */
  perStream: number[];
  /** Frames of any kind that arrived while the window was open, and their bytes. */
  framesInWindow: number;
  bytesInWindow: number;
  /** Sequence numbers skipped inside one stream's view (SSE only). */
  seqGaps: number;
  /** Frames stamped later than they arrived (clock disagreement). */
  negative: number;
  /** `done` reasons seen, and streams the server ended without one. */
  done: Record<string, number>;
  endedWithoutDone: number;
  /** HTTP statuses of refused opens, and connection errors. */
  refused: Record<string, number>;
  /** Time from asking to the first snapshot (or LIST) finished, ms. */
  syncMs: HistogramData;
  snapshotBytes: number;
  cpuMicros: number;
  rssBytes: number;
}

export type Reply = Progress | Report;
