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
 * ends the channel too, as the HTTP path refuses a request it cannot check —
 * unless the session was confirmed within the grace period: access never
 * outlives what was confirmed by more than that.
 */
export class SessionWatch {
  private readonly channels = new Set<Channel>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;
  /** When each session was last confirmed valid against the sign-out list. */
  private readonly confirmed = new Map<string, number>();

  constructor(
    private readonly revocations: Revocations,
    private readonly intervalMs: number,
    signal: AbortSignal,
    /**
     * A session confirmed valid this recently stays valid for a check that cannot be made
     * (the sign-out list unreachable, or no answer in time): a replica starved of CPU for a
     * moment, or Redis restarting, does not end every open channel at once. Sign-outs still
     * reach this replica while the list is away when they are made here or announced.
     * 0 = fail closed at once.
     */
    private readonly graceMs = 0,
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
      if (await Promise.race([this.revocations.isRevoked(sessionId), timeout])) {
        this.confirmed.delete(sessionId);
        return 'signed-out';
      }
      this.confirmed.set(sessionId, Date.now());
      return 'valid';
    } catch (err) {
      const last = this.confirmed.get(sessionId);
      if (last !== undefined && Date.now() - last < this.graceMs) {
        log.debug({ err: (err as Error).message }, 'could not check a session against the sign-out list; it was confirmed moments ago, so its channels go on');
        return 'valid';
      }
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
    const forgetBefore = Date.now() - Math.max(this.graceMs, this.intervalMs) * 2;
    for (const [sessionId, at] of this.confirmed) if (at < forgetBefore) this.confirmed.delete(sessionId);
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
