import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './until';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LogLine {
  level?: string;
  msg?: string;
  [field: string]: unknown;
}

export interface Portal {
  url: string;
  process: ChildProcess;
  /** Every JSON log line the server has written so far. */
  logs: LogLine[];
  /** Everything the server wrote, JSON or not. */
  output: () => string;
  /** Sends a signal and resolves with the exit code (or the signal that ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts the real Crowsnest server (`server/main.ts`, the production build) on
 * a free port and waits until it says where it serves.
 */
export async function startPortal(env: Record<string, string | undefined> = {}): Promise<Portal> {
  // The operator's NODE_ENV is unset, as for `npm start` on a laptop (the test runner's own "test" is not passed on).
  const merged: Record<string, string | undefined> = { ...process.env, NODE_ENV: undefined, PORT: '0', HOST: '127.0.0.1', CROWSNEST_LOG_LEVEL: 'debug', ...env };
  const childEnv = Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined)) as NodeJS.ProcessEnv;
  // node itself with tsx's loader (not the tsx wrapper), so a signal reaches the server and SIGKILL leaves no orphan.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  let text = '';
  let pending = '';
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        /* not a log line */
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));

  // A server that exits before it is ready fails the start at once, with what it wrote.
  const exitedEarly = exited.then((code): never => {
    throw new Error(`the server exited (${code}) before it was ready:\n${text.slice(-4000)}`);
  });
  const ready = await Promise.race([
    until(() => logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('Crowsnest is serving')), { timeoutMs: 120_000, intervalMs: 100, message: 'the portal to start' }),
    exitedEarly,
  ]).catch((err: Error) => {
    child.kill('SIGKILL');
    throw err;
  });
  const port = ready.port as number;
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    logs,
    output: () => text,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
