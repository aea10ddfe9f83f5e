import type { Server } from 'node:http';
import { log } from './log';

/** The longest a drain waits for the hand-over before telling clients to go: an unreachable Redis must not hold it. */
const HAND_OVER_MAX_MS = 3000;

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, hand this replica's
 * work over (the informers' leases, so another replica takes the kinds at
 * once), then abort every long-lived piece through the root controller (SSE
 * clients are told `done` `draining`), let requests in flight finish, and exit
 * 0 within the drain budget. A second signal exits at once.
 */
export function installShutdown({
  server,
  root,
  drainSeconds,
  onDrain,
  handOver,
  beforeClose = [],
}: {
  server: Server;
  root: AbortController;
  drainSeconds: number;
  /** Called first thing, so readiness says `draining` at once. */
  onDrain?: () => void;
  /** Runs before the root is aborted, for at most 3 s (or half the drain budget, when that is shorter). */
  handOver?: () => Promise<void>;
  beforeClose?: Array<() => Promise<void> | void>;
}): void {
  let draining = false;
  const drain = async (signal: NodeJS.Signals) => {
    if (draining) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    draining = true;
    onDrain?.();
    log.info({ signal, drainSeconds }, 'draining: no new connections, handing the informers over, then closing long-lived ones');
    const deadline = setTimeout(() => {
      log.warn({ drainSeconds }, 'drain budget spent: closing the remaining connections');
      server.closeAllConnections();
      process.exit(0);
    }, drainSeconds * 1000);

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (handOver) await handOverWithin(handOver, Math.min(HAND_OVER_MAX_MS, (drainSeconds * 1000) / 2));
    root.abort(new Error(`server shutting down (${signal})`));
    for (const step of beforeClose) {
      try {
        await step();
      } catch (err) {
        log.warn({ err }, 'a shutdown step failed');
      }
    }
    server.closeIdleConnections();
    await closed;
    clearTimeout(deadline);
    log.info('drained; exiting');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void drain(s));
  process.on('SIGINT', (s) => void drain(s));
}

/** Waits for `handOver` at most `ms`; a failure or a timeout is logged, and the drain goes on. */
async function handOverWithin(handOver: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    const outcome = await Promise.race([handOver().then(() => 'done' as const), timedOut]);
    if (outcome === 'timeout') log.warn({ ms }, 'the informers were not all handed over in time: the others take them when their leases expire');
    else log.info('informers handed over');
  } catch (err) {
    log.warn({ err }, 'handing the informers over failed: the others take them when their leases expire');
  } finally {
    clearTimeout(timer);
  }
}
