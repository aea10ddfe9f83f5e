/**
 * A detail page's events, read from Event objects (core/v1, with the series that
 * events.k8s.io writes) and sorted by when they were last seen, newest first.
 * Messages are kept whole.
 */
import type { KubeObject } from '../kinds/types';

export interface EventLine {
  uid: string;
  type: string;
  reason: string;
  message: string;
  count: number;
  /** ISO times; undefined when the event carries none. */
  lastSeen?: string;
  firstSeen?: string;
  source: string;
}

const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export function eventLine(e: KubeObject): EventLine {
  const series = rec(e.series);
  const source = rec(e.source);
  const count = typeof series.count === 'number' ? series.count : typeof e.count === 'number' ? e.count : 1;
  return {
    uid: e.metadata?.uid ?? `${e.metadata?.namespace}/${e.metadata?.name}`,
    type: s(e.type) ?? '',
    reason: s(e.reason) ?? '',
    message: (s(e.message) ?? '').trim(),
    count,
    lastSeen: s(series.lastObservedTime) ?? s(e.lastTimestamp) ?? s(e.eventTime) ?? s(e.firstTimestamp) ?? s(e.metadata?.creationTimestamp),
    firstSeen: s(e.firstTimestamp) ?? s(e.eventTime) ?? s(e.metadata?.creationTimestamp),
    source: [s(source.component) ?? s(e.reportingComponent), s(source.host) ?? s(e.reportingInstance)].filter(Boolean).join(', '),
  };
}

const time = (iso: string | undefined) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
};

/** Newest last-seen first; events without a time last; ties by reason, so the order is stable. */
export function eventsByLastSeen(events: readonly KubeObject[]): EventLine[] {
  return events.map(eventLine).sort((a, b) => time(b.lastSeen) - time(a.lastSeen) || a.reason.localeCompare(b.reason) || a.uid.localeCompare(b.uid));
}
