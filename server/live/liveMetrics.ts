import { Gauge } from 'prom-client';
import type { LiveData } from './liveData';

/** Gauges read from the live data plane when scraped. */
export function registerLiveMetrics(live: LiveData): void {
  new Gauge({
    name: 'crowsnest_streams_open',
    help: 'Open SSE streams, by kind',
    labelNames: ['kind'],
    collect() {
      this.reset();
      for (const [kind, open] of live.hub.openByKind()) this.set({ kind }, open);
    },
  });
  const counter = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      collect() {
        this.set(read());
      },
    });
  counter('crowsnest_stream_resumes_total', 'Streams resumed from a position (missed deltas replayed)', () => live.hub.counters.resumes);
  counter('crowsnest_stream_snapshots_total', 'Snapshots sent on streams (first opens and resumes that fell back)', () => live.hub.counters.snapshots);
  counter('crowsnest_stream_rejected_over_cap_total', 'Streams refused with 429 (per-user cap)', () => live.hub.counters.rejectedOverCap);
  counter('crowsnest_stream_dropped_slow_total', 'Streams dropped because the client fell too far behind', () => live.hub.counters.droppedSlow);
  counter('crowsnest_stream_dropped_over_budget_total', "Streams dropped, furthest behind first, because the replica's stream buffers were over their budget", () => live.hub.counters.droppedOverBudget);
  counter('crowsnest_stream_shed_overloaded_total', 'Streams ended with done/overloaded because the event loop fell behind', () => live.hub.counters.shedOverloaded);
  counter('crowsnest_stream_shed_late_total', 'Streams ended with done/overloaded because the changes for their client waited longer than CROWSNEST_STREAM_MAX_DELAY_SECONDS', () => live.hub.counters.shedLate);
  new Gauge({
    name: 'crowsnest_event_loop_delay_seconds',
    help: 'Event-loop delay since the previous scrape (p50, p99, max)',
    labelNames: ['quantile'],
    collect() {
      const { p50, p99, max } = live.hub.loop.takeDelays();
      this.set({ quantile: '0.5' }, p50);
      this.set({ quantile: '0.99' }, p99);
      this.set({ quantile: '1' }, max);
    },
  });
  new Gauge({
    name: 'crowsnest_stream_groups',
    help: 'Fan-out groups (streams that see the same rows of a kind share one serialisation of each change)',
    collect() {
      this.set(live.hub.groupSizes().length);
    },
  });
  new Gauge({
    name: 'crowsnest_stream_buffered_bytes',
    help: 'Bytes queued for SSE clients of this replica (streams and their connections)',
    collect() {
      this.set(live.hub.bufferedBytes());
    },
  });
  new Gauge({
    name: 'crowsnest_informer_up',
    help: 'Informers running, by cluster, kind and phase',
    labelNames: ['cluster', 'kind', 'phase', 'mode'],
    collect() {
      this.reset();
      for (const cluster of live.all()) {
        for (const informer of cluster.informers()) {
          if (informer.status) this.set({ cluster: cluster.cluster.name, kind: informer.kind, phase: informer.status.phase, mode: informer.status.mode }, 1);
        }
      }
    },
  });
  new Gauge({
    name: 'crowsnest_informer_last_event_age_seconds',
    help: 'Seconds since an informer last received an event (or listed)',
    labelNames: ['cluster', 'kind'],
    collect() {
      this.reset();
      const now = Date.now();
      for (const cluster of live.all()) {
        for (const informer of cluster.informers()) {
          const last = Math.max(informer.status?.lastEventAt ?? 0, informer.status?.lastListAt ?? 0);
          if (last) this.set({ cluster: cluster.cluster.name, kind: informer.kind }, (now - last) / 1000);
        }
      }
    },
  });
}
