/**
 * Faults the simulator can be told to have, for tests of a client's resilience:
 * dropped or frozen watches, compacted history, failing or slow requests, and a
 * restart that refuses connections for a while. One instance per simulator; the
 * HTTP endpoint and in-process tests drive the same methods.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../api/context';
import type { DualListener } from '../listener';
import { execSessionsOf } from '../exec/openSessions';
import { logFollowsOf } from '../logs/follows';
import { badRequest } from '../status';

export type FailStatus = 500 | 429;

export interface FaultState {
  failNext: { count: number; status: FailStatus };
  latencyMs: number;
  watchesFrozen: boolean;
  /** ms since the epoch until which connections are refused; 0 when serving. */
  restartingUntil: number;
}

/** A watch response held while watches are frozen: what it wrote, and whether it ended. */
interface Held {
  res: ServerResponse;
  chunks: unknown[];
  ended: boolean;
  /** Writes what was held, and ends the response if it had ended meanwhile. */
  flush(): void;
}

export class Faults {
  private state: FaultState = { failNext: { count: 0, status: 500 }, latencyMs: 0, watchesFrozen: false, restartingUntil: 0 };
  private readonly held = new Set<Held>();
  private listener: DualListener | undefined;

  constructor(
    private readonly ctx: SimContext,
    private readonly churn?: (rate: number) => void,
  ) {}

  /** Sets the `large` scenario's churn rate (not a fault: benchmarks step the load without restarting). */
  setChurnRate(rate: number): void {
    if (!this.churn) throw badRequest('only the large:<pods> scenario has a churn rate to set');
    this.churn(rate);
  }

  /** The listener to suspend on `restart`; set once it is listening. */
  attach(listener: DualListener): void {
    this.listener = listener;
  }

  snapshot(): FaultState {
    return structuredClone(this.state);
  }

  /** Watches open now: what the clients of this apiserver cost it (benchmarks compare this). */
  openWatches(): number {
    return this.ctx.watches.size;
  }

  /** Open watches per resource (`pods`, `deployments.apps`). */
  watchesByResource(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of this.ctx.watches.values()) counts[resource] = (counts[resource] ?? 0) + 1;
    return counts;
  }

  /** Log follows open now, per container (`namespace/pod/container`). */
  logFollows(): { open: number; byContainer: Record<string, number> } {
    const follows = logFollowsOf(this.ctx);
    return { open: follows.size, byContainer: follows.byContainer() };
  }

  /** Exec sessions (shells, `kubectl exec`) open now. */
  execSessions(): number {
    return execSessionsOf(this.ctx).size;
  }

  /** Ends every open watch, as an apiserver going away would; clients re-watch. */
  dropWatches(): number {
    const all = [...this.ctx.watches.keys()];
    for (const close of all) close();
    return all.length;
  }

  /** Forgets watch history, so a watch from any older resourceVersion gets 410 Expired. */
  compact(): void {
    this.ctx.store.compact();
  }

  /** Answers the next `count` API requests with a 500 or a 429 (with Retry-After). */
  failNext(count: number, status: FailStatus = 500): void {
    this.state.failNext = { count: Math.max(0, Math.floor(count)), status };
  }

  /** Adds `ms` before every API response; 0 clears it. */
  latency(ms: number): void {
    this.state.latencyMs = Math.max(0, ms);
  }

  /** Frozen watches stay open and send nothing (not even their end) until unfrozen. */
  freezeWatches(on: boolean): void {
    this.state.watchesFrozen = on;
    if (on) return;
    for (const h of [...this.held]) this.release(h);
  }

  /** Closes every connection and refuses new ones for `seconds`; the state survives. */
  restart(seconds: number): void {
    const ms = Math.max(0, seconds * 1000);
    this.state.restartingUntil = Date.now() + ms;
    this.listener?.suspend(ms);
  }

  reset(): void {
    this.failNext(0);
    this.latency(0);
    this.freezeWatches(false);
    this.state.restartingUntil = 0;
    this.listener?.suspend(0);
  }

  // --- hooks used by the HTTP wrapper ----------------------------------------------

  /** If a failure is due, takes it. */
  takeFailure(): FailStatus | undefined {
    const f = this.state.failNext;
    if (f.count <= 0) return undefined;
    f.count--;
    return f.status;
  }

  get latencyMs(): number {
    return this.state.latencyMs;
  }

  /** Routes a watch response's writes through the freeze switch. */
  guardWatch(_req: IncomingMessage, res: ServerResponse): void {
    const write = res.write.bind(res) as (chunk: unknown) => boolean;
    const end = res.end.bind(res) as () => ServerResponse;
    const h: Held = {
      res,
      chunks: [],
      ended: false,
      flush() {
        for (const c of h.chunks.splice(0)) write(c);
        if (h.ended) end();
      },
    };
    (res as { write: unknown }).write = (chunk: unknown) => {
      if (!this.state.watchesFrozen && h.chunks.length === 0) return write(chunk);
      h.chunks.push(chunk);
      this.held.add(h);
      return true;
    };
    (res as { end: unknown }).end = (chunk?: unknown) => {
      if (chunk !== undefined && typeof chunk !== 'function') (res as { write: (c: unknown) => boolean }).write(chunk);
      if (this.state.watchesFrozen || h.chunks.length) {
        h.ended = true;
        this.held.add(h);
        return res;
      }
      return end();
    };
    res.on('close', () => this.held.delete(h));
  }

  private release(h: Held): void {
    this.held.delete(h);
    if (h.res.destroyed) return;
    h.flush();
  }
}
