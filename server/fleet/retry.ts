import { backoffMs, sleep } from '../kube/watchLoop';

/** Redis retry pacing: capped, jittered backoff from 200 ms to 5 s. */
export function redisBackoffMs(failures: number): number {
  return backoffMs(failures, 200, 5000);
}

/** Runs `attempt` until it succeeds once, waiting `redisBackoffMs` between failures; stops when `signal` aborts. */
export async function keepTrying(signal: AbortSignal, attempt: () => Promise<void>): Promise<void> {
  for (let failures = 1; !signal.aborted; failures++) {
    try {
      await attempt();
      return;
    } catch {
      await sleep(redisBackoffMs(failures), signal);
    }
  }
}
