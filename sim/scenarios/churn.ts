/**
 * Ongoing change, so a scenario stays alive after seeding.
 *
 * - `large:<pods>` with `churn` N > 0: N changes per second, spread evenly (every
 *   10 ms, owed by the clock), about 60 % pod modifications (restart counts, readiness flips), 20 %
 *   creations and 20 % deletions. Each change is O(1): the churner keeps its own
 *   list of live pod numbers and never scans the store. With `stamp`, every pod it
 *   creates or modifies carries the label `bench.crowsnest/t` = the wall-clock time
 *   of the write in microseconds since the epoch, so a client downstream can measure
 *   how long the change took to reach it (processes on one machine share the clock).
 * - `demo` (unless `churn` is 0, or controllers are off): now and then a rollout
 *   restart of a deployment (every ~3 min) and a pod dying (every ~90 s); the
 *   controllers do the rest. Scaled by clockSpeed.
 */
import type { Store } from '../store';
import type { KubeObject } from '../types';
import { parseScenario } from './index';
import { largePod } from './large';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export interface ChurnOptions {
  rate?: number;
  clockSpeed?: number;
  controllers?: boolean;
  /** Label every created or modified pod with the time of the write (`large` only). */
  stamp?: boolean;
}

/** The label a stamped change carries: microseconds since the epoch, when the simulator wrote it. */
export const CHURN_STAMP_LABEL = 'bench.crowsnest/t';

/** Now, in whole microseconds since the epoch (high resolution, on the shared wall clock). */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function stamped(p: KubeObject): KubeObject {
  return { ...p, metadata: { ...p.metadata, labels: { ...(p.metadata.labels ?? {}), [CHURN_STAMP_LABEL]: String(nowMicros()) } } };
}

function every(signal: AbortSignal, ms: number, fn: () => void): void {
  const t = setInterval(() => {
    if (!signal.aborted) fn();
  }, ms);
  t.unref?.();
  signal.addEventListener('abort', () => clearInterval(t));
}

/** A deterministic sequence, so a benchmark run is repeatable. */
function sequence(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** Changes the churn rate of a running `large` scenario (changes per second; 0 pauses it). */
export type SetChurnRate = (rate: number) => void;

/** Starts the scenario's churn; for `large`, returns how to change its rate while it runs. */
export function startChurn(scenario: string, store: Store, signal: AbortSignal, opts: ChurnOptions = {}): SetChurnRate | undefined {
  const s = parseScenario(scenario);
  if (s.kind === 'demo' && opts.rate !== 0 && opts.controllers !== false) demoChurn(store, signal, opts.clockSpeed ?? 1);
  if (s.kind !== 'large') return undefined;
  let rate = opts.rate ?? 0;
  let running = false;
  const start = () => {
    running = true;
    largeChurn(store, signal, s.pods, rate, () => rate, opts.stamp === true);
  };
  if (rate > 0) start();
  return (next) => {
    rate = Math.max(0, next);
    if (rate > 0 && !running) start();
  };
}

/** How often the large scenario's churn writes its changes. */
const CHURN_TICK_MS = 10;

function largeChurn(store: Store, signal: AbortSignal, pods: number, seed: number, currentRate: () => number, stamp: boolean): void {
  const mark = stamp ? stamped : (p: KubeObject) => p;
  const alive: number[] = Array.from({ length: pods }, (_, i) => i);
  let next = pods;
  let owed = 0;
  const random = sequence(pods * 7919 + seed);
  const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const nameOf = (i: number) => largePod(i, created).metadata;
  // Changes spread over small ticks, as a busy cluster's arrive (a burst of a tenth of a second's worth at once
  // would measure the burst, not the path a change takes).
  // What is owed follows the clock, not the count of ticks: a timer that fires late (a busy process)
  // writes what the late time owes, so the rate asked is the rate written while the process can keep up.
  let last = performance.now();
  every(signal, CHURN_TICK_MS, () => {
    const now = performance.now();
    // At most a second's worth at once: a process that cannot keep up writes less, and the shortfall shows.
    owed = Math.min(owed + (currentRate() * (now - last)) / 1000, Math.max(1, currentRate()));
    last = now;
    for (; owed >= 1; owed--) {
      const roll = random();
      if (roll < 0.2 || alive.length === 0) {
        const i = next++;
        store.create('/pods', mark(largePod(i, new Date().toISOString().replace(/\.\d+Z$/, 'Z'))));
        alive.push(i);
      } else if (roll < 0.4) {
        const at = Math.floor(random() * alive.length);
        const i = alive[at];
        alive[at] = alive[alive.length - 1];
        alive.pop();
        const m = nameOf(i);
        store.delete('/pods', m.namespace, m.name!);
      } else {
        const i = alive[Math.floor(random() * alive.length)];
        const m = nameOf(i);
        const p = store.get('/pods', m.namespace, m.name!);
        if (p) store.update('/pods', mark(modified(p, random())));
      }
    }
  });
}

/** A pod with a small status change: a container restart or a readiness flip. */
function modified(p: KubeObject, roll: number): KubeObject {
  const status: Obj = structuredClone(p.status ?? {});
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const c = status.containerStatuses?.[0];
  if (c && roll < 0.5) {
    c.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: c.state?.running?.startedAt ?? now, finishedAt: now } };
    c.restartCount = (c.restartCount ?? 0) + 1;
    c.state = { running: { startedAt: now } };
  } else {
    const ready = status.conditions?.find((x: Obj) => x.type === 'Ready');
    if (ready) {
      ready.status = ready.status === 'True' ? 'False' : 'True';
      ready.lastTransitionTime = now;
      if (c) c.ready = ready.status === 'True';
    }
  }
  return { ...p, metadata: { ...p.metadata }, status };
}

const ROLLOUT_MS = 180_000;
const POD_DEATH_MS = 90_000;

function demoChurn(store: Store, signal: AbortSignal, speed: number): void {
  const random = sequence(Date.now());
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(random() * xs.length)];
  every(signal, Math.max(50, ROLLOUT_MS / speed), () => {
    const steady = store.list('apps/deployments').filter((d) => !JSON.stringify((d.spec as Obj)?.template ?? {}).includes('crashloop'));
    const d = pick(steady);
    if (!d) return;
    const spec = structuredClone(d.spec as Obj);
    spec.template.metadata ??= {};
    spec.template.metadata.annotations = { ...(spec.template.metadata.annotations ?? {}), 'kubectl.kubernetes.io/restartedAt': new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    store.update('apps/deployments', { ...d, metadata: { ...d.metadata, generation: (d.metadata.generation ?? 1) + 1 }, spec });
  });
  every(signal, Math.max(50, POD_DEATH_MS / speed), () => {
    const victims = store.list('/pods').filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet' && (p.status as Obj)?.phase === 'Running');
    const p = pick(victims);
    if (p) store.delete('/pods', p.metadata.namespace, p.metadata.name!);
  });
}
