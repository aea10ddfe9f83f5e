import type { ServerResponse } from 'node:http';
import type { Limits } from '../limits';

/** The watch routes: `/api/clusters/{cluster}/watch` and `/api/clusters/{cluster}/{kind}/watch`. */
const WATCH_PATH = /^\/api\/clusters\/[^/]+\/(?:[^/]+\/)?watch$/;

export function isWatchPath(path: string): boolean {
  return WATCH_PATH.test(path);
}

export type Admission = { admitted: true } | { admitted: false; limit: number } | { admitted: false; gone: true };

/**
 * The open watch (SSE) connections per person, as the HTTP server sees them,
 * counted in `limits` (this replica's memory, or the fleet's Redis). The
 * per-person cap counts connections, not subscriptions: a slot is given back
 * only when the TCP exchange is over.
 */
export class StreamConnections {
  /** Watch requests refused over the per-person cap. */
  refused = 0;

  constructor(
    private readonly perUserLimit: number,
    private readonly limits: Limits,
  ) {}

  /** Counts a watch request until its connection closes, or refuses it when its person already holds `perUserLimit`. */
  async admit(user: string, res: ServerResponse): Promise<Admission> {
    // Gone while its session was being checked: a closed response never emits 'close' again, so it must not be counted.
    if (res.closed || res.destroyed) return { admitted: false, gone: true };
    const release = await this.limits.take('streams', user, this.perUserLimit);
    if (!release) {
      this.refused++;
      return { admitted: false, limit: this.perUserLimit };
    }
    if (res.closed || res.destroyed) {
      release();
      return { admitted: false, gone: true };
    }
    res.once('close', release);
    return { admitted: true };
  }

  countFor(user: string): Promise<number> {
    return this.limits.held('streams', user);
  }
}
