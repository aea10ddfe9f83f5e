/**
 * The benchmark's scenarios, each with real processes and a bounded duration:
 * fan-out (N streams × a churn rate, Crowsnest and the naive baseline), idle
 * streams' memory, and cold sync of a large cluster.
 */
import { loadavg } from 'node:os';
import { Histogram } from './histogram';
import { LoadClients, nowMicros, ReferenceWatch, scrape, startPortalOn, startSim, usageOf, type PortalProcess, type SimProcess, type Usage } from './processes';
import type { Report } from './protocol';

export interface Settings {
  dir: string;
  /** Load-client processes. */
  clients: number;
  /** Pods in the cluster the fan-out and idle scenarios watch (every stream gets them all in its snapshot). */
  pods: number;
  /** Seconds of measured changes per point. */
  windowSeconds: number;
  /** Seconds to wait after the window for late frames before counting them missing. */
  drainSeconds: number;
  /** Seconds the streams of a point may take to open and get their snapshot. */
  openSeconds: number;
  log: (line: string) => void;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  count: number;
}

export interface FanoutPoint {
  engine: 'crowsnest' | 'naive';
  streams: number;
  rate: number;
  pods: number;
  /** Streams open (200) during the window, and opens refused or failed. */
  open: number;
  failed: number;
  /** ms from the simulator's write to the client's read of stamped changes made during the window. */
  latencyMs: Latency;
  /** Stamped changes the simulator wrote during the window: what each stream should get. */
  expectedPerStream: number;
  /**
   * Changes per second the simulator wrote during the window, deletions included: the load
   * applied. Under 90 % of the rate asked means the apiserver could not keep up with its
   * watchers (the naive baseline's cost lands there), and the point is saturated.
   */
  writtenPerSecond: number;
  /** Fraction of expected frames delivered (all streams), and for the worst stream. */
  deliveredRatio: number;
  slowestStreamRatio: number;
  missing: number;
  /** Sequence numbers skipped inside a stream (Crowsnest only). */
  seqGaps: number;
  /** Frames (of any kind) and megabytes received per second while the window was open, all streams together. */
  framesPerSecond: number;
  megabytesPerSecond: number;
  /** Watches open on the apiserver (the simulator), less the benchmark's own reference watch. */
  apiserverWatches: number;
  /** Cores used during the window (1 = one core busy), and resident memory at its end, MiB. */
  cpuCores: { portal: number; apiserver: number; clients: number };
  rssMiB: { portal: number; apiserver: number; clients: number };
  /** Longest event-loop stall of the portal during the window (prom-client's monitor), ms; null when /metrics never answered. */
  eventLoopMaxMs: number | null;
  /** Slowest answer of `/healthz` (portal; naive: the apiserver's) and `/metrics` during the window, ms. */
  healthzMaxMs: number;
  metricsMaxMs: number | null;
  /** How streams ended during the point: `done` reasons, and connections cut without one. */
  done: Record<string, number>;
  endedWithoutDone: number;
  /** The portal's own counts of streams it dropped during the point. */
  droppedSlow: number | null;
  droppedOverBudget: number | null;
  /** Streams the portal told to reconnect (`done`: overloaded) because its event loop fell behind, up to just after the window. */
  shedOverloaded: number | null;
  /** Streams told to reconnect (`done`: overloaded) because the changes for their client waited too long, over the same span. */
  shedLate?: number | null;
  /** Deltas the portal's informers published per second over the window (all kinds): against writtenPerSecond, whether they kept up. */
  informerDeltasPerSecond: number | null;
  /** Not keeping up: the load not applied, not every stream opened and synced, under 99 % of changes delivered after the drain, or p99 over 1 s. */
  saturated: boolean;
  /** Which of those, in words. */
  saturation: string[];
  /** Time for all streams of the point to open and get their snapshot (or LIST), s. */
  openSeconds: number;
  /** The machine's 1-minute load average at the end of the window (other work on it shows here). */
  machineLoad: number;
}

export interface IdlePoint {
  streams: number;
  pods: number;
  open: number;
  /** Portal RSS growth per open idle stream, KiB, and its JS heap growth per stream. */
  rssPerStreamKiB: number;
  heapPerStreamKiB: number | null;
  portalRssMiB: { before: number; after: number };
  openSeconds: number;
  /** Median time to answer a `/metrics` scrape with the streams open, ms (absent in runs before it was measured). */
  metricsScrapeMs?: number;
}

export interface ColdSyncPoint {
  pods: number;
  /** Simulator seeding and start (its own process), s. */
  simStartSeconds: number;
  portalStartSeconds: number;
  /** First stream asked → its snapshot fully read (informer LIST, mirror, snapshot, transfer), s. */
  firstSnapshotSeconds: number;
  /** Times the stream was refused (503, not loaded yet) and asked again before it got its snapshot. */
  refusedFirst: number;
  /** A second stream once the informer is warm, s. */
  warmSnapshotSeconds: number;
  snapshotMiB: number;
  portalRssMiB: number;
  apiserverRssMiB: number;
}

const MiB = 1024 * 1024;
export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function latencyOf(h: Histogram): Latency {
  const ms = (v: number) => round(v / 1000, 2);
  return { p50: ms(h.percentile(50)), p90: ms(h.percentile(90)), p99: ms(h.percentile(99)), max: ms(h.count ? h.max : NaN), mean: ms(h.mean()), count: h.count };
}

/** Waits until every requested stream is open and synced, or failed, or the time is up. */
export async function openAll(clients: LoadClients, total: number, seconds: number, log: Settings['log']): Promise<number> {
  const t = performance.now();
  const deadline = t + seconds * 1000;
  for (;;) {
    const p = await clients.progress();
    if (p.synced + p.failed >= total && p.requested >= total) break;
    if (performance.now() > deadline) {
      log(`    ${p.synced}/${total} synced, ${p.failed} failed, ${p.ended} ended: gave up waiting after ${seconds} s`);
      break;
    }
    await sleep(200);
  }
  return (performance.now() - t) / 1000;
}

/** After a change of rate: waits until every open stream gets changes written from now on (at most `seconds`), so a window does not measure the last one's backlog. */
export async function settle(clients: LoadClients, seconds: number): Promise<void> {
  const since = nowMicros() + 300_000;
  const until = performance.now() + seconds * 1000;
  await sleep(300);
  for (;;) {
    const p = await clients.progress(since);
    if (p.caughtUp >= p.open - p.ended || performance.now() > until) return;
    await sleep(200);
  }
}

/** Polls `/healthz` (and the portal's `/metrics`) until stopped; keeps the slowest answers and the longest event-loop stall. */
function probe(healthUrl: string, metricsUrl: string | null) {
  let stop = false;
  const out = { healthzMaxMs: 0, metricsMaxMs: 0, eventLoopMaxMs: 0, droppedSlow: 0, droppedOverBudget: 0, scrapes: 0 };
  const health = (async () => {
    while (!stop) {
      const t = performance.now();
      await fetch(healthUrl, { signal: AbortSignal.timeout(10_000) })
        .then((r) => r.text())
        .catch(() => undefined);
      out.healthzMaxMs = Math.max(out.healthzMaxMs, performance.now() - t);
      await sleep(250);
    }
  })();
  const metrics = (async () => {
    while (metricsUrl && !stop) {
      const t = performance.now();
      const m = await scrape(metricsUrl).catch(() => undefined);
      // No answer (10 s timeout) counts as that slow.
      out.metricsMaxMs = Math.max(out.metricsMaxMs, performance.now() - t);
      if (m) {
        out.scrapes++;
        out.eventLoopMaxMs = Math.max(out.eventLoopMaxMs, (m.values.get('crowsnest_process_nodejs_eventloop_lag_max_seconds') ?? 0) * 1000);
        out.droppedSlow = m.values.get('crowsnest_stream_dropped_slow_total') ?? 0;
        out.droppedOverBudget = m.values.get('crowsnest_stream_dropped_over_budget_total') ?? 0;
      }
      await sleep(1000);
    }
  })();
  return {
    async stop() {
      stop = true;
      await Promise.all([health, metrics]);
      return out;
    },
  };
}

export interface Rig {
  engine: 'crowsnest' | 'naive';
  sim: SimProcess;
  portal?: PortalProcess;
  clients: LoadClients;
  ref: ReferenceWatch;
  rate: number;
  pods: number;
}

/** Opens more streams, up to `streams` in all; resolves when they are open and synced, or the time is up. */
async function openUpTo(rig: Rig, streams: number, already: number, s: Settings): Promise<number> {
  const { sim, portal, clients } = rig;
  if (rig.engine === 'crowsnest') {
    clients.open({ mode: 'sse', url: `${portal!.url}/api/clusters/sim/pods/watch`, headers: { Cookie: portal!.cookie }, streams: streams - already, concurrency: 32 });
  } else {
    clients.open({ mode: 'watch', url: sim.httpUrl, headers: { Authorization: `Bearer ${sim.adminToken}` }, streams: streams - already, concurrency: 16 });
  }
  return openAll(clients, streams, s.openSeconds, s.log);
}

/** Measures one window of changes at the current rate, on the streams open now. */
export async function point(rig: Rig, streams: number, openSeconds: number, s: Settings): Promise<FanoutPoint> {
  const { sim, portal, clients, ref } = rig;
  // Counters before: the portal's drops, and a scrape that resets its event-loop maximum.
  const before = portal ? await scrape(portal.url).catch(() => undefined) : undefined;
  const scrapedBefore = performance.now();
  const synced = (await clients.progress()).synced;
  const probing = probe(`${portal?.url ?? sim.httpUrl}/healthz`, portal?.url ?? null);
  const from = nowMicros() + 100_000;
  const to = from + s.windowSeconds * 1e6;
  clients.window(from, to);
  await sleep((from - nowMicros()) / 1000);
  const u0 = { portal: usageOf(portal?.pid), sim: usageOf(sim.pid), clients: clients.usage() };
  const t0 = performance.now();
  await sleep(s.windowSeconds * 1000);
  const u1 = { portal: usageOf(portal?.pid), sim: usageOf(sim.pid), clients: clients.usage() };
  const wall = (performance.now() - t0) / 1000;
  // The informer's own count of deltas over the window: did it keep up with what the apiserver wrote?
  const after = portal ? await scrape(portal.url).catch(() => undefined) : undefined;
  const informer =
    before && after ? round(((after.values.get('crowsnest_deltas_total') ?? 0) - (before.values.get('crowsnest_deltas_total') ?? 0)) / ((performance.now() - scrapedBefore) / 1000), 0) : null;
  const watches = (await sim.watches().catch(() => NaN)) - 1;
  // Let late frames arrive: until every open stream has seen a change written after the window, or the drain time is up.
  const drainUntil = performance.now() + s.drainSeconds * 1000;
  for (;;) {
    const p = await clients.progress(to);
    if (p.caughtUp >= p.open - p.ended || performance.now() > drainUntil) break;
    await sleep(200);
  }
  const probed = await probing.stop();
  const reports = await clients.reports();
  return summarise(rig, streams, synced, reports, ref.countIn(from, to), ref.writtenIn(from, to), { u0, u1, wall }, watches, probed, before?.values, openSeconds, s, informer, after?.values);
}

function summarise(
  rig: Rig,
  streams: number,
  synced: number,
  reports: Report[],
  expected: number,
  written: number,
  usage: { u0: Record<'portal' | 'sim' | 'clients', Usage>; u1: Record<'portal' | 'sim' | 'clients', Usage>; wall: number },
  watches: number,
  probed: { healthzMaxMs: number; metricsMaxMs: number; eventLoopMaxMs: number; droppedSlow: number; droppedOverBudget: number; scrapes: number },
  before: Map<string, number> | undefined,
  openSeconds: number,
  s: Settings,
  informerDeltasPerSecond: number | null = null,
  after?: Map<string, number>,
): FanoutPoint {
  const latency = new Histogram();
  const perStream: number[] = [];
  const done: Record<string, number> = {};
  let frames = 0;
  let bytes = 0;
  let seqGaps = 0;
  let endedWithoutDone = 0;
  let failed = 0;
  for (const r of reports) {
    latency.merge(r.latency);
    perStream.push(...r.perStream);
    frames += r.framesInWindow;
    bytes += r.bytesInWindow;
    seqGaps += r.seqGaps;
    endedWithoutDone += r.endedWithoutDone;
    for (const [k, v] of Object.entries(r.done)) done[k] = (done[k] ?? 0) + v;
    for (const v of Object.values(r.refused)) failed += v;
  }
  const delivered = perStream.reduce((a, b) => a + Math.min(b, expected), 0);
  const want = expected * perStream.length;
  const deliveredRatio = want > 0 ? delivered / want : NaN;
  const slowest = perStream.length && expected > 0 ? Math.min(...perStream) / expected : NaN;
  const cores = (k: 'portal' | 'sim' | 'clients') => round((usage.u1[k].cpu - usage.u0[k].cpu) / usage.wall, 2);
  const rss = (k: 'portal' | 'sim' | 'clients') => round(usage.u1[k].rss / MiB, 1);
  const saturation: string[] = [];
  const writtenPerSecond = written / s.windowSeconds;
  if (writtenPerSecond < 0.9 * rig.rate) saturation.push(`the apiserver wrote ${round(writtenPerSecond, 0)} of the ${rig.rate} changes/s asked`);
  if (synced < streams) saturation.push(`only ${synced} of ${streams} streams opened and synced within ${s.openSeconds} s`);
  if (!(deliveredRatio >= 0.99)) saturation.push(`${round(deliveredRatio * 100, 1)} % of changes delivered within ${s.drainSeconds} s after the window`);
  if (latency.percentile(99) > 1_000_000) saturation.push('p99 latency over 1 s');
  // Unknown (null) when /metrics never answered during the window.
  const known = rig.portal && probed.scrapes > 0;
  const counter = (name: string, now: number) => (known && before ? round(now - (before.get(name) ?? 0), 0) : null);
  return {
    engine: rig.engine,
    streams,
    rate: rig.rate,
    pods: rig.pods,
    open: perStream.length,
    failed,
    latencyMs: latencyOf(latency),
    expectedPerStream: expected,
    writtenPerSecond: round(writtenPerSecond, 0),
    deliveredRatio: round(deliveredRatio, 4),
    slowestStreamRatio: round(slowest, 4),
    missing: want - delivered,
    seqGaps,
    framesPerSecond: round(frames / s.windowSeconds, 0),
    megabytesPerSecond: round(bytes / MiB / s.windowSeconds, 1),
    apiserverWatches: watches,
    cpuCores: { portal: cores('portal'), apiserver: cores('sim'), clients: cores('clients') },
    rssMiB: { portal: rss('portal'), apiserver: rss('sim'), clients: rss('clients') },
    eventLoopMaxMs: known ? round(probed.eventLoopMaxMs, 1) : null,
    healthzMaxMs: round(probed.healthzMaxMs, 1),
    metricsMaxMs: rig.portal ? round(probed.metricsMaxMs, 1) : null,
    done,
    endedWithoutDone,
    droppedSlow: counter('crowsnest_stream_dropped_slow_total', probed.droppedSlow),
    droppedOverBudget: counter('crowsnest_stream_dropped_over_budget_total', probed.droppedOverBudget),
    shedOverloaded: before && after ? round((after.get('crowsnest_stream_shed_overloaded_total') ?? 0) - (before.get('crowsnest_stream_shed_overloaded_total') ?? 0), 0) : null,
    shedLate: before && after ? round((after.get('crowsnest_stream_shed_late_total') ?? 0) - (before.get('crowsnest_stream_shed_late_total') ?? 0), 0) : null,
    informerDeltasPerSecond,
    saturated: saturation.length > 0,
    saturation,
    openSeconds: round(openSeconds, 1),
    machineLoad: round(loadavg()[0], 2),
  };
}

function describe(p: FanoutPoint): string {
  const sat = p.saturated ? ` SATURATED: ${p.saturation.join('; ')}` : '';
  return `    ${p.engine} ${p.streams}×${p.rate}/s: p50 ${p.latencyMs.p50} ms, p99 ${p.latencyMs.p99} ms, ${p.framesPerSecond} frames/s, portal ${p.cpuCores.portal} cores ${p.rssMiB.portal} MiB, apiserver ${p.cpuCores.apiserver} cores, ${p.apiserverWatches} watches${sat}`;
}

/**
 * Streams added step by step (`counts` ascending) to one portal, or (naive) to
 * the apiserver directly; at each step, one window per churn rate. Streams open
 * while the churn is paused, so what a window measures is delivery alone. Every
 * process is stopped at the end.
 */
export async function fanout(engine: 'crowsnest' | 'naive', counts: number[], rates: number[], s: Settings): Promise<FanoutPoint[]> {
  const points: FanoutPoint[] = [];
  const sim = await startSim(s.dir, s.pods, 0);
  let portal: PortalProcess | undefined;
  let clients: LoadClients | undefined;
  let ref: ReferenceWatch | undefined;
  try {
    if (engine === 'crowsnest') portal = await startPortalOn(sim);
    ref = await ReferenceWatch.open(sim);
    clients = LoadClients.start(s.clients);
    let already = 0;
    for (const streams of counts) {
      await sim.setRate(0);
      const rig = { engine, sim, portal, clients, ref, rate: 0, pods: s.pods };
      const openSeconds = await openUpTo(rig, streams, already, s);
      already = streams;
      for (const rate of rates) {
        await sim.setRate(rate);
        await settle(clients, s.drainSeconds);
        const p = await point({ ...rig, rate }, streams, openSeconds, s);
        s.log(describe(p));
        points.push(p);
      }
    }
  } finally {
    ref?.close();
    await clients?.close();
    await portal?.stop();
    await sim.stop();
  }
  return points;
}

export interface OverloadResult {
  streams: number;
  /** Windows at doubling rates until one saturated: that rate is the saturating load. */
  ramp: FanoutPoint[];
  saturatingRate: number | null;
  /** One window at twice the saturating rate. */
  double: FanoutPoint | null;
  /** Portal RSS once the streams had opened, and at the end of the doubled load, MiB. */
  portalRssMiB: { opened: number; end: number | null };
  /** The targets under twice the saturating load; null when nothing saturated up to the highest rate tried. */
  verdict: { eventLoopUnder100ms: boolean; healthzUnder1s: boolean; metricsUnder1s: boolean; shedVisibly: boolean; informerKeptUp: boolean } | null;
}

/**
 * The portal past its limit: `streams` streams, the churn doubled from `startRate`
 * until a window saturates (at most `maxRate`), then one window at twice that
 * rate. What counts there is that the portal stays responsive and sheds: its
 * event loop, `/healthz` and `/metrics`, streams told to reconnect, its informer
 * against the apiserver, and its memory. Streams shed in one window are opened
 * again before the next (a window counts only the streams open when it began).
 */
export async function overload(streams: number, startRate: number, maxRate: number, s: Settings): Promise<OverloadResult> {
  const sim = await startSim(s.dir, s.pods, 0);
  let portal: PortalProcess | undefined;
  let clients: LoadClients | undefined;
  let ref: ReferenceWatch | undefined;
  try {
    portal = await startPortalOn(sim);
    ref = await ReferenceWatch.open(sim);
    clients = LoadClients.start(s.clients);
    const rig: Rig = { engine: 'crowsnest', sim, portal, clients, ref, rate: 0, pods: s.pods };
    const openSeconds = await openUpTo(rig, streams, 0, s);
    const opened = usageOf(portal.pid).rss / MiB;
    const out: OverloadResult = { streams, ramp: [], saturatingRate: null, double: null, portalRssMiB: { opened: round(opened, 1), end: null }, verdict: null };
    const run = async (rate: number) => {
      // Streams shed in the window before are opened again (as their browsers would reconnect): each window starts with all of them.
      const now = await clients!.progress();
      const missing = streams - (now.open - now.ended);
      if (missing > 0) {
        await sim.setRate(0);
        clients!.open({ mode: 'sse', url: `${portal!.url}/api/clusters/sim/pods/watch`, headers: { Cookie: portal!.cookie }, streams: missing, concurrency: 32 });
        await openAll(clients!, now.requested + missing, s.openSeconds, s.log);
      }
      await sim.setRate(rate);
      await settle(clients!, s.drainSeconds);
      const p = await point({ ...rig, rate }, streams, openSeconds, s);
      s.log(`${describe(p)}; loop ${p.eventLoopMaxMs} ms, /healthz ${p.healthzMaxMs} ms, /metrics ${p.metricsMaxMs} ms, shed ${p.shedOverloaded}+${p.shedLate ?? 0} (loop+late), dropped ${p.droppedSlow}+${p.droppedOverBudget}, informer ${p.informerDeltasPerSecond} of ${p.writtenPerSecond} changes/s`);
      return p;
    };
    for (let rate = startRate; rate <= maxRate; rate *= 2) {
      const p = await run(rate);
      out.ramp.push(p);
      if (p.saturated) {
        out.saturatingRate = rate;
        break;
      }
    }
    if (out.saturatingRate === null) return out;
    const d = await run(out.saturatingRate * 2);
    out.double = d;
    out.portalRssMiB.end = d.rssMiB.portal;
    out.verdict = {
      eventLoopUnder100ms: d.eventLoopMaxMs !== null && d.eventLoopMaxMs <= 100,
      healthzUnder1s: d.healthzMaxMs <= 1000,
      metricsUnder1s: d.metricsMaxMs !== null && d.metricsMaxMs <= 1000,
      shedVisibly: (d.shedOverloaded ?? 0) + (d.shedLate ?? 0) + (d.droppedSlow ?? 0) + (d.droppedOverBudget ?? 0) > 0,
      informerKeptUp: d.informerDeltasPerSecond !== null && d.informerDeltasPerSecond >= 0.95 * d.writtenPerSecond,
    };
    return out;
  } finally {
    ref?.close();
    await clients?.close();
    await portal?.stop();
    await sim.stop();
  }
}

/** Portal memory per idle stream: `streams` streams that get their snapshot and then nothing but heartbeats. */
export async function idle(streams: number, s: Settings): Promise<IdlePoint> {
  const sim = await startSim(s.dir, s.pods, 0);
  let portal: PortalProcess | undefined;
  let clients: LoadClients | undefined;
  try {
    portal = await startPortalOn(sim);
    clients = LoadClients.start(s.clients);
    const sse = { mode: 'sse' as const, url: `${portal.url}/api/clusters/sim/pods/watch`, headers: { Cookie: portal.cookie }, concurrency: 32 };
    // One stream first, so the informer, the mirror and the routes are warm before the baseline.
    clients.open({ ...sse, streams: 1 });
    await openAll(clients, 1, s.openSeconds, s.log);
    await sleep(1000);
    const heap = async () => (await scrape(portal!.url).catch(() => undefined))?.values.get('crowsnest_process_nodejs_heap_size_used_bytes');
    const rss0 = usageOf(portal.pid).rss;
    const heap0 = await heap();
    clients.open({ ...sse, streams });
    const openSeconds = await openAll(clients, streams + 1, s.openSeconds, s.log);
    await sleep(2000);
    const rss1 = usageOf(portal.pid).rss;
    const heap1 = await heap();
    // What one Prometheus scrape costs with this many streams open (the event loop serves nothing else meanwhile).
    const scrapes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      await scrape(portal.url).catch(() => undefined);
      scrapes.push(performance.now() - t);
    }
    scrapes.sort((a, b) => a - b);
    const p = await clients.progress();
    const open = p.open - p.ended - 1;
    const point: IdlePoint = {
      streams,
      pods: s.pods,
      open,
      rssPerStreamKiB: round((rss1 - rss0) / 1024 / Math.max(1, open), 1),
      heapPerStreamKiB: heap0 !== undefined && heap1 !== undefined ? round((heap1 - heap0) / 1024 / Math.max(1, open), 1) : null,
      portalRssMiB: { before: round(rss0 / MiB, 1), after: round(rss1 / MiB, 1) },
      openSeconds: round(openSeconds, 1),
      metricsScrapeMs: round(scrapes[3], 1),
    };
    s.log(`    ${open} idle streams: ${point.rssPerStreamKiB} KiB RSS each (heap ${point.heapPerStreamKiB} KiB), portal ${point.portalRssMiB.before} → ${point.portalRssMiB.after} MiB; a /metrics scrape ${point.metricsScrapeMs} ms`);
    return point;
  } finally {
    await clients?.close();
    await portal?.stop();
    await sim.stop();
  }
}

/** A cluster of `pods` pods, nothing running yet: how long until the first person sees the list. */
export async function coldSync(pods: number, s: Settings): Promise<ColdSyncPoint> {
  let t = performance.now();
  const sim = await startSim(s.dir, pods, 0);
  const simStartSeconds = (performance.now() - t) / 1000;
  let portal: PortalProcess | undefined;
  let clients: LoadClients | undefined;
  try {
    portal = await startPortalOn(sim);
    clients = LoadClients.start(1);
    const sse = { mode: 'sse' as const, url: `${portal.url}/api/clusters/sim/pods/watch`, headers: { Cookie: portal.cookie }, concurrency: 1 };
    // As a browser would: a stream refused while the informer is still listing (503, Retry-After: 2) is asked again.
    t = performance.now();
    const deadline = t + Math.max(120, s.openSeconds * 4) * 1000;
    let attempts = 0;
    for (;;) {
      attempts++;
      clients.open({ ...sse, streams: 1 });
      await openAll(clients, attempts, Math.max(60, s.openSeconds * 4), s.log);
      if ((await clients.progress()).synced > 0 || performance.now() > deadline) break;
      await sleep(2000);
    }
    const firstSnapshotSeconds = (performance.now() - t) / 1000;
    const [first] = await clients.reports();
    t = performance.now();
    clients.open({ ...sse, streams: 1 });
    await openAll(clients, attempts + 1, Math.max(60, s.openSeconds * 4), s.log);
    const warmSnapshotSeconds = (performance.now() - t) / 1000;
    const point: ColdSyncPoint = {
      pods,
      simStartSeconds: round(simStartSeconds, 2),
      portalStartSeconds: round(portal.startMs / 1000, 2),
      firstSnapshotSeconds: round(firstSnapshotSeconds, 2),
      refusedFirst: attempts - 1,
      warmSnapshotSeconds: round(warmSnapshotSeconds, 2),
      snapshotMiB: round(first.snapshotBytes / MiB, 2),
      portalRssMiB: round(usageOf(portal.pid).rss / MiB, 1),
      apiserverRssMiB: round(usageOf(sim.pid).rss / MiB, 1),
    };
    s.log(`    ${pods} pods: first snapshot in ${point.firstSnapshotSeconds} s after ${point.refusedFirst} refusals (warm ${point.warmSnapshotSeconds} s), ${point.snapshotMiB} MiB, portal ${point.portalRssMiB} MiB`);
    return point;
  } finally {
    await clients?.close();
    await portal?.stop();
    await sim.stop();
  }
}
