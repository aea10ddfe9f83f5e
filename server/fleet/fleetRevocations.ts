import { MemoryRevocations, type Revocations } from '../auth/revocations';
import { log } from '../log';
import { keepTrying } from './retry';
import type { FleetLink } from './fleetLink';

/**
 * The sign-out list of a fleet: Redis, plus what this replica knows (its own
 * sign-outs and those announced by other replicas, kept until each session's
 * end). Sign-outs made while Redis is away are written to it when it returns.
 * A session is never taken as valid without Redis: while it is unreachable a
 * check fails (and the caller fails closed), unless the session is already
 * known to be signed out.
 */
export class FleetRevocations implements Revocations {
  private readonly local = new MemoryRevocations();
  private readonly unsent = new Map<string, number>();

  constructor(
    private readonly shared: Revocations,
    private readonly link: FleetLink,
    /** Announces a sign-out to every replica (Redis PUBLISH of `<session id> <expires at>`). */
    private readonly announce: (message: string) => Promise<unknown>,
    signal: AbortSignal,
    /** Subscribes to the announcements (on a connection of its own). */
    subscribe: (listener: (message: string) => void) => Promise<void>,
  ) {
    link.onChange((state) => {
      if (state === 'up') void this.flush();
    });
    // Another replica's sign-out: remembered here too, and this replica's channels of that session end at once.
    void keepTrying(signal, () =>
      subscribe((message) => {
        const [sessionId, expiresAt] = message.split(' ');
        const until = Number(expiresAt);
        if (sessionId && Number.isFinite(until)) void this.local.revoke(sessionId, until);
      }),
    );
  }

  onRevoked(listener: (sessionId: string) => void): () => void {
    return this.local.onRevoked(listener);
  }

  async revoke(sessionId: string, expiresAt: number): Promise<void> {
    await this.local.revoke(sessionId, expiresAt);
    try {
      await this.shared.revoke(sessionId, expiresAt);
      await this.announce(`${sessionId} ${expiresAt}`).catch(() => undefined);
    } catch (err) {
      this.unsent.set(sessionId, expiresAt);
      log.warn({ err: (err as Error).message }, 'sign-out kept on this replica until redis answers again');
    }
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    if (await this.local.isRevoked(sessionId)) return true;
    // Fail closed: a session that cannot be checked against the fleet's list is not trusted.
    if (this.link.state === 'down') throw new Error(`the sign-out list is unreachable (redis unavailable: ${this.link.reason})`);
    return this.shared.isRevoked(sessionId);
  }

  private async flush(): Promise<void> {
    for (const [sessionId, expiresAt] of [...this.unsent]) {
      try {
        await this.shared.revoke(sessionId, expiresAt);
        this.unsent.delete(sessionId);
      } catch {
        return;
      }
    }
  }
}
