/**
 * The Yard under load: `people` real yard clients (socket.io + Yjs, in worker
 * threads) on one yard, split over `replicas` replicas sharing Redis, each
 * moving their own krate `rate` times a second. Measured: the time from a
 * person's move to its arrival at everyone else (same replica and across
 * replicas through Redis), what arrived of what should have, and the CPU the
 * replicas spent. Every person gets every move from the portal; four of them
 * (observers, two per replica) apply and time them as a browser would.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { startRedis } from '../tests/support/redis';
import { Histogram, type HistogramData } from './histogram';
import { startPortalOn, startSim, usageOf, type PortalProcess } from './processes';
import { round, type Latency, type Settings } from './scenarios';

export interface YardPoint {
  people: number;
  replicas: number;
  rate: number;
  windowSeconds: number;
  /** Moves made; how many of them reached the observers (each sees everyone's but its own); messages every other person was sent. */
  moves: number;
  observers: number;
  delivered: number;
  expected: number;
  fannedOut: number;
  lagMs: { all: Latency; sameReplica: Latency; crossReplica: Latency };
  /** CPU of each replica during the window, % of one core. */
  replicaCpuPercent: number[];
  errors: string[];
}

const WORKERS = 4;
/** People who apply everything and time it (the rest only move: see yardWorker.ts). */
const OBSERVERS = 4;
/** A worker thread runs TypeScript through tsx's loader, registered in the thread itself. */
const BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./yardWorker.ts', import.meta.url).href)}); });`;

function latency(h: Histogram): Latency {
  const ms = (v: number) => round(v / 1000);
  return { p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean()), count: h.count };
}

export async function yardPoint(people: number, replicas: number, rate: number, s: Settings): Promise<YardPoint> {
  const sim = await startSim(s.dir, 10, 0);
  const redis = await startRedis();
  const portals: PortalProcess[] = [];
  const workers: Worker[] = [];
  try {
    const env = {
      REDIS_URL: redis.url,
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      CROWSNEST_YARDS: 'bench=platform-admins',
      // Everyone signs in as the same demo person here: the per-person caps are lifted.
      CROWSNEST_SOCKETS_PER_USER: '0',
      CROWSNEST_YARD_UPDATES_PER_SECOND: '10000',
      CROWSNEST_YARD_MAX_KRATES: String(people + 10),
    };
    portals.push(...(await Promise.all(Array.from({ length: replicas }, () => startPortalOn(sim, env)))));
    const everyone = Array.from({ length: people }, (_, i) => ({ url: portals[i % replicas].url, cookie: portals[i % replicas].cookie, krate: `krate-${i}`, replica: i % replicas, observer: i < OBSERVERS }));
    const all = everyone.map((p) => [p.krate, p.replica] as [string, number]);
    const messages: Array<(m: { kind: string; [k: string]: unknown }) => void> = [];
    for (let w = 0; w < WORKERS; w++) {
      const share = everyone.filter((_, i) => i % WORKERS === w);
      const worker = new Worker(BOOT, { eval: true, workerData: { people: share, yard: 'bench', rate, cluster: 'sim', all } });
      workers.push(worker);
      worker.on('message', (m: { kind: string }) => messages[w]?.(m));
    }
    const next = (w: number) => new Promise<{ kind: string; [k: string]: unknown }>((resolve) => (messages[w] = resolve));
    const ready = await Promise.all(workers.map((_, w) => next(w)));
    const failed = ready.find((m) => m.kind === 'failed');
    if (failed) throw new Error(`a load worker could not join the yard: ${String(failed.message)}`);
    s.log(`    ${people} people joined, on ${replicas} replicas`);

    const before = portals.map((p) => usageOf(p.pid));
    const started = performance.now();
    workers.forEach((w) => w.postMessage('go'));
    await new Promise((r) => setTimeout(r, s.windowSeconds * 1000));
    workers.forEach((w) => w.postMessage('stop'));
    const seconds = (performance.now() - started) / 1000;
    const cpu = portals.map((p, i) => round(((usageOf(p.pid).cpu - before[i].cpu) / seconds) * 100));
    // Late arrivals still count; then the figures.
    await new Promise((r) => setTimeout(r, s.drainSeconds * 1000));
    const reports = await Promise.all(
      workers.map((w, i) => {
        const answer = next(i);
        w.postMessage('report');
        return answer as unknown as Promise<{ same: HistogramData; cross: HistogramData; sent: number; received: number; dropped: number; errors: string[] }>;
      }),
    );
    const same = new Histogram();
    const cross = new Histogram();
    for (const r of reports) {
      same.merge(r.same);
      cross.merge(r.cross);
    }
    const moves = reports.reduce((n, r) => n + r.sent, 0);
    const both = new Histogram().merge(same).merge(cross);
    const point: YardPoint = {
      people,
      replicas,
      rate,
      windowSeconds: round(seconds),
      moves,
      observers: OBSERVERS,
      delivered: reports.reduce((n, r) => n + r.received, 0),
      // Each observer sees every move but its own (observers move too).
      expected: moves * OBSERVERS - Math.round((moves / people) * OBSERVERS),
      fannedOut: reports.reduce((n, r) => n + r.dropped, 0),
      lagMs: { all: latency(both), sameReplica: latency(same), crossReplica: latency(cross) },
      replicaCpuPercent: cpu,
      errors: [...new Set(reports.flatMap((r) => r.errors))],
    };
    s.log(
      `    ${people} people × ${rate} moves/s on ${replicas} replicas: sync lag p50 ${point.lagMs.all.p50} ms, p99 ${point.lagMs.all.p99} ms (across replicas p50 ${point.lagMs.crossReplica.p50}, p99 ${point.lagMs.crossReplica.p99}); ${point.delivered}/${point.expected} delivered; replica CPU ${cpu.join(' %, ')} %`,
    );
    return point;
  } finally {
    for (const w of workers) w.postMessage('close');
    await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
    await Promise.all(portals.map((p) => p.stop()));
    await sim.stop();
    await redis.stop();
  }
}
