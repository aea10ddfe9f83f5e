import { matchesLabels, type LabelSelector } from '../../lib/labelSelector';
import type { UsageGrouping, UsageSeries } from '../../lib/usage';
import { HttpError } from '../http/errors';
import { parseNamespaces, parseSelector } from '../api/requestParams';
import { podTotal, type Usage, type UsageSample } from './sample';
import { USAGE_WINDOW_MS } from './usageStore';

/** The usage route's query, parsed at the edge. */
export interface UsageQuery {
  kind: 'pods' | 'nodes';
  /** Pods only; null: every namespace the person may list. */
  namespaces: string[] | null;
  name?: string;
  selector: LabelSelector;
  group: UsageGrouping;
  windowMs: number;
  /** Only the newest sample (what a list's usage columns show). */
  latest: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function parseUsageQuery(params: URLSearchParams, maxNamespaces: number): UsageQuery {
  const kind = params.get('kind');
  if (kind !== 'pods' && kind !== 'nodes') throw new HttpError(400, `kind must be "pods" or "nodes", got ${kind === null ? 'nothing' : `"${kind.slice(0, 40)}"`}`);
  const namespaces = parseNamespaces(params.get('namespaces') ?? params.get('namespace'), maxNamespaces);
  const name = params.get('name') ?? undefined;
  if (name !== undefined && (name.length > 253 || !NAME.test(name))) throw new HttpError(400, `"${name.slice(0, 80)}" is not a valid object name`);
  const selector = parseSelector(params.get('labelSelector'));
  const group = (params.get('group') ?? 'object') as UsageGrouping;
  if (!['object', 'container', 'sum'].includes(group)) throw new HttpError(400, `group must be "object", "container" or "sum", got "${group.slice(0, 40)}"`);
  if (kind === 'nodes') {
    if (namespaces) throw new HttpError(400, 'nodes are not namespaced: leave out namespaces');
    if (selector.length > 0) throw new HttpError(400, 'labelSelector applies to pods only');
    if (group === 'container') throw new HttpError(400, 'group=container applies to one pod (kind=pods with a namespace and a name)');
  }
  if (kind === 'pods' && name !== undefined && namespaces?.length !== 1) throw new HttpError(400, 'a pod is named with exactly one namespace');
  if (group === 'container' && (kind !== 'pods' || name === undefined)) throw new HttpError(400, 'group=container applies to one pod (kind=pods with a namespace and a name)');
  const rawWindow = params.get('window');
  let windowMs = USAGE_WINDOW_MS;
  if (rawWindow !== null) {
    const seconds = Number(rawWindow);
    if (!/^\d+$/.test(rawWindow) || seconds < 1 || seconds * 1000 > USAGE_WINDOW_MS) throw new HttpError(400, `window must be whole seconds from 1 to ${USAGE_WINDOW_MS / 1000}, got "${rawWindow.slice(0, 40)}"`);
    windowMs = seconds * 1000;
  }
  const rawLatest = params.get('latest');
  if (rawLatest !== null && !['1', 'true', '0', 'false'].includes(rawLatest)) throw new HttpError(400, `latest must be 1 or 0, got "${rawLatest.slice(0, 40)}"`);
  return { kind, namespaces, name, selector, group, windowMs, latest: rawLatest === '1' || rawLatest === 'true' };
}

/** Which pods a person may see: every namespace (null) or these. */
export type Visible = Set<string> | null;

/** The objects of one sample the query matches, each with its usage (or its containers'). */
function matches(sample: UsageSample, query: UsageQuery, visible: Visible): Array<[name: string, usage: Usage, containers?: Record<string, Usage>]> {
  if (query.kind === 'nodes') {
    return Object.entries(sample.nodes)
      .filter(([name]) => query.name === undefined || name === query.name)
      .map(([name, usage]) => [name, usage]);
  }
  const out: Array<[string, Usage, Record<string, Usage>]> = [];
  for (const [key, pod] of Object.entries(sample.pods)) {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    if (visible !== null && !visible.has(namespace)) continue;
    if (query.namespaces && !query.namespaces.includes(namespace)) continue;
    if (query.name !== undefined && key.slice(slash + 1) !== query.name) continue;
    if (query.selector.length > 0 && !matchesLabels(query.selector, pod.labels)) continue;
    out.push([key, podTotal(pod), pod.containers]);
  }
  return out;
}

/** Samples → one time axis and the series the query groups them into, in a stable order. */
export function buildSeries(samples: UsageSample[], query: UsageQuery, visible: Visible): { times: number[]; series: UsageSeries[] } {
  const times = samples.map((s) => Math.round(s.t / 1000));
  const byName = new Map<string, UsageSeries>();
  const seriesOf = (name: string) => {
    let series = byName.get(name);
    if (!series) byName.set(name, (series = { name, cpu: new Array(samples.length).fill(null), memory: new Array(samples.length).fill(null) }));
    return series;
  };
  samples.forEach((sample, i) => {
    const found = matches(sample, query, visible);
    if (query.group === 'sum') {
      if (found.length === 0) return;
      const total = seriesOf('total');
      total.cpu[i] = found.reduce((sum, [, usage]) => sum + usage[0], 0);
      total.memory[i] = found.reduce((sum, [, usage]) => sum + usage[1], 0);
      return;
    }
    for (const [name, usage, containers] of found) {
      const parts: Array<[string, Usage]> = query.group === 'container' ? Object.entries(containers ?? {}) : [[name, usage]];
      for (const [part, [cpu, memory]] of parts) {
        const series = seriesOf(part);
        series.cpu[i] = cpu;
        series.memory[i] = memory;
      }
    }
  });
  return { times, series: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}
