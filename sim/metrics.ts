/**
 * metrics.k8s.io/v1beta1, as metrics-server serves it: PodMetrics (namespaced) and
 * NodeMetrics, get and list only, computed on request from the stored pods and nodes.
 * Usage is deterministic for a given object and moment: a per-object base derived from
 * its uid (and its requests and limits) plus a slow wave (period of minutes), so `kubectl top` shows plausible,
 * gently moving numbers. Only running pods on a node have metrics, as with
 * metrics-server.
 */
import { quantityOrNull } from '../lib/ui/units';
import type { ResourceRequest } from './api/context';
import { sendJson } from './api/respond';
import { matchesLabels, parseLabelSelector, matchesFields, parseFieldSelector } from './selectors';
import { methodNotAllowed, notFound } from './status';
import type { KubeObject } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export const METRICS_GROUP = 'metrics.k8s.io';
const API_VERSION = 'metrics.k8s.io/v1beta1';
const WINDOW = '10.062s';

/** A 32-bit hash of a seed (FNV-1a): hashed once per container or node per scrape, then drawn from. */
function hashOf(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h;
}

/** The `n`th draw in [0, 1) from a seed's hash (a murmur3 finish of the two mixed): no strings built per draw. */
function draw(hash: number, n: number): number {
  let h = Math.imul(hash ^ Math.imul(n + 1, 0x9e3779b9), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 0x1_0000_0000;
}

/** A value around `base` that drifts ±20 % over a period of a few minutes (draws `n` and `n + 1` of the hash). */
function wave(hash: number, n: number, base: number, now: number): number {
  const period = 180_000 + draw(hash, n) * 240_000;
  const phase = draw(hash, n + 1) * 2 * Math.PI;
  return base * (1 + 0.2 * Math.sin((2 * Math.PI * now) / period + phase));
}

/** The last few seconds formatted (a sample asks for two: now, and its window's start). */
const stamps = new Map<number, string>();

/** The sample's timestamp, to the second (one Date per second, not per pod). */
function stamp(now: number): string {
  const second = Math.floor(now / 1000);
  let text = stamps.get(second);
  if (text === undefined) {
    if (stamps.size >= 4) stamps.clear();
    text = new Date(second * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    stamps.set(second, text);
  }
  return text;
}

interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

function quantity(resources: Resources | undefined, kind: 'requests' | 'limits', name: string): number | null {
  const q = quantityOrNull(resources?.[kind]?.[name]);
  return q !== null && q > 0 ? q : null;
}

/**
 * A container's usage: with a request, a share of it (30–90 % of CPU from 10m up, 60–110 % of
 * memory), kept under 90 % of a memory limit as a container that stays alive would
 * be; without one, somewhere in a plausible range.
 */
export function containerUsage(podUid: string, container: string, now = Date.now(), resources?: Resources): { cpu: string; memory: string } {
  const hash = hashOf(`${podUid}/${container}`);
  const cpuRequest = quantity(resources, 'requests', 'cpu');
  const memRequest = quantity(resources, 'requests', 'memory');
  const memLimit = quantity(resources, 'limits', 'memory');
  // A token CPU request (under 10m) says nothing of the load: such a container runs as busy as one without.
  const c = draw(hash, 0);
  const m = draw(hash, 1);
  const cpuBase = cpuRequest !== null && cpuRequest >= 0.01 ? cpuRequest * 1e9 * (0.3 + 0.6 * c) : 2_000_000 + c * 250_000_000;
  let memBase = memRequest !== null ? (memRequest / 1024) * (0.6 + 0.5 * m) : 12_000 + m * 400_000;
  // The wave adds up to 20 %: stay under 90 % of the limit at its top.
  if (memLimit !== null) memBase = Math.min(memBase, (memLimit / 1024) * 0.75);
  const cpuNano = Math.round(wave(hash, 2, cpuBase, now));
  const memKi = Math.round(wave(hash, 4, memBase, now) / 4) * 4;
  return { cpu: `${cpuNano}n`, memory: `${memKi}Ki` };
}

function running(p: KubeObject): boolean {
  const s = p.status as Obj;
  return s?.phase === 'Running' && Boolean((p.spec as Obj)?.nodeName);
}

export function podMetrics(p: KubeObject, now = Date.now()): KubeObject {
  const statuses: Obj[] = (p.status as Obj)?.containerStatuses ?? [];
  const containers = ((p.spec as Obj)?.containers ?? [])
    .filter((c: Obj) => statuses.find((s) => s.name === c.name)?.state?.running)
    .map((c: Obj) => ({ name: c.name, usage: containerUsage(p.metadata.uid!, c.name, now, c.resources) }));
  return {
    kind: 'PodMetrics',
    apiVersion: API_VERSION,
    metadata: { name: p.metadata.name, namespace: p.metadata.namespace, creationTimestamp: stamp(now), labels: p.metadata.labels ?? {} },
    timestamp: stamp(now - 5_000),
    window: WINDOW,
    containers,
  };
}

function parseCpuNano(v: string): number {
  if (v.endsWith('n')) return Number(v.slice(0, -1));
  if (v.endsWith('m')) return Number(v.slice(0, -1)) * 1e6;
  return Number(v) * 1e9;
}
function parseKi(v: string): number {
  const m = v.match(/^(\d+)(Ki|Mi|Gi)?$/);
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 * 1024 : m[2] === 'Mi' ? 1024 : m[2] === 'Ki' ? 1 : 1 / 1024);
}

export function nodeMetrics(n: KubeObject, pods: KubeObject[], now = Date.now()): KubeObject {
  const name = n.metadata.name!;
  // The node's own overhead (kubelet, runtime, system) plus what its pods use.
  const hash = hashOf(name);
  let cpu = wave(hash, 2, 120_000_000 + draw(hash, 0) * 200_000_000, now);
  let mem = wave(hash, 4, 900_000 + draw(hash, 1) * 1_200_000, now);
  for (const p of pods) {
    for (const c of podMetrics(p, now).containers as Obj[]) {
      cpu += parseCpuNano(c.usage.cpu);
      mem += parseKi(c.usage.memory);
    }
  }
  return {
    kind: 'NodeMetrics',
    apiVersion: API_VERSION,
    metadata: { name, creationTimestamp: stamp(now), labels: n.metadata.labels ?? {} },
    timestamp: stamp(now - 5_000),
    window: '20.05s',
    usage: { cpu: `${Math.round(cpu)}n`, memory: `${Math.round(mem / 4) * 4}Ki` },
  };
}

/** GET (get or list) on /apis/metrics.k8s.io/v1beta1/{nodes|namespaces/x/pods}[/name]. */
export function handleMetrics(r: ResourceRequest): void {
  if (r.verb !== 'get' && r.verb !== 'list') throw methodNotAllowed();
  const { store } = r.ctx;
  const now = Date.now();
  const labels = parseLabelSelector(r.query.get('labelSelector'));
  if (r.type.resource === 'pods') {
    if (r.verb === 'get') {
      const p = store.get('/pods', r.namespace, r.name!);
      if (!p || !running(p)) throw notFound('pods', METRICS_GROUP, r.name!);
      return sendJson(r.res, 200, podMetrics(p, now));
    }
    const fields = parseFieldSelector(r.query.get('fieldSelector'), r.type);
    const items = [...store.iterate('/pods', r.namespace)].filter((p) => running(p) && matchesLabels(labels, p.metadata.labels) && matchesFields(fields, p)).map((p) => podMetrics(p, now));
    return sendJson(r.res, 200, { kind: 'PodMetricsList', apiVersion: API_VERSION, metadata: {}, items });
  }
  const podsOn = (node: string) => [...store.iterate('/pods')].filter((p) => running(p) && (p.spec as Obj).nodeName === node);
  if (r.verb === 'get') {
    const n = store.get('/nodes', undefined, r.name!);
    if (!n) throw notFound('nodes', METRICS_GROUP, r.name!);
    return sendJson(r.res, 200, nodeMetrics(n, podsOn(n.metadata.name!), now));
  }
  const byNode = new Map<string, KubeObject[]>();
  for (const p of store.iterate('/pods')) {
    if (!running(p)) continue;
    const node = (p.spec as Obj).nodeName;
    const on = byNode.get(node);
    if (on) on.push(p);
    else byNode.set(node, [p]);
  }
  const items = store
    .list('/nodes')
    .filter((n) => matchesLabels(labels, n.metadata.labels))
    .map((n) => nodeMetrics(n, byNode.get(n.metadata.name!) ?? [], now));
  sendJson(r.res, 200, { kind: 'NodeMetricsList', apiVersion: API_VERSION, metadata: {}, items });
}
