/**
 * Starts the simulated cluster in-process on a free port with its own temp dir and
 * kubeconfig, and runs real kubectl against it (fresh discovery cache per call).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator, type StartOptions } from '../../sim/index';

export type SimUser = 'admin' | 'alice' | 'bob' | 'carol';

export const KUBECTL = new URL('../../.tools/bin/kubectl', import.meta.url).pathname;

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningKubectl {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

export interface SimHarness {
  sim: Simulator;
  dir: string;
  kubeconfigPath: string;
  kubectl(args: string[], opts?: { user?: SimUser; stdin?: string; timeoutMs?: number }): Promise<KubectlResult>;
  kubectlSpawn(args: string[], opts?: { user?: SimUser }): RunningKubectl;
  /** A request over plain HTTP as a built-in user (admin by default). */
  api(path: string, init?: RequestInit & { user?: SimUser | null }): Promise<Response>;
  /** Writes a file into the harness's temp dir and returns its path. */
  file(name: string, text: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSim(opts: StartOptions = {}): Promise<SimHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'crowsnest-sim-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const sim = await startSimulator({ port: 0, scenario: 'empty', ...opts, kubeconfigPath });
  let cacheCount = 0;
  const children = new Set<ChildProcess>();

  const baseArgs = (user: SimUser) => ['--kubeconfig', kubeconfigPath, '--context', user, '--cache-dir', join(dir, `cache-${++cacheCount}`)];
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir };

  const kubectl: SimHarness['kubectl'] = (args, o = {}) =>
    new Promise((resolve) => {
      const child = spawn(KUBECTL, [...baseArgs(o.user ?? 'admin'), ...args], { env });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 45_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        children.delete(child);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(o.stdin ?? '');
    });

  const kubectlSpawn: SimHarness['kubectlSpawn'] = (args, o = {}) => {
    const child = spawn(KUBECTL, [...baseArgs(o.user ?? 'admin'), ...args], { env });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    child.on('close', () => children.delete(child));
    return {
      child,
      stdout: () => out,
      stderr: () => err,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  };

  const api: SimHarness['api'] = (path, init = {}) => {
    const { user = 'admin', ...rest } = init;
    const headers = new Headers(rest.headers);
    const token = user ? sim.users.find((u) => u.name === user)!.token : undefined;
    if (token) headers.set('Authorization', `Bearer ${token}`);
    if (rest.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    return fetch(`${sim.httpUrl}${path}`, { ...rest, headers });
  };

  return {
    sim,
    dir,
    kubeconfigPath,
    kubectl,
    kubectlSpawn,
    api,
    async file(name, text) {
      const p = join(dir, name);
      await writeFile(p, text);
      return p;
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Reads a watch response body as events until `done` says stop; returns what it saw. */
export async function readWatch(res: Response, done: (events: { type: string; object: any }[]) => boolean): Promise<{ type: string; object: any }[]> {
  const events: { type: string; object: any }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    while (!done(events)) {
      const { value, done: end } = await reader.read();
      if (end) break;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) events.push(JSON.parse(line));
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}
