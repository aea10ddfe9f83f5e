import type { Server } from 'node:http';
import { log } from './log';

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, abort every long-lived
 * piece through the root controller, let requests in flight finish, and exit 0
 * within the drain budget. A second signal exits at once.
 */
export function installShutdown({
  server,
  root,
  drainSeconds,
  beforeClose = [],
}: {
  server: Server;
  root: AbortController;
  drainSeconds: number;
  beforeClose?: Array<() => Promise<void> | void>;
}): void {
  let draining = false;
  const drain = async (signal: NodeJS.Signals) => {
    if (draining) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    draining = true;
    log.info({ signal, drainSeconds }, 'draining: no new connections, closing long-lived ones');
    const deadline = setTimeout(() => {
      log.warn({ drainSeconds }, 'drain budget spent: closing the remaining connections');
      server.closeAllConnections();
      process.exit(0);
    }, drainSeconds * 1000);

    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
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
