import type { IncomingMessage, ServerResponse } from 'node:http';

/** The watch routes: `/api/clusters/{cluster}/watch` and `/api/clusters/{cluster}/{kind}/watch`. */
const WATCH_PATH = /^\/api\/clusters\/[^/]+\/(?:[^/]+\/)?watch$/;

export function isWatchPath(path: string): boolean {
  return WATCH_PATH.test(path);
}

interface Connection {
  user: string;
  res: ServerResponse;
  req: IncomingMessage;
  /** Aborted when the connection closes, for whatever reason, at whatever point of the request. */
  closed: AbortController;
}

export type Admission = { admitted: true } | { admitted: false; limit: number } | { admitted: false; gone: true };

/**
 * The open watch (SSE) connections of this replica, as the HTTP server sees
 * them, keyed by request id. The per-person cap counts connections, not
 * subscriptions: a slot is given back only when the TCP exchange is over.
 * The stream hub uses it to learn when a client is gone (even before the
 * response has started), how much is queued towards a client, and to cut a
 * client that has fallen too far behind.
 */
export class StreamConnections {
  private readonly byId = new Map<string, Connection>();
  private readonly perUser = new Map<string, number>();
  /** Watch requests refused over the per-person cap. */
  refused = 0;

  constructor(private readonly perUserLimit: number) {}

  /** Registers a watch request, or refuses it when its person already holds `perUserLimit` connections. */
  admit(requestId: string, user: string, req: IncomingMessage, res: ServerResponse): Admission {
    // Gone while its session was being checked: a closed response never emits 'close' again, so it must not be counted.
    if (res.closed || res.destroyed) return { admitted: false, gone: true };
    const held = this.countFor(user);
    if (this.perUserLimit > 0 && held >= this.perUserLimit) {
      this.refused++;
      return { admitted: false, limit: this.perUserLimit };
    }
    const connection: Connection = { user, req, res, closed: new AbortController() };
    this.byId.set(requestId, connection);
    this.perUser.set(user, held + 1);
    res.once('close', () => {
      this.byId.delete(requestId);
      const left = this.countFor(user) - 1;
      if (left <= 0) this.perUser.delete(user);
      else this.perUser.set(user, left);
      connection.closed.abort();
    });
    return { admitted: true };
  }

  countFor(user: string): number {
    return this.perUser.get(user) ?? 0;
  }

  /**
   * Aborted when the connection of `requestId` closes. Every watch request is
   * registered before its route runs, so one that is not (any more) has
   * closed already: its signal is aborted from the start.
   */
  closedSignal(requestId: string): AbortSignal {
    return this.byId.get(requestId)?.closed.signal ?? AbortSignal.abort();
  }

  /** Bytes written to the response that the client has not yet taken (Node counts the socket's buffer in). */
  buffered(requestId: string): number {
    return this.byId.get(requestId)?.res.writableLength ?? 0;
  }

  /** Cuts the connection at once, dropping whatever is still queued for it. */
  destroy(requestId: string): void {
    const connection = this.byId.get(requestId);
    if (!connection) return;
    connection.res.destroy();
    connection.req.socket?.destroy();
  }
}
