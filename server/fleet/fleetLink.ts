import { sleep } from '../kube/watchLoop';
import { log } from '../log';
import type { RedisCommander } from './redisScripts';

export type LinkState = 'up' | 'down';

/**
 * Whether this replica can use Redis right now: a PING every `intervalMs`
 * that must answer within `timeoutMs`. Down at the first failure; up again
 * after two answers in a row, so a flapping link does not flip the replica's
 * mode on every beat.
 */
export class FleetLink {
  state: LinkState = 'down';
  since = Date.now();
  /** The last round trip to Redis, ms. */
  roundTripMs: number | null = null;
  reason = 'not connected yet';
  private readonly listeners = new Set<(state: LinkState) => void>();

  constructor(
    private readonly redis: RedisCommander,
    private readonly signal: AbortSignal,
    private readonly intervalMs = 1000,
    private readonly timeoutMs = 2000,
  ) {}

  onChange(listener: (state: LinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One check now; resolves with the state after it. */
  async check(): Promise<LinkState> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis.sendCommand(['PING']),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer to PING within ${this.timeoutMs} ms`)), this.timeoutMs))),
      ]);
      this.roundTripMs = performance.now() - started;
      this.successes++;
      if (this.state === 'down' && this.successes >= 2) this.set('up', 'answering');
    } catch (err) {
      this.roundTripMs = null;
      this.successes = 0;
      if (this.state === 'up' || this.reason !== (err as Error).message) this.set('down', (err as Error).message);
    } finally {
      clearTimeout(timer);
    }
    return this.state;
  }

  private successes = 0;

  /** Checks until the signal aborts. */
  start(): void {
    void (async () => {
      while (!this.signal.aborted) {
        await this.check();
        await sleep(this.intervalMs, this.signal);
      }
    })();
  }

  /** Resolves when the link is up, or after `ms` either way. */
  async waitUp(ms: number): Promise<LinkState> {
    const deadline = Date.now() + ms;
    while (this.state === 'down' && Date.now() < deadline && !this.signal.aborted) {
      await this.check();
      if (this.state === 'down') await sleep(100, this.signal);
    }
    return this.state;
  }

  private set(state: LinkState, reason: string): void {
    const changed = state !== this.state;
    this.reason = reason;
    if (!changed) return;
    this.state = state;
    this.since = Date.now();
    if (state === 'up') log.info('redis is reachable: informers are shared with the fleet');
    else log.warn({ reason }, 'redis is unreachable: this replica serves from its own informers until it returns (degraded)');
    for (const listener of this.listeners) listener(state);
  }
}
