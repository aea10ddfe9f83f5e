import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { until } from '../support/until';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the README’s start command', () => {
  it('`npm start` serves the demo cluster and stops cleanly on SIGTERM', async () => {
    // As on a laptop: no NODE_ENV of the test runner's.
    const env = Object.fromEntries(Object.entries({ ...process.env, PORT: '0', HOST: '127.0.0.1', CROWSNEST_DEMO: '1' }).filter(([key]) => key !== 'NODE_ENV')) as NodeJS.ProcessEnv;
    // Its own process group, so the whole tree (npm and the server) can be stopped together.
    const child = spawn('npm', ['start', '--silent'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const port = await until(() => /"port":(\d+)/.exec(output)?.[1], { message: '`npm start` to serve', timeoutMs: 120_000 });
      expect(output).toMatch(/Crowsnest is serving http:\/\/localhost:\d+ with cluster\(s\): demo/);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await res.text()).toBe('ok');
      process.kill(-child.pid!, 'SIGTERM');
      await until(() => /drained; exiting/.test(output), { message: 'the drain', timeoutMs: 30_000 });
      await exited;
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
});
