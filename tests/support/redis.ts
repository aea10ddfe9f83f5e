import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { until } from './until';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real redis-server on a free loopback port (or `port`); stopped by `stop()`.
 * No persistence, unless `dir` is given: then an append-only file there, so a
 * server started again on the same `dir` has the data back. With `password`, it
 * requires that password (as the chart's bundled Redis does), and `url` carries it.
 */
export async function startRedis({ port: wanted, dir, password }: { port?: number; dir?: string; password?: string } = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = wanted ?? (await freePort());
  const persistence = dir ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  const auth = password ? ['--requirepass', password] : [];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, ...auth], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  await until(() => /Ready to accept connections/.test(output), { timeoutMs: 15_000, message: 'redis-server to start' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: password ? `redis://:${password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
