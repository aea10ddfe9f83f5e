/** The benchmark's outputs: the JSON report, its chart (SVG, drawn by hand) and a summary table. */
import type { FleetPoint } from './fleet';
import type { YardPoint } from './yard';
import type { BrowserPoint } from './browser';
import type { SocketFloor } from './floor';
import type { ColdSyncPoint, FanoutPoint, IdlePoint, OverloadResult } from './scenarios';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average before the run (other work on the machine) and after. */
  loadBefore: number;
  loadAfter?: number;
}

export interface Comparison {
  streams: number;
  rate: number;
  /** naive ÷ crowsnest for each measure: above 1, the naive baseline costs more (or is slower). */
  naiveOverCrowsnest: {
    apiserverWatches: number;
    apiserverCpu: number;
    /** Portal plus apiserver (crowsnest) against the apiserver alone (naive). */
    serverCpu: number;
    serverRss: number;
    latencyP50: number;
    latencyP99: number;
  };
  /** Crowsnest carried a load the naive baseline could not, or its latency was at least as good, p50 and p99. */
  crowsnestAtLeastAsGood: boolean;
}

export interface BenchReport {
  date: string;
  mode: 'quick' | 'full' | 'fleet' | 'yard' | 'overload';
  durationSeconds: number;
  machine: Machine;
  /** What one write to a loopback socket costs on this machine (absent in runs before it was measured). */
  floor?: SocketFloor;
  load: { clientProcesses: number; pods: number; windowSeconds: number; drainSeconds: number; note: string };
  fanout: FanoutPoint[];
  comparisons: Comparison[];
  /** Largest delivery (frames/s, all streams) while not saturated, and where. */
  capacity: { framesPerSecond: number; streams: number; rate: number } | null;
  /** Past saturation: the saturating rate, and the portal under twice that. */
  overload?: OverloadResult | null;
  idle: IdlePoint[];
  coldSync: ColdSyncPoint[];
  browser: BrowserPoint[];
  /** One replica alone against a fleet sharing informers through Redis, at the same load. */
  fleet: FleetPoint[];
  /** People on one yard moving krates, across replicas through Redis. */
  yard?: YardPoint[];
  errors: string[];
}

const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? Math.round((a / b) * 100) / 100 : NaN);

export function compare(points: FanoutPoint[]): Comparison[] {
  const out: Comparison[] = [];
  for (const c of points.filter((p) => p.engine === 'crowsnest')) {
    const n = points.find((p) => p.engine === 'naive' && p.streams === c.streams && p.rate === c.rate);
    if (!n) continue;
    const latencyP50 = ratio(n.latencyMs.p50, c.latencyMs.p50);
    const latencyP99 = ratio(n.latencyMs.p99, c.latencyMs.p99);
    out.push({
      streams: c.streams,
      rate: c.rate,
      naiveOverCrowsnest: {
        apiserverWatches: ratio(n.apiserverWatches, c.apiserverWatches),
        apiserverCpu: ratio(n.cpuCores.apiserver, c.cpuCores.apiserver),
        serverCpu: ratio(n.cpuCores.apiserver, c.cpuCores.apiserver + c.cpuCores.portal),
        serverRss: ratio(n.rssMiB.apiserver, c.rssMiB.apiserver + c.rssMiB.portal),
        latencyP50,
        latencyP99,
      },
      // A baseline that did not carry the load (its apiserver fell behind the rate asked, say) is beaten by
      // one that did, whatever the latency of the little it delivered.
      crowsnestAtLeastAsGood: (n.saturated && !c.saturated) || (latencyP50 >= 1 && latencyP99 >= 1 && (!c.saturated || n.saturated)),
    });
  }
  return out;
}

export function capacity(points: FanoutPoint[]): BenchReport['capacity'] {
  const ok = points.filter((p) => p.engine === 'crowsnest' && !p.saturated);
  // (Saturated points include those where not every stream opened: their frames/s is not the capacity at that count.)
  if (ok.length === 0) return null;
  const best = ok.reduce((a, b) => (b.framesPerSecond > a.framesPerSecond ? b : a));
  return { framesPerSecond: best.framesPerSecond, streams: best.streams, rate: best.rate };
}

const pad = (v: unknown, n: number) => String(v).padStart(n);

export function table(r: BenchReport): string {
  const lines = [
    `Crowsnest bench (${r.mode}), ${r.date} — ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load ${r.machine.loadBefore} before; ${r.load.pods} pods, ${r.load.clientProcesses} client processes, ${r.load.windowSeconds} s windows`,
    ...(r.floor
      ? [
          ` floor: a write to a loopback socket costs ${r.floor.writeMicros} µs here: a pass bringing changes to ${r.floor.sockets} streams is ${r.floor.passMs} ms of system calls, so 100 passes a second (a change then waits 5 ms for its pass, and half a pass in it) are ${Math.round(r.floor.passMs * 100) / 1000} cores before any other work, and the clients read as often`,
        ]
      : []),
    '',
    ' engine    streams  rate/s  written/s   p50 ms   p99 ms  delivered  frames/s  watches  portal cpu/MiB  apiserver cpu/MiB  saturated',
  ];
  for (const p of r.fanout) {
    lines.push(
      ` ${p.engine.padEnd(9)} ${pad(p.streams, 7)} ${pad(p.rate, 7)} ${pad(p.writtenPerSecond ?? '', 10)} ${pad(p.latencyMs.p50, 8)} ${pad(p.latencyMs.p99, 8)} ${pad(`${Math.round(p.deliveredRatio * 1000) / 10}%`, 10)} ${pad(p.framesPerSecond, 9)} ${pad(p.apiserverWatches, 8)} ${pad(`${p.cpuCores.portal}/${p.rssMiB.portal}`, 15)} ${pad(`${p.cpuCores.apiserver}/${p.rssMiB.apiserver}`, 18)}  ${p.saturated ? 'yes' : 'no'}`,
    );
  }
  if (r.comparisons.length) {
    lines.push('', ' naive ÷ crowsnest   watches  apiserver cpu  server cpu  server rss  p50    p99    crowsnest ≥ naive');
    for (const c of r.comparisons) {
      const x = c.naiveOverCrowsnest;
      lines.push(` ${pad(`${c.streams}×${c.rate}/s`, 17)} ${pad(x.apiserverWatches, 9)} ${pad(x.apiserverCpu, 14)} ${pad(x.serverCpu, 11)} ${pad(x.serverRss, 10)} ${pad(x.latencyP50, 6)} ${pad(x.latencyP99, 6)}  ${c.crowsnestAtLeastAsGood ? 'yes' : 'no'}`);
    }
  }
  if (r.capacity) lines.push('', ` capacity before saturation: ${r.capacity.framesPerSecond} frames/s (${r.capacity.streams} streams × ${r.capacity.rate}/s)`);
  const o = r.overload;
  if (o?.double && o.verdict) {
    const d = o.double;
    const ok = (v: boolean) => (v ? 'ok' : 'MISSED');
    lines.push(
      ` overload: ${o.streams} streams saturate at ${o.saturatingRate}/s (${o.ramp.at(-1)?.saturation.join('; ')}); at ${d.rate}/s: loop stall ${d.eventLoopMaxMs} ms (${ok(o.verdict.eventLoopUnder100ms)}), /healthz ${d.healthzMaxMs} ms (${ok(o.verdict.healthzUnder1s)}), /metrics ${d.metricsMaxMs} ms (${ok(o.verdict.metricsUnder1s)}), ${(d.shedOverloaded ?? 0) + (d.shedLate ?? 0)} shed as overloaded (${d.shedLate ?? 0} of them too late) and ${(d.droppedSlow ?? 0) + (d.droppedOverBudget ?? 0)} cut as too far behind (${ok(o.verdict.shedVisibly)}), informer ${d.informerDeltasPerSecond} of ${d.writtenPerSecond} changes/s (${ok(o.verdict.informerKeptUp)}), portal ${o.portalRssMiB.opened} → ${o.portalRssMiB.end} MiB`,
    );
  } else if (o) lines.push(` overload: ${o.streams} streams did not saturate up to ${o.ramp.at(-1)?.rate}/s`);
  for (const i of r.idle) lines.push(` idle: ${i.open} streams, ${i.rssPerStreamKiB} KiB RSS per stream (heap ${i.heapPerStreamKiB} KiB)${i.metricsScrapeMs !== undefined ? `, a /metrics scrape ${i.metricsScrapeMs} ms` : ''}`);
  for (const c of r.coldSync) lines.push(` cold sync: ${c.pods} pods, first snapshot ${c.firstSnapshotSeconds} s (warm ${c.warmSnapshotSeconds} s), ${c.snapshotMiB} MiB, portal ${c.portalRssMiB} MiB RSS`);
  for (const b of r.browser) lines.push(` browser: ${b.pods} pods × ${b.rate}/s, first rows ${b.firstRowsMs} ms (on the portal's first demand for the kind: ${b.firstRowsColdMs} ms), longest task ${b.longestTaskMs} ms (${b.longTasks} over 50 ms in ${b.seconds} s)`);
  for (const y of r.yard ?? []) {
    lines.push(
      ` yard: ${y.people} people × ${y.rate} moves/s on ${y.replicas} replicas; sync lag p50/p99 ${y.lagMs.all.p50}/${y.lagMs.all.p99} ms (same replica ${y.lagMs.sameReplica.p50}/${y.lagMs.sameReplica.p99}, across replicas ${y.lagMs.crossReplica.p50}/${y.lagMs.crossReplica.p99}), delivered ${y.delivered}/${y.expected}, replica CPU ${y.replicaCpuPercent.join(' %, ')} %${y.errors.length ? `, errors: ${y.errors.join('; ')}` : ''}`,
    );
  }
  for (const f of r.fleet ?? []) {
    lines.push(
      ` fleet: ${f.streams} streams × ${f.rate}/s; one replica p50/p99 ${f.single.latencyMs.p50}/${f.single.latencyMs.p99} ms, ${f.replicas} replicas through Redis ${f.fleet.latencyMs.p50}/${f.fleet.latencyMs.p99} ms (the hop adds ${f.hopMs.p50}/${f.hopMs.p99} ms to the clients' latency${f.hopMeasuredMs ? `; the hop itself p50 ≤ ${f.hopMeasuredMs.p50} ms, p99 ≤ ${f.hopMeasuredMs.p99} ms` : ''}), delivered ${Math.round(f.fleet.deliveredRatio * 1000) / 10}%, ${f.fleet.apiserverWatches} apiserver watches`,
    );
  }
  for (const e of r.errors) lines.push(` error: ${e}`);
  return lines.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Latency p50/p99 against streams (log-log), one panel per rate, Crowsnest and naive; and memory per idle stream. */
export function chart(r: BenchReport): string {
  const rates = [...new Set(r.fanout.map((p) => p.rate))].sort((a, b) => a - b);
  const W = 360;
  const H = 260;
  const M = { l: 56, r: 16, t: 48, b: 44 };
  const counts = [...new Set(r.fanout.map((p) => p.streams))].sort((a, b) => a - b);
  const lat = r.fanout.flatMap((p) => [p.latencyMs.p50, p.latencyMs.p99]).filter((v) => Number.isFinite(v) && v > 0);
  const yMin = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...lat, 1))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...lat, 100)));
  const xMin = Math.min(...counts, 100) / 1.5;
  const xMax = Math.max(...counts, 1000) * 1.5;
  const x = (v: number) => M.l + ((Math.log10(v) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (W - M.l - M.r);
  const y = (v: number) => M.t + (1 - (Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - M.t - M.b);
  const colors = { crowsnest: '#2563eb', naive: '#ea580c' };
  const panels = rates.map((rate, i) => {
    const ox = i * W;
    let g = `<g transform="translate(${ox},0)"><text x="${M.l}" y="30" font-size="13" font-weight="bold">${rate} changes/s: latency vs streams</text>`;
    for (let v = yMin; v <= yMax; v *= 10) g += `<line x1="${M.l}" x2="${W - M.r}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/><text x="${M.l - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`;
    for (const n of counts) g += `<line x1="${x(n)}" x2="${x(n)}" y1="${M.t}" y2="${H - M.b}" stroke="#f3f4f6"/><text x="${x(n)}" y="${H - M.b + 16}" font-size="11" text-anchor="middle">${n}</text>`;
    g += `<text x="${(M.l + W - M.r) / 2}" y="${H - 8}" font-size="11" text-anchor="middle">streams</text>`;
    for (const v of [10, 50]) if (v > yMin && v < yMax) g += `<line x1="${M.l}" x2="${W - M.r}" y1="${y(v)}" y2="${y(v)}" stroke="#16a34a" stroke-dasharray="2 3"/><text x="${W - M.r}" y="${y(v) - 3}" font-size="10" fill="#16a34a" text-anchor="end">target ${v === 10 ? 'p50' : 'p99'} ${v} ms</text>`;
    for (const engine of ['crowsnest', 'naive'] as const) {
      const pts = r.fanout.filter((p) => p.engine === engine && p.rate === rate).sort((a, b) => a.streams - b.streams);
      for (const [q, dash] of [['p50', ''], ['p99', '5 4']] as const) {
        const xy = pts.filter((p) => Number.isFinite(p.latencyMs[q])).map((p) => `${x(p.streams).toFixed(1)},${y(p.latencyMs[q]).toFixed(1)}`);
        if (xy.length) g += `<polyline points="${xy.join(' ')}" fill="none" stroke="${colors[engine]}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ''}/>`;
        for (const p of pts) {
          if (!Number.isFinite(p.latencyMs[q])) {
            // Nothing of the window arrived in time: marked at the top, off the scale.
            if (q === 'p50') g += `<text x="${x(p.streams)}" y="${M.t + 4}" font-size="14" fill="#dc2626" text-anchor="middle">×<title>${esc(`${engine} ${p.streams}×${p.rate}/s: ${p.saturation.join('; ')}`)}</title></text>`;
            continue;
          }
          g += `<circle cx="${x(p.streams)}" cy="${y(p.latencyMs[q])}" r="3" fill="${colors[engine]}"/>`;
          if (p.saturated) g += `<circle cx="${x(p.streams)}" cy="${y(p.latencyMs[q])}" r="7" fill="none" stroke="#dc2626" stroke-width="1.5"><title>${esc(`${engine} ${p.streams}×${p.rate}/s saturated: ${p.saturation.join('; ')}`)}</title></circle>`;
        }
      }
    }
    return g + '</g>';
  });
  // Memory per idle stream.
  const ox = rates.length * W;
  const maxKiB = Math.max(25, ...r.idle.map((i) => i.rssPerStreamKiB)) * 1.15;
  let mem = `<g transform="translate(${ox},0)"><text x="${M.l}" y="30" font-size="13" font-weight="bold">Portal RSS per idle stream</text>`;
  const bw = 50;
  const yk = (v: number) => H - M.b - (v / maxKiB) * (H - M.t - M.b);
  mem += `<line x1="${M.l}" x2="${M.l + 220}" y1="${yk(20)}" y2="${yk(20)}" stroke="#16a34a" stroke-dasharray="2 3"/><text x="${M.l + 220}" y="${yk(20) - 3}" font-size="10" fill="#16a34a" text-anchor="end">target 20 KiB</text>`;
  r.idle.forEach((i, k) => {
    const bx = M.l + 20 + k * (bw + 30);
    mem += `<rect x="${bx}" y="${yk(i.rssPerStreamKiB)}" width="${bw}" height="${H - M.b - yk(i.rssPerStreamKiB)}" fill="#2563eb"/><text x="${bx + bw / 2}" y="${yk(i.rssPerStreamKiB) - 4}" font-size="11" text-anchor="middle">${i.rssPerStreamKiB} KiB</text><text x="${bx + bw / 2}" y="${H - M.b + 16}" font-size="11" text-anchor="middle">${i.open} streams</text>`;
  });
  mem += `<line x1="${M.l}" x2="${M.l + 220}" y1="${H - M.b}" y2="${H - M.b}" stroke="#9ca3af"/></g>`;
  const width = (rates.length + 1) * W;
  const legend = `<g font-size="11"><line x1="10" x2="30" y1="${H + 14}" y2="${H + 14}" stroke="${colors.crowsnest}" stroke-width="2"/><text x="34" y="${H + 18}">Crowsnest p50</text><line x1="120" x2="140" y1="${H + 14}" y2="${H + 14}" stroke="${colors.crowsnest}" stroke-width="2" stroke-dasharray="5 4"/><text x="144" y="${H + 18}">Crowsnest p99</text><line x1="230" x2="250" y1="${H + 14}" y2="${H + 14}" stroke="${colors.naive}" stroke-width="2"/><text x="254" y="${H + 18}">naive p50</text><line x1="320" x2="340" y1="${H + 14}" y2="${H + 14}" stroke="${colors.naive}" stroke-width="2" stroke-dasharray="5 4"/><text x="344" y="${H + 18}">naive p99</text><circle cx="420" cy="${H + 14}" r="7" fill="none" stroke="#dc2626" stroke-width="1.5"/><text x="432" y="${H + 18}">saturated</text><text x="510" y="${H + 18}" fill="#dc2626">×</text><text x="522" y="${H + 18}">nothing delivered in time</text></g>`;
  const title = `<text x="10" y="16" font-size="12" fill="#4b5563">${esc(`npm run bench${r.mode === 'quick' ? ' -- --quick' : ''}, ${r.date.slice(0, 10)}: ${r.machine.cpus} cores, ${r.machine.memoryGiB} GiB, node ${r.machine.node}, load ${r.machine.loadBefore}→${r.machine.loadAfter ?? '?'}; ${r.load.pods} pods`)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 30}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${title}${panels.join('')}${mem}${legend}</svg>\n`;
}
