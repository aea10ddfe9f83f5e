'use client';

import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { CellValue } from '@/lib/kinds/types';
import { formatBytes, formatCpu, percentOf, quantityOrNull } from '@/lib/ui/units';
import type { MetricsState } from '@/lib/usage';
import { ApiError } from '../live/snapshots';
import { useUsage } from './useUsage';

interface Latest {
  /** By node name or `namespace/pod`: [cpu cores, memory bytes]. */
  usage: Map<string, [number, number]>;
  /** Why there are no numbers, when there are none. */
  absent?: string;
}

const LatestContext = createContext<Latest>({ usage: new Map() });

function absence(error: unknown, metrics: MetricsState | undefined): string | undefined {
  if (error instanceof ApiError && error.status === 403) return `not permitted: ${error.message}`;
  if (error) return `usage could not be loaded: ${(error as Error).message}`;
  if (metrics?.state === 'not-installed') return 'metrics not installed';
  if (metrics?.state === 'unavailable') return `metrics unavailable: ${metrics.reason ?? ''}`;
  return undefined;
}

/** The newest usage sample of the pods or nodes in a list, for its usage columns; polled at the sample interval. */
export function LatestUsageProvider({ cluster, kind, namespaces, children }: { cluster: string; kind: string; namespaces: readonly string[]; children: ReactNode }) {
  const wanted = kind === 'pods' || kind === 'nodes';
  const { data, error } = useUsage(cluster, wanted ? { kind, latest: true, namespaces: kind === 'pods' ? namespaces.join(',') : undefined } : null);
  const value = useMemo((): Latest => {
    const usage = new Map<string, [number, number]>();
    for (const s of data?.series ?? []) {
      const cpu = s.cpu.at(-1);
      const memory = s.memory.at(-1);
      if (cpu !== null && cpu !== undefined && memory !== null && memory !== undefined) usage.set(s.name, [cpu, memory]);
    }
    return { usage, absent: absence(error, data?.metrics) };
  }, [data, error]);
  return <LatestContext.Provider value={value}>{children}</LatestContext.Provider>;
}

/**
 * A usage cell: the live number, and how it compares with what the row holds
 * (a pod's request and limit, a node's allocatable). A dash with the reason
 * when there is no number, never a zero.
 */
export function UsageCell({ rowKey, resource, value }: { rowKey: string; resource: 'cpu' | 'memory'; value: CellValue | undefined }) {
  const { usage, absent } = useContext(LatestContext);
  const found = usage.get(rowKey);
  if (!found) return <span className="muted" title={absent ?? 'no usage reported (only running pods have metrics)'}>—</span>;
  const used = resource === 'cpu' ? found[0] : found[1];
  const format = resource === 'cpu' ? formatCpu : formatBytes;
  const [first, second] = Array.isArray(value) ? value.map((v) => (v === '' ? null : quantityOrNull(v))) : [];
  const isNode = Array.isArray(value) && value.length === 1;
  const parts: string[] = [];
  const details: string[] = [`${format(used)} used`];
  const ofFirst = percentOf(used, first);
  const ofSecond = percentOf(used, second);
  if (isNode) {
    if (ofFirst !== null) parts.push(`${ofFirst}%`);
    if (first !== null && first !== undefined) details.push(`allocatable ${format(first)} (${ofFirst}%)`);
  } else {
    if (ofFirst !== null) parts.push(`${ofFirst}% req`);
    if (ofSecond !== null) parts.push(`${ofSecond}% lim`);
    details.push(first !== null && first !== undefined ? `request ${format(first)} (${ofFirst}%)` : 'no request');
    details.push(second !== null && second !== undefined ? `limit ${format(second)} (${ofSecond}%)` : 'no limit');
  }
  const hot = (ofSecond ?? (isNode ? ofFirst : null) ?? 0) >= 90;
  return (
    <span className="usage-cell" title={details.join('; ')} data-usage={resource}>
      <span className="usage-value">{format(used)}</span>
      {parts.length > 0 ? <span className={`usage-pct${hot ? ' usage-hot' : ''}`}>{parts.join(' · ')}</span> : null}
    </span>
  );
}
