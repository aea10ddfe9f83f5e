import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { until } from '../support/until';

const MAIN = new URL('../../sim/main.ts', import.meta.url).pathname;
// node with tsx's loader rather than the tsx wrapper: a signal then reaches the simulator itself.
let dir: string;

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crowsnest-sim-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sim/main.ts', () => {
  it('exits 2 with a usage message on bad arguments', async () => {
    for (const args of [[], ['--port', 'abc', '--kubeconfig', 'x'], ['--port', '0'], ['--port', '0', '--kubeconfig', 'x', '--scenario', 'huge'], ['--port', '0', '--kubeconfig', 'x', '--history-seconds', '0'], ['--bogus']]) {
      const r = run(args);
      expect(await r.exited, args.join(' ')).toBe(2);
      expect(r.err()).toContain('usage: tsx sim/main.ts');
    }
  });

  it('writes the kubeconfig, prints the URL, serves, and stops on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kc.yaml');
    const r = run(['--port', '0', '--kubeconfig', kubeconfig, '--scenario', 'empty']);
    try {
      const url = await until(() => r.out().match(/serving at (https:\/\/\S+)/)?.[1], { message: `URL printed: ${r.err()}` });
      const config = parse(await readFile(kubeconfig, 'utf8'));
      expect(config['current-context']).toBe('admin');
      expect(config.contexts.map((c: any) => c.name)).toEqual(['admin', 'alice', 'bob', 'carol']);
      expect(config.clusters[0].cluster.server).toBe(url);
      const res = await fetch(`${url.replace('https:', 'http:')}/readyz`);
      expect(await res.text()).toBe('ok');
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
    } finally {
      r.child.kill('SIGKILL');
    }
  });

  it('keeps watch history for --history-seconds: resuming from before the window is 410 Expired', async () => {
    const kubeconfig = join(dir, 'kc-history.yaml');
    const r = run(['--port', '0', '--kubeconfig', kubeconfig, '--scenario', 'empty', '--history-seconds', '1']);
    try {
      const url = (await until(() => r.out().match(/serving at (https:\/\/\S+)/)?.[1], { message: `URL printed: ${r.err()}` })).replace('https:', 'http:');
      const config = parse(await readFile(kubeconfig, 'utf8'));
      const headers = { Authorization: `Bearer ${config.users.find((u: any) => u.name === 'admin').user.token}` };
      const firstEvent = async () => {
        const res = await fetch(`${url}/api/v1/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1`, { headers });
        const line = (await res.text()).split('\n')[0];
        return JSON.parse(line);
      };
      // The default window is minutes long; with one second the first writes soon fall out of it.
      const expired = await until(
        async () => {
          const e = await firstEvent();
          return e.type === 'ERROR' ? e : undefined;
        },
        { message: 'the first writes fall out of the history window', timeoutMs: 20_000 },
      );
      expect(expired.object).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    } finally {
      r.child.kill('SIGKILL');
    }
  });
});
