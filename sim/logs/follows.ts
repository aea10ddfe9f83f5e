/**
 * The log follows a simulator holds open, by container (`namespace/pod/container`):
 * what clients cost the kubelet, for tests and benchmarks. One listener on the
 * simulator's signal ends them all when it closes.
 */
export class LogFollows {
  private readonly open = new Map<() => void, string>();

  constructor(signal: AbortSignal) {
    signal.addEventListener(
      'abort',
      () => {
        for (const end of [...this.open.keys()]) end();
      },
      { once: true },
    );
  }

  /** Holds a follow until the returned function is called; `end` stops it. */
  add(container: string, end: () => void): () => void {
    this.open.set(end, container);
    return () => this.open.delete(end);
  }

  get size(): number {
    return this.open.size;
  }

  byContainer(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const container of this.open.values()) counts[container] = (counts[container] ?? 0) + 1;
    return counts;
  }
}

const bySimulator = new WeakMap<object, LogFollows>();

/** The follows of the simulator whose context this is. */
export function logFollowsOf(ctx: { signal: AbortSignal }): LogFollows {
  let follows = bySimulator.get(ctx);
  if (!follows) bySimulator.set(ctx, (follows = new LogFollows(ctx.signal)));
  return follows;
}
