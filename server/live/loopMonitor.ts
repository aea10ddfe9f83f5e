import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const TICK_MS = 100;
const WINDOW = 10;

/**
 * How late the event loop runs: a 100 ms timer's drift over the last second
 * (what load shedding reads), and Node's event-loop delay histogram (what
 * the metrics report).
 */
export class LoopMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly drifts: number[] = [];
  private last = performance.now();

  constructor(signal: AbortSignal) {
    this.histogram.enable();
    const timer = setInterval(() => {
      const now = performance.now();
      this.drifts.push(Math.max(0, now - this.last - TICK_MS));
      if (this.drifts.length > WINDOW) this.drifts.shift();
      this.last = now;
    }, TICK_MS);
    timer.unref();
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        this.histogram.disable();
      },
      { once: true },
    );
  }

  /** The worst lateness of the loop over the last second, in ms (a stall shows once it is over). */
  recentLagMs(): number {
    return Math.max(0, performance.now() - this.last - TICK_MS, ...this.drifts);
  }

  /** Event-loop delay percentiles since the last call, in seconds; then starts afresh. */
  takeDelays(): { p50: number; p99: number; max: number } {
    const h = this.histogram;
    const out = { p50: h.percentile(50) / 1e9, p99: h.percentile(99) / 1e9, max: h.max / 1e9 };
    h.reset();
    return out;
  }
}
