'use client';

import { formatBytes, formatCpu } from '@/lib/ui/units';
import type { UsageResponse } from '@/lib/usage';
import { ApiError } from '../live/snapshots';
import { BINARY_STEPS, SERIES_COLORS, UsageChart, type ChartLine } from './UsageChart';
import { useUsage, type UsageParams } from './useUsage';

/** A level usage is measured against (a request, a limit, what a node can allocate), drawn dashed. */
export interface Reference {
  label: string;
  value: number;
  color: string;
}

export interface References {
  cpu?: Reference[];
  memory?: Reference[];
}

function linesOf(data: UsageResponse, resource: 'cpu' | 'memory', references: Reference[] = [], label: (name: string) => string, total?: string): ChartLine[] {
  const measured = data.series.map((s, i) => ({ label: label(s.name), values: s[resource], color: SERIES_COLORS[i % SERIES_COLORS.length] }));
  if (total && data.series.length > 1) {
    const sum = data.times.map((_, i) => {
      const values = data.series.map((s) => s[resource][i]).filter((v): v is number => v !== null);
      return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
    });
    measured.push({ label: total, values: sum, color: 'var(--text)' });
  }
  const levels = references.map((r) => ({ label: r.label, values: data.times.map(() => r.value), color: r.color, reference: true }));
  return [...measured, ...levels];
}

/** Why there is nothing to draw, said plainly; never zeros. */
export function UsageNotice({ error, data }: { error: unknown; data: UsageResponse | undefined }) {
  if (error instanceof ApiError && error.status === 403) {
    return (
      <p className="usage-notice" role="status" data-testid="usage-forbidden">
        <strong>Not permitted.</strong> <span className="muted">{error.message}</span>
      </p>
    );
  }
  if (error && !data) {
    return (
      <p className="usage-notice" role="alert">
        <strong>Could not load usage.</strong> <span className="muted">{(error as Error).message}</span>
      </p>
    );
  }
  if (!data) return <p className="usage-notice muted" aria-busy="true">Loading usage…</p>;
  if (data.metrics.state === 'not-installed') {
    return (
      <p className="usage-notice" role="status" data-testid="usage-not-installed">
        <strong>Metrics not installed.</strong> <span className="muted">{data.metrics.reason}</span>
      </p>
    );
  }
  if (data.metrics.state === 'unavailable' && data.times.length === 0) {
    return (
      <p className="usage-notice" role="status" data-testid="usage-unavailable">
        <strong>Metrics unavailable.</strong> <span className="muted">{data.metrics.reason}</span>
      </p>
    );
  }
  if (data.times.length === 0) return <p className="usage-notice muted">Waiting for the first sample (taken every {data.intervalSeconds} s)…</p>;
  if (data.series.length === 0) return <p className="usage-notice muted">No usage reported: only running pods have metrics.</p>;
  return null;
}

/** CPU and memory over the last hour for one query, live at the sample interval. */
export function UsagePanel({
  cluster,
  params,
  title,
  references = {},
  label = (name) => name,
  total,
}: {
  cluster: string;
  params: UsageParams;
  title: string;
  references?: References;
  label?: (name: string) => string;
  /** When set, a line summing the series, labelled so. */
  total?: string;
}) {
  const { data, error } = useUsage(cluster, params);
  const notice = <UsageNotice error={error} data={data} />;
  const drawable = data && !(error instanceof ApiError && error.status === 403) && data.times.length > 0 && data.series.length > 0;
  return (
    <section className="card usage-panel" aria-label={title} data-testid="usage-panel">
      <h2>{title}</h2>
      {drawable ? (
        <>
          {data.metrics.state === 'unavailable' ? (
            <p className="usage-notice small" role="status">
              <strong>Metrics unavailable since {new Date(data.metrics.since).toLocaleTimeString()}:</strong> <span className="muted">{data.metrics.reason}</span>
            </p>
          ) : null}
          <div className="usage-charts">
            <UsageChart title="CPU" times={data.times} lines={linesOf(data, 'cpu', references.cpu, label, total)} format={formatCpu} />
            <UsageChart title="Memory" times={data.times} lines={linesOf(data, 'memory', references.memory, label, total)} format={formatBytes} incrs={BINARY_STEPS} />
          </div>
        </>
      ) : (
        notice
      )}
    </section>
  );
}
