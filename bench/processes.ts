/**
 * The real processes a benchmark runs: the simulated cluster (`npm run sim`), the
 * portal (as `npm start` runs it) and load clients; how much CPU and memory each
 * uses (from /proc); and a reference watch that records every change the
 * simulator writes. Everything started here is killed by `stopAll()`.
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startPortal, type Portal } from '../tests/support/portal';
import { signInAs } from '../tests/support/session';
import { LineParser, stampOf, watchTypeOf } from './frames';
import type { Command, OpenCommand, Progress, Reply, Report } from './protocol';

const root = join(import.meta.dirname, '..');
const children = new Set<ChildProcess>();

/** Kills every process this benchmark started (also on failure). */
export function stopAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export const nowMicros = (): number => (performance.timeOrigin + performance.now()) * 1000;

export interface Usage {
  /** CPU seconds (user + system) used so far. */
  cpu: number;
  rss: number;
}

const TICKS = 100; // USER_HZ on Linux

/** CPU and resident memory of a process, from /proc; zeros once it is gone. */
export function usageOf(pid: number | undefined): Usage {
  if (!pid) return { cpu: 0, rss: 0 };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { cpu, rss: rssKb * 1024 };
  } catch {
    return { cpu: 0, rss: 0 };
  }
}

export interface SimProcess {
  pid: number;
  /** Plain HTTP on the simulator's port (the naive baseline and the reference watch use it). */
  httpUrl: string;
  adminToken: string;
  /** A kubeconfig with one context, `sim`, as the admin user: the portal's own identity. */
  portalKubeconfig: string;
  /** Watches open on the simulator now. */
  watches(): Promise<number>;
  /** Sets the churn rate (changes/s; 0 pauses it). */
  setRate(rate: number): Promise<void>;
  stop(): Promise<void>;
}

/** `npm run sim` as its own process: `large:<pods>` with churn at `rate` changes/s, each change stamped. */
export async function startSim(dir: string, pods: number, rate: number): Promise<SimProcess> {
  const kubeconfig = join(dir, `sim-${pods}-${rate}.kubeconfig`);
  const args = ['--import', 'tsx', join(root, 'sim', 'main.ts'), '--port', '0', '--kubeconfig', kubeconfig, '--scenario', `large:${pods}`, '--churn', String(rate), '--churn-stamp'];
  const child = track(spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not start within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /serving at (https:\/\/\S+)/.exec(output);
      if (m && output.includes('kubeconfig written')) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}):\n${output}`)));
  });
  const all = new KubeConfig();
  all.loadFromFile(kubeconfig);
  const admin = all.getContextObject('admin')!;
  const user = all.getUser(admin.user)!;
  const narrowed = new KubeConfig();
  narrowed.loadFromOptions({
    clusters: [{ ...all.getCluster(admin.cluster)!, name: 'sim' }],
    users: [{ ...user, name: 'portal' }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'portal' }],
    currentContext: 'sim',
  });
  const portalKubeconfig = join(dir, `portal-${pods}-${rate}.kubeconfig`);
  await writeFile(portalKubeconfig, narrowed.exportConfig(), { mode: 0o600 });
  const httpUrl = url.replace(/^https:/, 'http:');
  const adminToken = user.token!;
  return {
    pid: child.pid!,
    httpUrl,
    adminToken,
    portalKubeconfig,
    async watches() {
      const res = await fetch(`${httpUrl}/sim/faults/watches`, { headers: { Authorization: `Bearer ${adminToken}` } });
      return ((await res.json()) as { open: number }).open;
    },
    async setRate(rate: number) {
      const res = await fetch(`${httpUrl}/sim/faults/churn`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ rate }) });
      if (!res.ok) throw new Error(`could not set the churn rate: ${res.status} ${await res.text()}`);
    },
    stop: () => stopChild(child),
  };
}

export interface PortalProcess {
  pid: number;
  url: string;
  /** `Cookie` header of a signed-in demo user. */
  cookie: string;
  startMs: number;
  stop(): Promise<void>;
  portal: Portal;
}

/** The portal as `npm start` runs it (production build), on the simulator, with the caps a benchmark must lift. */
export async function startPortalOn(sim: SimProcess, env: Record<string, string> = {}): Promise<PortalProcess> {
  const t = performance.now();
  const portal = await startPortal({
    KUBECONFIG: sim.portalKubeconfig,
    CROWSNEST_DEMO: '0',
    CROWSNEST_WATCH_PER_USER_LIMIT: '0',
    CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    // As `npm start` runs it (and the start-up line is an info line).
    CROWSNEST_LOG_LEVEL: 'info',
    ...env,
  });
  track(portal.process);
  const startMs = performance.now() - t;
  const jar = await signInAs(portal.url, 'alice');
  return {
    pid: portal.process.pid!,
    url: portal.url,
    cookie: jar.header(),
    startMs,
    portal,
    async stop() {
      await portal.stop('SIGTERM');
    },
  };
}

/**
 * One watch on the simulator recording when each change was written (its stamp):
 * the ground truth of what every stream should have received.
 */
export class ReferenceWatch {
  private stamps: number[] = [];
  private deletions: number[] = [];
  private request?: http.ClientRequest;

  static async open(sim: SimProcess): Promise<ReferenceWatch> {
    const ref = new ReferenceWatch();
    await new Promise<void>((resolve, reject) => {
      ref.request = http.get(`${sim.httpUrl}/api/v1/pods?watch=1&resourceVersion=0&timeoutSeconds=3600`, { headers: { Authorization: `Bearer ${sim.adminToken}` } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`reference watch: ${res.statusCode}`));
        resolve();
        const parser = new LineParser();
        res.on('data', (chunk: Buffer) =>
          parser.push(chunk, (line) => {
            const type = watchTypeOf(line);
            // A deletion carries no stamp of its own: when it arrived here stands in for when it was written.
            if (type === 'DELETED') ref.deletions.push(nowMicros());
            if (type !== 'ADDED' && type !== 'MODIFIED') return;
            const stamp = stampOf(line);
            if (stamp !== undefined) ref.stamps.push(stamp);
          }),
        );
        res.on('error', () => undefined);
      });
      ref.request.on('error', reject);
    });
    return ref;
  }

  /** Every change written in [from, to], deletions included: the load the simulator actually applied. */
  writtenIn(from: number, to: number): number {
    let n = this.countIn(from, to);
    for (const d of this.deletions) if (d >= from && d <= to) n++;
    return n;
  }

  /** Stamped changes written in [from, to]. */
  countIn(from: number, to: number): number {
    let n = 0;
    for (const s of this.stamps) if (s >= from && s <= to) n++;
    return n;
  }

  close(): void {
    this.request?.destroy();
  }
}

/** Load-client processes, each holding a share of the streams. */
export class LoadClients {
  private constructor(private readonly procs: ChildProcess[]) {}

  static start(count: number): LoadClients {
    const procs = Array.from({ length: count }, () =>
      track(fork(join(root, 'bench', 'loadClient.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })),
    );
    return new LoadClients(procs);
  }

  get pids(): number[] {
    return this.procs.map((p) => p.pid!);
  }

  private ask<T extends Reply>(proc: ChildProcess, cmd: Command, type: T['type'], timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.off('message', onMessage);
        reject(new Error(`a load client did not answer "${cmd.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (reply: Reply) => {
        if (reply.type !== type) return;
        clearTimeout(timer);
        proc.off('message', onMessage);
        resolve(reply as T);
      };
      proc.on('message', onMessage);
      proc.send(cmd);
    });
  }

  /** Opens `streams` more streams, shared out evenly. */
  open(cmd: Omit<OpenCommand, 'type'>): void {
    this.procs.forEach((proc, i) => {
      const share = Math.floor(cmd.streams / this.procs.length) + (i < cmd.streams % this.procs.length ? 1 : 0);
      if (share > 0) proc.send({ ...cmd, type: 'open', streams: share } satisfies Command);
    });
  }

  window(from: number, to: number): void {
    for (const proc of this.procs) proc.send({ type: 'window', from, to } satisfies Command);
  }

  async progress(caughtUpAt?: number): Promise<Progress> {
    const all = await Promise.all(this.procs.map((p) => this.ask<Progress>(p, { type: 'progress', caughtUpAt }, 'progress')));
    const sum = (k: keyof Omit<Progress, 'type'>) => all.reduce((n, p) => n + p[k], 0);
    return { type: 'progress', requested: sum('requested'), open: sum('open'), synced: sum('synced'), failed: sum('failed'), ended: sum('ended'), caughtUp: sum('caughtUp') };
  }

  reports(): Promise<Report[]> {
    return Promise.all(this.procs.map((p) => this.ask<Report>(p, { type: 'report' }, 'report', 60_000)));
  }

  usage(): Usage {
    return this.pids.map(usageOf).reduce((a, b) => ({ cpu: a.cpu + b.cpu, rss: a.rss + b.rss }), { cpu: 0, rss: 0 });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(async (proc) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        proc.send({ type: 'close' } satisfies Command);
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** Prometheus text → the value of each unlabelled (or first-labelled) sample, summed per name. */
export async function scrape(url: string): Promise<{ ms: number; values: Map<string, number> }> {
  const t = performance.now();
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const ms = performance.now() - t;
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) values.set(m[1], (values.get(m[1]) ?? 0) + Number(m[2]));
  }
  return { ms, values };
}
