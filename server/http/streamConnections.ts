import type { ServerResponse } from 'node:http';

/** The watch routes: `/api/clusters/{cluster}/watch` and `/api/clusters/{cluster}/{kind}/watch`. */
const WATCH_PATH = /^\/api\/clusters\/[^/]+\/(?:[^/]+\/)?watch$/;

export function isWatchPath(path: string): boolean {
  return WATCH_PATH.test(path);
}

export type Admission = { admitted: true } | { admitted: false; limit: number } | { admitted: false; gone: true };

/**
 * The open watch (SSE) connections of this replica per person, as the HTTP
 * server sees them. The per-person cap counts connections, not
 * subscriptions: a slot is given back only when the TCP exchange is over.
 */
export class StreamConnections {
  private readonly perUser = new Map<string, number>();
  /** Watch requests refused over the per-person cap. */
  refused = 0;

  constructor(private readonly perUserLimit: number) {}

  /** Counts a watch request until its connection closes, or refuses it when its person already holds `perUserLimit`. */
  admit(user: string, res: ServerResponse): Admission {
    // Gone while its session was being checked: a closed response never emits 'close' again, so it must not be counted.
    if (res.closed || res.destroyed) return { admitted: false, gone: true };
    const held = this.countFor(user);
    if (this.perUserLimit > 0 && held >= this.perUserLimit) {
      this.refused++;
      return { admitted: false, limit: this.perUserLimit };
    }
    this.perUser.set(user, held + 1);
    res.once('close', () => {
      const left = this.countFor(user) - 1;
      if (left <= 0) this.perUser.delete(user);
      else this.perUser.set(user, left);
    });
    return { admitted: true };
  }

  countFor(user: string): number {
    return this.perUser.get(user) ?? 0;
  }
}
