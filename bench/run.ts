/**
 * `npm run bench [-- --quick]`: the fan-out benchmark, with real processes — the
 * simulated cluster (`large:<pods>` with stamped churn), the portal as `npm start`
 * runs it, and load-client processes reading SSE over TCP — against the naive
 * baseline (each client its own LIST+WATCH on the apiserver), plus idle-stream
 * memory, cold sync of a large cluster and (full run) the browser.
 *
 * Writes bench/results/<date>.json (quick: <date>-quick.json), latest.json and
 * latest.svg, and prints a summary. Every scenario is bounded in time; the run
 * stops itself, and kills what it started, even when something fails.
 * `npm run bench -- --browser-only` runs only the browser point (see browser-only.ts).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { browserPoint, type BrowserPoint } from './browser';
import { browserOnly } from './browser-only';
import { socketFloor } from './floor';
import { fleetHop } from './fleet';
import { yardPoint } from './yard';
import { stopAll } from './processes';
import { capacity, chart, compare, table, type BenchReport } from './report';
import { coldSync, fanout, idle, overload, type ColdSyncPoint, type FanoutPoint, type IdlePoint, type Settings } from './scenarios';

interface Plan {
  rates: number[];
  /** Rates the naive baseline runs at (each point of it is compared with Crowsnest's at the same streams and rate). */
  naiveRates: number[];
  streams: number[];
  naiveStreams: number[];
  idleStreams: number[];
  coldPods: number[];
  browser: boolean;
  /** Past saturation: [streams, first rate, highest rate]; the rate doubles until a window saturates, then once more. */
  overload: [number, number, number] | null;
  /** The fleet's Redis hop: [changes/s, streams, replicas], or null. */
  fleet: [number, number, number] | null;
  /** The Yard: points of [people, moves/s each, replicas]. */
  yard: Array<[number, number, number]> | null;
  settings: Omit<Settings, 'dir' | 'log'>;
  /** The whole run is stopped after this long, whatever it is doing. */
  limitSeconds: number;
}

const quick = process.argv.includes('--quick');
/** `--fleet`: only the fleet's Redis hop (about a minute). */
const fleetOnly = process.argv.includes('--fleet');
/** `--yard`: only the Yard (100 people moving krates; about a minute). */
const yardOnly = process.argv.includes('--yard');
/** `--overload`: only the overload step of the full run, and the 1,000 × 200/s point (about 5 minutes). */
const overloadOnly = process.argv.includes('--overload');
type Mode = 'quick' | 'full' | 'fleet' | 'yard' | 'overload';
const mode: Mode = fleetOnly ? 'fleet' : yardOnly ? 'yard' : overloadOnly ? 'overload' : quick ? 'quick' : 'full';
const plans: Record<Mode, Plan> = {
  overload: {
    rates: [200],
    naiveRates: [],
    streams: [1000],
    naiveStreams: [],
    idleStreams: [],
    coldPods: [],
    browser: false,
    overload: [5000, 400, 3200],
    fleet: null,
    yard: null,
    settings: { clients: 2, pods: 200, windowSeconds: 10, drainSeconds: 10, openSeconds: 90 },
    limitSeconds: 15 * 60,
  },
  yard: {
    rates: [],
    naiveRates: [],
    streams: [],
    naiveStreams: [],
    idleStreams: [],
    coldPods: [],
    browser: false,
    overload: null,
    fleet: null,
    yard: [[30, 2, 2], [100, 2, 2]],
    settings: { clients: 2, pods: 10, windowSeconds: 20, drainSeconds: 3, openSeconds: 30 },
    limitSeconds: 300,
  },
  fleet: {
    rates: [],
    naiveRates: [],
    streams: [],
    naiveStreams: [],
    idleStreams: [],
    coldPods: [],
    browser: false,
    overload: null,
    fleet: [1000, 30, 3],
    yard: null,
    settings: { clients: 2, pods: 2000, windowSeconds: 5, drainSeconds: 5, openSeconds: 30 },
    limitSeconds: 300,
  },
  quick: {
    rates: [20, 200],
    naiveRates: [20, 200],
    streams: [100, 1000],
    naiveStreams: [100, 1000],
    idleStreams: [1000],
    coldPods: [10_000],
    browser: false,
    overload: null,
    fleet: null,
    yard: null,
    settings: { clients: 2, pods: 200, windowSeconds: 3, drainSeconds: 2, openSeconds: 12 },
    limitSeconds: 150,
  },
  full: {
    rates: [20, 200],
    naiveRates: [20, 200],
    streams: [100, 1000, 5000],
    naiveStreams: [100, 1000, 5000],
    idleStreams: [1000, 5000],
    coldPods: [10_000, 150_000],
    browser: true,
    overload: [5000, 400, 3200],
    fleet: [1000, 30, 3],
    yard: [[30, 2, 2], [100, 2, 2]],
    settings: { clients: 2, pods: 200, windowSeconds: 10, drainSeconds: 10, openSeconds: 90 },
    limitSeconds: 40 * 60,
  },
};

async function main(): Promise<void> {
  const plan = plans[mode];
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'crowsnest-bench-'));
  const log = (line: string) => console.log(line);
  const s: Settings = { ...plan.settings, dir, log };
  const report: BenchReport = {
    date: new Date().toISOString(),
    mode,
    durationSeconds: 0,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      os: `${platform()} ${release()}`,
      loadBefore: Math.round(loadavg()[0] * 100) / 100,
    },
    load: {
      clientProcesses: s.clients,
      pods: s.pods,
      windowSeconds: s.windowSeconds,
      drainSeconds: s.drainSeconds,
      note: 'portal, simulator, load clients and this orchestrator share the machine; churn is large-scenario pod changes (60 % modified, 20 % added, 20 % deleted), written every 10 ms and stamped at the write; latency is measured on added and modified rows',
    },
    fanout: [],
    comparisons: [],
    capacity: null,
    overload: null,
    idle: [],
    coldSync: [],
    browser: [],
    fleet: [],
    yard: [],
    errors: [],
  };
  const fanoutPoints: FanoutPoint[] = report.fanout;
  const step = async <T>(name: string, run: () => Promise<T>, into: T[] | ((v: T) => void)) => {
    log(`▶ ${name}`);
    const t = performance.now();
    try {
      const v = await run();
      if (Array.isArray(into)) into.push(v);
      else into(v);
      log(`  (${Math.round((performance.now() - t) / 100) / 10} s)`);
    } catch (err) {
      const message = `${name}: ${(err as Error).message.split('\n')[0]}`;
      log(`  ✖ ${message}`);
      report.errors.push(message);
      stopAll();
    }
  };

  const ulimit = fdLimit();
  const biggest = Math.max(...plan.streams, ...plan.naiveStreams, ...plan.idleStreams);
  if (ulimit < biggest + 1024) log(`note: the open-file limit (${ulimit}) is low for ${biggest} streams; raise it with \`ulimit -n ${biggest * 2 + 2048}\``);

  const limit = setTimeout(() => {
    console.error(`the benchmark ran over its limit of ${plan.limitSeconds} s: stopping`);
    report.errors.push(`stopped after ${plan.limitSeconds} s`);
    finish(report, started, dir);
    stopAll();
    process.exit(1);
  }, plan.limitSeconds * 1000);

  // What a socket write costs here: the floor under every fan-out figure that follows.
  if (plan.streams.length > 0) {
    await step('the socket floor: 1,000 loopback sockets written 1 KiB each, 100 times', () => socketFloor(1000), (v) => {
      report.floor = v;
      log(`    a write costs ${v.writeMicros} µs: one pass over ${v.sockets} streams is ${v.passMs} ms of system calls`);
    });
  }
  if (plan.streams.length > 0) await step(`crowsnest, ${plan.streams.join('/')} streams × ${plan.rates.join('/')} changes/s`, () => fanout('crowsnest', plan.streams, plan.rates, s), (v) => fanoutPoints.push(...v));
  if (plan.naiveStreams.length > 0) await step(`naive baseline, ${plan.naiveStreams.join('/')} clients × ${plan.naiveRates.join('/')} changes/s`, () => fanout('naive', plan.naiveStreams, plan.naiveRates, s), (v) => fanoutPoints.push(...v));
  if (plan.overload) {
    const [streams, from, to] = plan.overload;
    await step(`overload, ${streams} streams, the rate doubled from ${from}/s until saturated, then twice that`, () => overload(streams, from, to, s), (v) => (report.overload = v));
  }
  for (const n of plan.idleStreams) await step(`idle streams, ${n}`, () => idle(n, s), report.idle as IdlePoint[]);
  for (const pods of plan.coldPods) await step(`cold sync, ${pods} pods`, () => coldSync(pods, s), report.coldSync as ColdSyncPoint[]);
  if (plan.browser) await step('browser, 10,000 pods × 1,000 changes/s', () => browserPoint(10_000, 1000, 10, s), report.browser as BrowserPoint[]);
  if (plan.fleet) {
    const [rate, streams, replicas] = plan.fleet;
    await step(`fleet, ${replicas} replicas through Redis against one, ${streams} streams × ${rate} changes/s`, () => fleetHop(rate, streams, replicas, { ...s, pods: fleetOnly ? s.pods : 2000 }), report.fleet);
  }

  for (const [people, rate, replicas] of plan.yard ?? []) {
    await step(`yard, ${people} people × ${rate} moves/s on ${replicas} replicas through Redis`, () => yardPoint(people, replicas, rate, s), (v) => (report.yard ??= []).push(v));
  }

  clearTimeout(limit);
  finish(report, started, dir);
  stopAll();
  process.exit(report.errors.length ? 1 : 0);
}

function finish(report: BenchReport, started: number, dir: string): void {
  report.durationSeconds = Math.round((performance.now() - started) / 1000);
  report.machine.loadAfter = Math.round(loadavg()[0] * 100) / 100;
  report.comparisons = compare(report.fanout);
  report.capacity = capacity(report.fanout);
  const results = join(import.meta.dirname, 'results');
  mkdirSync(results, { recursive: true });
  const name = `${report.date.slice(0, 10)}${report.mode === 'full' ? '' : `-${report.mode}`}`;
  const json = JSON.stringify(report, null, 2) + '\n';
  writeFileSync(join(results, `${name}.json`), json);
  // A run of one part (fleet, Yard, overload) leaves the latest fan-out figures and their chart alone.
  if (report.mode === 'full' || report.mode === 'quick') {
    writeFileSync(join(results, 'latest.json'), json);
    const svg = chart(report);
    writeFileSync(join(results, `${name}.svg`), svg);
    writeFileSync(join(results, 'latest.svg'), svg);
  }
  rmSync(dir, { recursive: true, force: true });
  const wrote = report.mode !== 'full' && report.mode !== 'quick' ? `bench/results/${name}.json` : `bench/results/${name}.json and .svg (also latest.json, latest.svg)`;
  console.log(`\n${table(report)}\n\nwrote ${wrote} in ${report.durationSeconds} s`);
}

function fdLimit(): number {
  const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m ? Number(m[1]) : Infinity;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAll();
    process.exit(130);
  });
}

(process.argv.includes('--browser-only') ? browserOnly().then(() => stopAll()) : main()).catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
