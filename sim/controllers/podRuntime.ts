/**
 * What runs inside a simulated pod: each container's behaviour (chosen by its image,
 * command or SIM_BEHAVIOUR env, see README.md), its current and previous run, its
 * restart count, and the pure functions that turn that state into `pod.status`.
 *
 * Read API for other parts of the simulator (logs, exec):
 *
 *   containerRuns(store, namespace, pod, container) → { current?: Run; previous?: Run }
 *
 * `current` is the container's latest run (running, or finished and not restarted
 * yet); `previous` the run before it (what `kubectl logs --previous` shows). Pods the
 * kubelet does not drive (seeded with a ready-made status) are answered from their
 * status. Unknown pod or container → `{}`.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store';
import type { KubeObject } from '../types';
import { nowIso, PODS, type Obj } from './runtime';

export interface Run {
  /** containerd://…, as in containerStatuses[].containerID. */
  id: string;
  startedAt: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
}

export type Behaviour = 'run' | 'complete' | 'fail' | 'crashloop' | 'oom' | 'imagepullbackoff';

/** Simulated milliseconds (divided by clockSpeed for real time). */
export const TIMING = {
  schedule: 200,
  pull: 800,
  start: 400,
  initRun: 1_000,
  crashloopRun: 3_000,
  failRun: 2_000,
  oomRun: 4_000,
  completeRun: 2_500,
  backoffBase: 10_000,
  backoffMax: 300_000,
  pullBackoffBase: 5_000,
  /** From SIGTERM to a container's exit, after its preStop hook. */
  stop: 1_000,
};

export interface BehaviourSpec {
  behaviour: Behaviour;
  /** How long a run lasts before it ends on its own (undefined: runs until stopped). */
  runMs?: number;
  exitCode: number;
  reason: string;
}

const BEHAVIOURS: Behaviour[] = ['crashloop', 'imagepullbackoff', 'oom', 'fail', 'complete', 'run'];

/** Picks a container's behaviour: SIM_BEHAVIOUR env, then the image name, then its command. */
export function behaviourOf(container: Obj, opts: { jobPod?: boolean } = {}): BehaviourSpec {
  const env = (container.env ?? []).find((e: Obj) => e.name === 'SIM_BEHAVIOUR')?.value;
  let b: Behaviour | undefined = BEHAVIOURS.find((x) => x === String(env ?? '').toLowerCase());
  const image = String(container.image ?? '').toLowerCase();
  const imageName = image.replace(/@.*$/, '').replace(/:[^/]*$/, '');
  if (!b) b = BEHAVIOURS.find((x) => x !== 'run' && imageName.includes(x));
  if (!b && /(^|[/-])(does-not-exist|nonexistent)/.test(imageName)) b = 'imagepullbackoff';
  // A container started with stdin open (`kubectl run --stdin`) is driven by its main
  // process, which reads that stdin (see exec/mainProcess.ts): it ends when the process
  // does, not after a guess from its command — `sh -c 'cat | wc -c'` waits for input.
  const ending = b || container.stdin === true ? undefined : commandEnding([...(container.command ?? []), ...(container.args ?? [])]);
  if (ending) {
    return ending.exitCode === 0 ? { behaviour: 'complete', runMs: ending.runMs, exitCode: 0, reason: 'Completed' } : { behaviour: 'fail', runMs: ending.runMs, exitCode: ending.exitCode, reason: 'Error' };
  }
  b ??= opts.jobPod && container.stdin !== true ? 'complete' : 'run';
  switch (b) {
    case 'crashloop':
      return { behaviour: b, runMs: TIMING.crashloopRun, exitCode: 1, reason: 'Error' };
    case 'fail':
      return { behaviour: b, runMs: TIMING.failRun, exitCode: 1, reason: 'Error' };
    case 'oom':
      return { behaviour: b, runMs: TIMING.oomRun, exitCode: 137, reason: 'OOMKilled' };
    case 'complete':
      return { behaviour: b, runMs: TIMING.completeRun, exitCode: 0, reason: 'Completed' };
    default:
      return { behaviour: b, exitCode: 0, reason: 'Completed' };
  }
}

/** Programs that do one thing and return: a container whose command starts with one of them ends. */
const ONE_SHOT = new Set([
  'true', 'false', 'echo', 'printf', 'date', 'wget', 'curl', 'env', 'printenv', 'ls', 'cat', 'nslookup', 'dig', 'host', 'ping', 'test', '[', 'nc', 'mkdir', 'cp', 'mv', 'rm', 'touch', 'chmod', 'chown', 'id', 'whoami', 'hostname', 'uname', 'pwd', 'df', 'du', 'sha256sum', 'md5sum', 'base64', 'kubectl',
]);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'busybox']);

/**
 * When a container's command ends on its own and how: `exit N` → code N; `false` → 1;
 * a one-shot program (`wget …`, `curl …`, `echo`, `true`, `date`, …), directly or as the
 * first word of `sh -c '…'` → 0 after a short run. Loops, `tail -f`, any `sleep` and
 * anything else run until stopped (undefined).
 */
export function commandEnding(argv: unknown[]): { runMs: number; exitCode: number } | undefined {
  const words = argv.map((a) => String(a));
  if (words.length === 0) return undefined;
  let script = words.join(' ');
  const program = (w: string) => w.split('/').pop() ?? w;
  if (SHELLS.has(program(words[0]))) {
    const c = words.indexOf('-c');
    const ec = words.findIndex((w) => /^-[a-z]*c$/.test(w));
    const at = c >= 0 ? c : ec;
    if (at >= 0 && words[at + 1] !== undefined) script = words.slice(at + 1).join(' ');
    else if (program(words[0]) === 'busybox') script = words.slice(1).join(' ');
    else return undefined;
  }
  script = script.trim();
  if (/\b(while|until)\b|\bfor\b.*\bdo\b|\btail\s+-[a-zA-Z]*[fF]|\bsleep\s+(infinity|inf)\b|\bwatch\b/.test(script)) return undefined;
  const exit = script.match(/\bexit\s+(\d+)/);
  if (exit) {
    const code = Number(exit[1]);
    return { runMs: code === 0 ? TIMING.completeRun : TIMING.failRun, exitCode: code };
  }
  const first = program(script.split(/\s+/)[0] ?? '');
  // A sleep keeps the container up however long it says: pods that `sleep 3600` are there to stay.
  if (/\bsleep\b/.test(script)) return undefined;
  if (first === 'false') return { runMs: TIMING.failRun, exitCode: 1 };
  if (ONE_SHOT.has(first)) return { runMs: TIMING.completeRun, exitCode: 0 };
  return undefined;
}

/** Whether a container that exited with `exitCode` is started again under this policy. */
export function restarts(policy: string | undefined, exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
}

/** The kubelet's crash back-off before restart number `restartCount + 1`: 10 s doubling, capped at 5 min. */
export function backoffMs(restartCount: number): number {
  return Math.min(TIMING.backoffMax, TIMING.backoffBase * 2 ** Math.min(restartCount, 16));
}

export interface ContainerRuntime {
  name: string;
  image: string;
  init: boolean;
  state: 'waiting' | 'running' | 'terminated';
  waiting?: { reason: string; message?: string };
  restartCount: number;
  current?: Run;
  previous?: Run;
  imageID?: string;
}

export interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  initContainers: ContainerRuntime[];
  containers: ContainerRuntime[];
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  /** Set once no container will run again. */
  phase?: 'Succeeded' | 'Failed';
  initialized: boolean;
}

export function newContainer(c: Obj, init: boolean): ContainerRuntime {
  return { name: c.name, image: c.image, init, state: 'waiting', waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' }, restartCount: 0 };
}

export function newRuntime(pod: KubeObject): PodRuntime {
  const spec = pod.spec as Obj;
  const inits = (spec.initContainers ?? []).map((c: Obj) => newContainer(c, true));
  const mains = (spec.containers ?? []).map((c: Obj) => newContainer(c, false));
  if (inits.length) for (const c of mains) c.waiting = { reason: 'PodInitializing' };
  return { uid: pod.metadata.uid!, namespace: pod.metadata.namespace!, name: pod.metadata.name!, initContainers: inits, containers: mains, initialized: inits.length === 0 };
}

export function imageIdOf(image: string): string {
  const repo = image.replace(/@.*$/, '').replace(/:[^/]*$/, '');
  const full = repo.includes('/') ? (repo.split('/')[0].includes('.') ? repo : `docker.io/${repo}`) : `docker.io/library/${repo}`;
  let h = 0;
  for (const ch of image) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `${full}@sha256:${h.toString(16).padStart(8, '0').repeat(8)}`;
}

/** Starts a new run of a container. */
export function startRun(c: ContainerRuntime, now = nowIso()): void {
  if (c.current?.finishedAt) {
    c.previous = c.current;
    c.restartCount++;
  }
  c.current = { id: `containerd://${randomBytes(32).toString('hex')}`, startedAt: now };
  c.state = 'running';
  c.waiting = undefined;
  c.imageID = imageIdOf(c.image);
}

/** Ends the current run of a container. */
export function endRun(c: ContainerRuntime, exitCode: number, reason: string, now = nowIso()): void {
  if (!c.current) c.current = { id: `containerd://${randomBytes(32).toString('hex')}`, startedAt: now };
  c.current = { ...c.current, finishedAt: now, exitCode, reason };
  c.state = 'terminated';
}

function terminatedOf(r: Run): Obj {
  return { exitCode: r.exitCode ?? 0, reason: r.reason ?? 'Completed', startedAt: r.startedAt, finishedAt: r.finishedAt, containerID: r.id };
}

export function containerStatus(c: ContainerRuntime): Obj {
  const s: Obj = { name: c.name, image: c.image, imageID: c.imageID ?? '', restartCount: c.restartCount, started: c.state === 'running', ready: c.state === 'running' && !c.init };
  if (c.init) s.ready = c.state === 'terminated' && c.current?.exitCode === 0;
  if (c.state === 'running') s.state = { running: { startedAt: c.current!.startedAt } };
  else if (c.state === 'terminated') s.state = { terminated: terminatedOf(c.current!) };
  else s.state = { waiting: { ...c.waiting } };
  if (c.current) s.containerID = c.current.id;
  // While waiting to restart, the run that just ended is the last state.
  const last = c.state === 'waiting' && c.current?.finishedAt ? c.current : c.previous;
  s.lastState = last?.finishedAt ? { terminated: terminatedOf(last) } : {};
  return s;
}

/** `pod.status` for a runtime state, keeping the scheduling condition the pod already has. */
export function podStatus(rt: PodRuntime, previous: Obj = {}, now = nowIso()): Obj {
  const mains = rt.containers;
  const allReady = mains.length > 0 && mains.every((c) => c.state === 'running');
  const anyStarted = mains.some((c) => c.current);
  let phase: string = rt.phase ?? (anyStarted ? 'Running' : 'Pending');
  if (!rt.phase && !rt.initialized) phase = 'Pending';
  const done = rt.phase !== undefined;
  const readyCond = done ? { status: 'False', reason: 'PodCompleted' } : allReady ? { status: 'True' } : { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${mains.filter((c) => c.state !== 'running').map((c) => c.name).join(' ')}]` };
  const prevConds: Obj[] = previous.conditions ?? [];
  const cond = (type: string, c: Obj): Obj => {
    const p = prevConds.find((x) => x.type === type);
    return { type, ...c, lastProbeTime: null, lastTransitionTime: p && p.status === c.status ? p.lastTransitionTime : now };
  };
  const initCond = rt.initialized ? { status: 'True' } : { status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${rt.initContainers.filter((c) => c.state !== 'terminated').map((c) => c.name).join(' ')}]` };
  const status: Obj = {
    phase,
    conditions: [
      cond('PodReadyToStartContainers', { status: rt.podIP ? 'True' : 'False' }),
      cond('Initialized', done && rt.initialized ? { status: 'True', reason: 'PodCompleted' } : initCond),
      cond('Ready', readyCond),
      cond('ContainersReady', readyCond),
      cond('PodScheduled', { status: 'True' }),
    ],
    hostIP: rt.hostIP,
    hostIPs: rt.hostIP ? [{ ip: rt.hostIP }] : undefined,
    podIP: rt.podIP,
    podIPs: rt.podIP ? [{ ip: rt.podIP }] : undefined,
    startTime: rt.startTime,
    containerStatuses: mains.map(containerStatus),
    qosClass: previous.qosClass ?? 'BestEffort',
  };
  if (rt.initContainers.length) status.initContainerStatuses = rt.initContainers.map(containerStatus);
  for (const k of Object.keys(status)) if (status[k] === undefined) delete status[k];
  return status;
}

/**
 * Roughly how long a pod takes to stop once deleted (simulated ms): its longest preStop
 * hook (`sleep N` in an exec hook, or a sleep action), then the stop itself. Past the
 * grace period the kubelet kills it instead.
 */
export function stopDurationMs(pod: KubeObject): number {
  let hook = 0;
  for (const c of ((pod.spec as Obj)?.containers ?? []) as Obj[]) {
    const preStop = c.lifecycle?.preStop;
    if (!preStop) continue;
    const sleep = preStop.sleep?.seconds ?? String((preStop.exec?.command ?? []).join(' ')).match(/\bsleep\s+(\d+(?:\.\d+)?)/)?.[1];
    hook = Math.max(hook, sleep !== undefined ? Number(sleep) * 1000 : 200);
  }
  return hook + TIMING.stop;
}

/** Per-store registry of the pods the kubelet drives, read by logs and exec. */
const registries = new WeakMap<Store, Map<string, PodRuntime>>();
/** Stores whose pods a simulated kubelet stops when they are deleted. */
const kubelets = new WeakSet<Store>();

export function markKubelet(store: Store): void {
  kubelets.add(store);
}

/** Whether a simulated kubelet runs for this store (controllers on). */
export function hasKubelet(store: Store): boolean {
  return kubelets.has(store);
}

export function runtimeRegistry(store: Store): Map<string, PodRuntime> {
  let m = registries.get(store);
  if (!m) registries.set(store, (m = new Map()));
  return m;
}

function fromStatus(s: Obj | undefined): { current?: Run; previous?: Run } {
  if (!s) return {};
  const st = s.state ?? {};
  let current: Run | undefined;
  if (st.running) current = { id: s.containerID ?? '', startedAt: st.running.startedAt };
  else if (st.terminated) current = { id: st.terminated.containerID ?? s.containerID ?? '', startedAt: st.terminated.startedAt, finishedAt: st.terminated.finishedAt, exitCode: st.terminated.exitCode, reason: st.terminated.reason };
  const lt = s.lastState?.terminated;
  let previous: Run | undefined = lt ? { id: lt.containerID ?? '', startedAt: lt.startedAt, finishedAt: lt.finishedAt, exitCode: lt.exitCode, reason: lt.reason } : undefined;
  if (!current && previous) {
    current = previous;
    previous = undefined;
  }
  return { ...(current ? { current } : {}), ...(previous ? { previous } : {}) };
}

/** A container's latest run and the one before it. See the file comment. */
export function containerRuns(store: Store, namespace: string, pod: string, container: string): { current?: Run; previous?: Run } {
  const obj = store.get(PODS, namespace, pod);
  if (!obj) return {};
  const rt = runtimeRegistry(store).get(obj.metadata.uid!);
  if (rt) {
    const c = [...rt.containers, ...rt.initContainers].find((x) => x.name === container);
    if (!c) return {};
    return { ...(c.current ? { current: { ...c.current } } : {}), ...(c.previous ? { previous: { ...c.previous } } : {}) };
  }
  const st = obj.status as Obj;
  const s = [...(st?.containerStatuses ?? []), ...(st?.initContainerStatuses ?? [])].find((x: Obj) => x.name === container);
  return fromStatus(s);
}
