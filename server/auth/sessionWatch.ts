import { log } from '../log';
import type { Revocations } from './revocations';

/** Why a channel's session ended: signed out, past its lifetime, or its validity could not be confirmed (fail closed). */
export type SessionEnd = 'signed-out' | 'expired' | 'unverifiable';

/** The answer of one check: still valid, or why the session must end. */
export type SessionVerdict = 'valid' | SessionEnd;

/** A revocation check that does not answer within this long counts as failed. */
const CHECK_TIMEOUT_MS = 3_000;

interface Channel {
  sessionId: string;
  /** When the session ends whatever happens (ms since the epoch). */
  endsAt?: number;
  end: (why: SessionEnd) => void;
}

/**
 * Ends long-lived channels (SSE streams, sockets) whose session was signed
 * out on any replica, or ran past its lifetime. Sign-out reaches no open connection by itself, so while
 * any channel is open each of their sessions is checked every `intervalMs`
 * against the shared revocation list. A check that fails or does not answer
 * ends the channel too, as the HTTP path refuses a request it cannot check:
 * access never outlives what can be confirmed.
 */
export class SessionWatch {
  private readonly channels = new Set<Channel>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly revocations: Revocations,
    private readonly intervalMs: number,
    signal: AbortSignal,
  ) {
    const off = revocations.onRevoked?.((sessionId) => this.signedOut(sessionId));
    signal.addEventListener(
      'abort',
      () => {
        off?.();
        this.stop();
      },
      { once: true },
    );
  }

  /** A sign-out was announced: that session's channels end now, not at the next sweep. */
  signedOut(sessionId: string): void {
    for (const channel of [...this.channels]) if (channel.sessionId === sessionId) channel.end('signed-out');
  }

  /** Watches one channel until the returned function is called; `end` is called at most once. */
  watch(sessionId: string, end: (why: SessionEnd) => void, endsAt?: number): () => void {
    let ended = false;
    const channel: Channel = {
      sessionId,
      endsAt,
      end: (why) => {
        if (ended) return;
        ended = true;
        this.channels.delete(channel);
        end(why);
      },
    };
    this.channels.add(channel);
    if (!this.timer) {
      this.timer = setInterval(() => void this.sweep(), this.intervalMs);
      this.timer.unref();
    }
    return () => {
      ended = true;
      this.channels.delete(channel);
      if (this.channels.size === 0) this.stop();
    };
  }

  /** One check now, failing closed: an error or no answer in time is `unverifiable`. */
  async check(sessionId: string): Promise<SessionVerdict> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
    });
    try {
      return (await Promise.race([this.revocations.isRevoked(sessionId), timeout])) ? 'signed-out' : 'valid';
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not check a session against the sign-out list; ending its channels');
      return 'unverifiable';
    } finally {
      clearTimeout(timer);
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const bySession = new Map<string, Channel[]>();
      const now = Date.now();
      for (const channel of [...this.channels]) {
        // Past its lifetime: over, whatever the sign-out list says.
        if (channel.endsAt !== undefined && now >= channel.endsAt) {
          channel.end('expired');
          continue;
        }
        const list = bySession.get(channel.sessionId);
        if (list) list.push(channel);
        else bySession.set(channel.sessionId, [channel]);
      }
      await Promise.all(
        [...bySession].map(async ([sessionId, channels]) => {
          const verdict = await this.check(sessionId);
          if (verdict !== 'valid') for (const channel of channels) channel.end(verdict);
        }),
      );
    } finally {
      this.sweeping = false;
    }
  }
}
