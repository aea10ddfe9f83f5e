import type { RowChange } from './rowSet';

/**
 * Deltas held until the next frame, per list (cache key), then applied as one
 * batch: at 1,000 changes a second the page updates once per frame, not once
 * per change. What waits is bounded: past `maxPending` it is applied at once
 * (a hidden tab gets no frames and few timers).
 */
export class DeltaBatches {
  private pending = new Map<string, RowChange[]>();
  private count = 0;
  private scheduled = false;

  constructor(
    private readonly apply: (key: string, changes: RowChange[]) => void,
    private readonly schedule: (run: () => void) => void,
    private readonly maxPending = 5000,
  ) {}

  add(key: string, change: RowChange): void {
    let list = this.pending.get(key);
    if (!list) {
      list = [];
      this.pending.set(key, list);
    }
    list.push(change);
    this.count++;
    if (this.count >= this.maxPending) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Applies what waits for `key` now: before anything else changes that list, so the order holds. */
  flushKey(key: string): void {
    const list = this.pending.get(key);
    if (!list) return;
    this.pending.delete(key);
    this.count -= list.length;
    this.apply(key, list);
  }

  /** Forgets what waits for `key`: a snapshot replaces it. */
  drop(key: string): void {
    const list = this.pending.get(key);
    if (!list) return;
    this.pending.delete(key);
    this.count -= list.length;
  }

  flush(): void {
    const all = this.pending;
    this.pending = new Map();
    this.count = 0;
    for (const [key, list] of all) this.apply(key, list);
  }
}

/** The next animation frame, or 100 ms when frames do not come (a hidden tab). */
export function nextFrame(run: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
    run();
  };
  const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(once) : undefined;
  const timer = setTimeout(once, 100);
}
