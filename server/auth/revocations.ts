import type { RedisClientType } from 'redis';

/**
 * Signed-out sessions. Every copy of a session's cookie stays cryptographically
 * valid until the session's absolute end (sign-in + lifetime), so sign-out puts
 * its id on a deny-list until then; every replica consults the same list
 * (Redis), or this process's memory with one replica.
 */
export interface Revocations {
  /** Deny `sessionId` until `expiresAt` (epoch seconds): at least the session's end. */
  revoke(sessionId: string, expiresAt: number): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
  /** Told of every sign-out as it happens (on this replica, and with a fleet on every replica), so open channels end at once. */
  onRevoked?(listener: (sessionId: string) => void): () => void;
}

export class MemoryRevocations implements Revocations {
  private readonly until = new Map<string, number>();
  private readonly listeners = new Set<(sessionId: string) => void>();

  async revoke(sessionId: string, expiresAt: number): Promise<void> {
    this.until.set(sessionId, expiresAt);
    this.purge();
    for (const listener of this.listeners) listener(sessionId);
  }

  onRevoked(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const expiresAt = this.until.get(sessionId);
    if (expiresAt === undefined) return false;
    if (expiresAt * 1000 <= Date.now()) {
      this.until.delete(sessionId);
      return false;
    }
    return true;
  }

  private purge(): void {
    const now = Date.now() / 1000;
    for (const [id, expiresAt] of this.until) if (expiresAt <= now) this.until.delete(id);
  }
}

const KEY_PREFIX = 'crowsnest:revoked-session:';

export class RedisRevocations implements Revocations {
  constructor(private readonly redis: Pick<RedisClientType, 'set' | 'exists'>) {}

  async revoke(sessionId: string, expiresAt: number): Promise<void> {
    const ttl = Math.ceil(expiresAt - Date.now() / 1000);
    if (ttl <= 0) return;
    await this.redis.set(KEY_PREFIX + sessionId, '1', { EX: ttl });
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(KEY_PREFIX + sessionId)) === 1;
  }
}
