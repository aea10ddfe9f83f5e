import { afterEach, describe, expect, it } from 'vitest';
import type { Revocations } from '@/server/auth/revocations';
import { SessionWatch, type SessionEnd } from '@/server/auth/sessionWatch';
import { until } from '../support/until';

/** A sign-out list that can be made unreachable. */
class FlakyList implements Revocations {
  reachable = true;
  checks = 0;
  async revoke(): Promise<void> {}
  async isRevoked(): Promise<boolean> {
    this.checks++;
    if (!this.reachable) throw new Error('redis unavailable');
    return false;
  }
}

const aborts: AbortController[] = [];
afterEach(() => aborts.splice(0).forEach((a) => a.abort()));

function watchOne(graceMs: number) {
  const list = new FlakyList();
  const abort = new AbortController();
  aborts.push(abort);
  const sessions = new SessionWatch(list, 20, abort.signal, graceMs);
  const ended: SessionEnd[] = [];
  sessions.watch('s1', (why) => ended.push(why));
  return { list, sessions, ended };
}

describe('the session watch while the sign-out list is unreachable', () => {
  it('keeps a channel whose session was confirmed moments ago, for the grace period only', async () => {
    const { list, sessions, ended } = watchOne(2000);
    await until(() => list.checks >= 2, { message: 'a confirmed check' });
    list.reachable = false;
    const from = list.checks;
    await until(() => list.checks >= from + 3, { message: 'checks while unreachable' });
    // Three failed checks within the grace: still open, and a check says valid.
    expect(ended).toEqual([]);
    await expect(sessions.check('s1')).resolves.toBe('valid');
    await until(() => ended.length > 0, { message: 'the channel to end after the grace', timeoutMs: 15_000 });
    expect(ended).toEqual(['unverifiable']);
  });

  it('fails closed at once without a grace, and for a session never confirmed', async () => {
    const { list, ended } = watchOne(0);
    await until(() => list.checks >= 1);
    list.reachable = false;
    await until(() => ended.length > 0, { message: 'the channel to end' });
    expect(ended).toEqual(['unverifiable']);

    const other = watchOne(60_000);
    other.list.reachable = false;
    await expect(other.sessions.check('never-seen')).resolves.toBe('unverifiable');
  });
});
