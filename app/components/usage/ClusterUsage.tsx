'use client';

import type { Row } from '@/lib/kinds/types';
import { quantityOrNull } from '@/lib/ui/units';
import { UsagePanel, type Reference } from './UsagePanel';

function total(rows: Row[], column: 'cpuUsage' | 'memoryUsage'): Reference[] {
  let sum = 0;
  for (const row of rows) {
    const cell = row.cells[column];
    const value = quantityOrNull(Array.isArray(cell) ? cell[0] : undefined);
    if (value === null) return [];
    sum += value;
  }
  return rows.length > 0 ? [{ label: 'allocatable (all nodes)', value: sum, color: 'var(--muted)' }] : [];
}

/** The overview's usage: every node's CPU and memory over the last hour, and all nodes' together against what they can allocate together. */
export function ClusterUsage({ cluster, nodes }: { cluster: string; nodes: Row[] }) {
  return <UsagePanel cluster={cluster} title="Usage per node" params={{ kind: 'nodes' }} total="all nodes" references={{ cpu: total(nodes, 'cpuUsage'), memory: total(nodes, 'memoryUsage') }} />;
}
