/**
 * `npm run bench`: measures the live data plane at 10,000 pods against the
 * simulated cluster, in process, and writes bench/results/latest.json and
 * bench/results/latest.svg. Figures are for comparing runs on one machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { kindByToken } from '../lib/kinds';
import { isVisible } from '../server/live/view';
import { Informer } from '../server/live/informer';
import { KindMirror } from '../server/live/kindMirror';
import { MemoryDeltaBus } from '../server/live/deltaBus';
import { sseEvent } from '../server/live/sse';
import { startSimulator } from '../sim/index';

const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const CHURN = Number(process.env.BENCH_CHURN ?? 500);
const here = dirname(fileURLToPath(import.meta.url));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main() {
  const results: Record<string, number> = {};
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;

  let t = performance.now();
  const sim = await startSimulator({ port: 0, scenario: `large:${PODS}`, controllers: false });
  results.simSeedMs = performance.now() - t;

  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  kc.setCurrentContext('admin');
  const pods = kindByToken('pods')!;
  const bus = new MemoryDeltaBus();
  const mirror = new KindMirror('pods', 'none', 5000);
  const lags: number[] = [];
  bus.subscribe('bench/pods', (m) => {
    if (m.type === 'reset') mirror.reset(m.epoch, m.seq, m.rows);
    else {
      mirror.apply(m.delta, m.at);
      lags.push(Date.now() - m.at);
    }
  });
  const controller = new AbortController();
  const informer = new Informer({ kubeConfig: kc, kind: pods, mode: 'watch', bus, topic: 'bench/pods', cluster: 'bench' });

  global.gc?.();
  const heapBeforeInformer = process.memoryUsage().heapUsed;
  t = performance.now();
  void informer.run(controller.signal);
  await mirror.whenSynced();
  results.informerFirstSyncMs = performance.now() - t;
  results.rows = mirror.size;
  global.gc?.();
  results.mirrorAndInformerHeapMB = (process.memoryUsage().heapUsed - heapBeforeInformer) / 1024 / 1024;

  const view = { kind: pods, namespaces: null, selector: [], errors: [], empty: false };
  t = performance.now();
  const items = [...mirror.all()].filter((row) => isVisible(view, row));
  const body = sseEvent('snapshot', { kind: 'pods', items });
  results.snapshotBuildMs = performance.now() - t;
  results.snapshotBytes = Buffer.byteLength(body);

  // Churn: modify pods straight in the simulator's store; measure delivery through watch → informer → mirror.
  const seqBefore = mirror.position.seq;
  const list = sim.store.list('/pods').slice(0, CHURN);
  t = performance.now();
  for (const [i, pod] of list.entries()) {
    sim.store.update('/pods', { ...pod, metadata: { ...pod.metadata, labels: { ...(pod.metadata.labels ?? {}), bench: String(i) } } });
  }
  await until(() => mirror.position.seq - seqBefore >= list.length, 30_000, 'the churn to arrive');
  results.churnDeltas = list.length;
  results.churnDeliveredPerSecond = list.length / ((performance.now() - t) / 1000);
  lags.sort((a, b) => a - b);
  results.informerToMirrorLagP50Ms = lags[Math.floor(lags.length * 0.5)] ?? 0;
  results.informerToMirrorLagP99Ms = lags[Math.floor(lags.length * 0.99)] ?? 0;
  global.gc?.();
  results.totalHeapMB = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

  controller.abort();
  await sim.close();

  const rounded = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  const report = { date: new Date().toISOString(), node: process.version, pods: PODS, results: rounded };
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'latest.svg'), chart(rounded));
  console.log(JSON.stringify(report, null, 2));
}

/** A plain horizontal bar chart of the timings, for people to look at. */
function chart(results: Record<string, number>): string {
  const bars = Object.entries(results).filter(([k]) => k.endsWith('Ms'));
  const max = Math.max(...bars.map(([, v]) => v), 1);
  const rows = bars
    .map(([k, v], i) => {
      const y = 30 + i * 28;
      const w = Math.max(1, (v / max) * 420);
      return `<text x="10" y="${y + 14}" font-size="13">${k}</text><rect x="230" y="${y}" width="${w}" height="18" fill="#3b82f6"/><text x="${236 + w}" y="${y + 14}" font-size="13">${v} ms</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${50 + bars.length * 28}" font-family="sans-serif"><text x="10" y="18" font-size="14" font-weight="bold">Crowsnest live data plane, ${PODS} pods</text>${rows}</svg>\n`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
