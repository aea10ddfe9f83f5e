/**
 * What every controller shares: the clock (real time sped up by `clockSpeed`), a
 * scheduler for timed transitions that dies with the simulator, a de-duplicating work
 * queue drained off the store's synchronous change feed, an owner index kept from that
 * feed, and small helpers for writing objects back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { defaultPod, podQosClass } from '../api/defaults';
import { labelSelectorString, matchesLabels, parseLabelSelector } from '../selectors';
import type { Store, StoreEvent } from '../store';
import type { KubeObject, OwnerReference } from '../types';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Obj = any;

export const PODS = '/pods';
export const NODES = '/nodes';
export const SERVICES = '/services';
export const EVENTS = '/events';
export const PVCS = '/persistentvolumeclaims';
export const SLICES = 'discovery.k8s.io/endpointslices';
export const DEPLOYMENTS = 'apps/deployments';
export const REPLICASETS = 'apps/replicasets';
export const STATEFULSETS = 'apps/statefulsets';
export const DAEMONSETS = 'apps/daemonsets';
export const JOBS = 'batch/jobs';
export const CRONJOBS = 'batch/cronjobs';

export interface ClockOptions {
  /** How much faster than real time durations pass (back-offs, run times, heartbeats). Default 1. */
  clockSpeed: number;
  /** Real milliseconds one cron minute lasts. Default 60 000 / clockSpeed. */
  cronTickMs: number;
}

export class Clock {
  readonly speed: number;
  readonly cronTickMs: number;
  private readonly origin = Date.now();

  constructor(opts: Partial<ClockOptions> = {}) {
    this.speed = opts.clockSpeed && opts.clockSpeed > 0 ? opts.clockSpeed : 1;
    this.cronTickMs = opts.cronTickMs && opts.cronTickMs > 0 ? opts.cronTickMs : 60_000 / this.speed;
  }

  /** Real milliseconds for a simulated duration. */
  real(simMs: number): number {
    return Math.max(1, Math.round(simMs / this.speed));
  }

  /** The cron clock: wall time advanced `60 000 / cronTickMs` times faster since start. */
  cronNow(): number {
    return this.origin + (Date.now() - this.origin) * (60_000 / this.cronTickMs);
  }

  /** Real milliseconds until the cron clock reaches `cronMs`. */
  realUntilCron(cronMs: number): number {
    return Math.max(1, Math.ceil((cronMs - this.cronNow()) * (this.cronTickMs / 60_000)));
  }
}

/** Timers for timed transitions; every one is cleared when the signal aborts. */
export class Scheduler {
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => {
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
    });
  }

  /** Runs `fn` after `ms` real milliseconds; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    if (this.signal.aborted) return () => {};
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.signal.aborted) fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  }

  every(ms: number, fn: () => void): void {
    const tick = () => {
      fn();
      this.after(ms, tick);
    };
    this.after(ms, tick);
  }
}

/**
 * Keys (`namespace/name`) waiting to be synced. Enqueuing is cheap and de-duplicated;
 * the queue drains on a later turn of the event loop, never inside a store write.
 */
export class WorkQueue {
  private pending = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly signal: AbortSignal,
    private readonly sync: (namespace: string, name: string) => void,
  ) {}

  add(namespace: string | undefined, name: string): void {
    if (this.signal.aborted) return;
    this.pending.add(`${namespace ?? ''}/${name}`);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const k of keys) {
      if (this.signal.aborted) return;
      const slash = k.indexOf('/');
      try {
        this.sync(k.slice(0, slash), k.slice(slash + 1));
      } catch (err) {
        process.stderr.write(`sim controller: sync of ${k} failed: ${(err as Error).stack ?? err}\n`);
      }
    }
  }
}

/** A dependent as the owner index holds it. */
export interface Ref {
  key: string;
  namespace: string;
  name: string;
}

/** owner uid → its dependents, kept current from the change feed. */
export class OwnerIndex {
  private byOwner = new Map<string, Map<string, Ref>>();
  private uids = new Set<string>();

  constructor(store: Store) {
    for (const key of store.keys()) for (const o of store.iterate(key)) this.add(key, o);
  }

  /** Whether an object with this uid is stored. */
  exists(uid: string): boolean {
    return this.uids.has(uid);
  }

  private id(key: string, o: KubeObject): string {
    return `${key}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
  }

  private add(key: string, o: KubeObject): void {
    if (o.metadata.uid) this.uids.add(o.metadata.uid);
    for (const ref of o.metadata.ownerReferences ?? []) {
      let m = this.byOwner.get(ref.uid);
      if (!m) this.byOwner.set(ref.uid, (m = new Map()));
      m.set(this.id(key, o), { key, namespace: o.metadata.namespace ?? '', name: o.metadata.name! });
    }
  }

  private remove(key: string, o: KubeObject): void {
    for (const ref of o.metadata.ownerReferences ?? []) {
      const m = this.byOwner.get(ref.uid);
      m?.delete(this.id(key, o));
      if (m && m.size === 0) this.byOwner.delete(ref.uid);
    }
  }

  apply(e: StoreEvent): void {
    if (e.previous) this.remove(e.key, e.previous);
    if (e.type === 'DELETED') this.uids.delete(e.object.metadata.uid!);
    else this.add(e.key, e.object);
  }

  dependents(uid: string): Ref[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  /** Objects of one resource owned by `owner`, read from the store. */
  owned(store: Store, key: string, owner: KubeObject): KubeObject[] {
    const out: KubeObject[] = [];
    for (const r of this.byOwner.get(owner.metadata.uid!)?.values() ?? []) {
      if (r.key !== key) continue;
      const o = store.get(key, r.namespace, r.name);
      if (o) out.push(o);
    }
    return out;
  }
}

/** The controller owner reference of an object, if any. */
export function controllerOf(o: KubeObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
}

export function ownerRefTo(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function nowIso(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  return [...randomBytes(n)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
}

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Obj)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A short, stable hash of a pod template, as the pod-template-hash label. */
export function hashOf(v: unknown, n = 10): string {
  const digest = createHash('sha256').update(canonical(v)).digest();
  return [...digest.subarray(0, n)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
}

/** Whether a Deployment-style selector (`matchLabels`/`matchExpressions`) selects these labels. */
export function selects(selector: Obj, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const text = typeof selector === 'string' ? selector : labelSelectorString(selector);
  if (!text) return false;
  return matchesLabels(parseLabelSelector(text), labels);
}

/** Writes a changed copy of a stored object if the change altered anything. */
export function writeIfChanged(store: Store, key: string, current: KubeObject, next: KubeObject): KubeObject {
  if (canonical({ ...next, metadata: { ...next.metadata, resourceVersion: '' } }) === canonical({ ...current, metadata: { ...current.metadata, resourceVersion: '' } })) return current;
  return store.update(key, next);
}

/** A copy of `o` with a new status (metadata copied so the store can stamp it). */
export function withStatus(o: KubeObject, status: Obj): KubeObject {
  return { ...o, metadata: { ...o.metadata }, status };
}

export function isPodReady(p: KubeObject): boolean {
  return ((p.status as Obj)?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
}

export function isPodFinished(p: KubeObject): boolean {
  const phase = (p.status as Obj)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A condition list with one condition set; lastTransitionTime only moves when status flips. */
export function setCondition(list: Obj[] | undefined, c: Obj, now = nowIso()): Obj[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? out[i] : undefined;
  const next = { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
  if ('lastUpdateTime' in c || (prev && 'lastUpdateTime' in prev)) {
    const same = prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message;
    next.lastUpdateTime = same ? prev.lastUpdateTime : now;
  }
  if (i >= 0) out[i] = next;
  else out.push(next);
  return out;
}

/** Resolves an int-or-percent (`25%`, 1) against a total. */
export function intOrPercent(v: unknown, total: number, roundUp: boolean, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const m = String(v).match(/^(\d+)%$/);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** A new pod from a workload's template, owned by the workload. Defaults as the apiserver fills them. */
export function podFromTemplate(template: Obj, o: { name: string; namespace: string; owner: KubeObject; labels?: Record<string, string>; annotations?: Record<string, string>; nodeName?: string; extraSpec?: Obj }): KubeObject {
  const spec: Obj = structuredClone(template?.spec ?? {});
  if (o.nodeName) spec.nodeName = o.nodeName;
  Object.assign(spec, o.extraSpec ?? {});
  defaultPod({ spec });
  const annotations = { ...(template?.metadata?.annotations ?? {}), ...(o.annotations ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...(o.labels ?? {}) },
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [ownerRefTo(o.owner)],
    },
    spec,
    status: { phase: 'Pending', qosClass: podQosClass(spec) },
  };
}
