import { Gauge } from 'prom-client';
import type { LiveData } from '../live/liveData';
import type { Fleet } from './connectFleet';

/** Every kind this replica serves, with its topic and where its copy is (`<epoch>-<seq>` split). */
function* servedKinds(live: LiveData) {
  for (const cluster of live.all()) {
    for (const informer of cluster.informers()) {
      const dash = informer.position.lastIndexOf('-');
      yield {
        labels: { cluster: cluster.cluster.name, kind: informer.kind },
        topic: `${cluster.cluster.name}/${informer.kind}`,
        informer,
        epoch: informer.position.slice(0, dash),
        seq: Number(informer.position.slice(dash + 1)),
      };
    }
  }
}

/**
 * The fleet for Prometheus: its link to Redis, and per kind what this replica
 * already knows (no Redis round trip at scrape time).
 */
export function registerFleetMetrics(fleet: Fleet, live: LiveData): void {
  new Gauge({
    name: 'crowsnest_fleet_redis_up',
    help: '1 while Redis answers and informers are shared with the fleet; 0 while this replica serves from its own informers (degraded: redis unavailable)',
    collect() {
      this.set(fleet.link.state === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_redis_round_trip_seconds',
    help: 'The last PING round trip to Redis',
    collect() {
      if (fleet.link.roundTripMs !== null) this.set(fleet.link.roundTripMs / 1000);
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_replicas',
    help: 'Live replicas of the fleet, as this one sees them',
    collect() {
      this.set(fleet.replicas().length);
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_kind_owned',
    help: '1 for each kind whose informer this replica runs (holds the lease), 0 for kinds it follows',
    labelNames: ['cluster', 'kind'],
    collect() {
      this.reset();
      for (const { labels, informer } of servedKinds(live)) this.set(labels, informer.owned ? 1 : 0);
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_follow_lag_seconds',
    help: "The last delta's time from the owner's informer to this replica's mirror, per kind",
    labelNames: ['cluster', 'kind'],
    collect() {
      this.reset();
      for (const { labels, informer } of servedKinds(live)) if (informer.lastDelta) this.set(labels, informer.lastDelta.lagMs / 1000);
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_lease_age_seconds',
    help: 'How long this replica has held the lease of each kind whose informer it runs (its own lease while Redis is away)',
    labelNames: ['cluster', 'kind'],
    collect() {
      this.reset();
      const now = Date.now();
      for (const { labels, informer } of servedKinds(live)) if (informer.owned && informer.ownedSince !== undefined) this.set(labels, Math.max(0, now - informer.ownedSince) / 1000);
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_stream_length',
    help: "Entries in the Redis stream of each kind whose informer this replica runs, as of its last write to it (the stream's owner reports it; absent while Redis is away)",
    labelNames: ['cluster', 'kind'],
    collect() {
      this.reset();
      if (fleet.link.state !== 'up') return;
      for (const { labels, topic, informer } of servedKinds(live)) {
        const known = informer.owned ? fleet.knownStream(topic) : undefined;
        if (known && known.length !== null) this.set(labels, known.length);
      }
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_follow_lag_deltas',
    help: "Deltas in each kind's Redis stream that this replica's copy has not applied yet, against the stream's head as this replica last knew it (its own writes as the owner, else the topic's position read every 5 s); absent while Redis is away",
    labelNames: ['cluster', 'kind'],
    collect() {
      this.reset();
      if (fleet.link.state !== 'up') return;
      for (const { labels, topic, epoch, seq } of servedKinds(live)) {
        const known = fleet.knownStream(topic);
        if (known && known.epoch === epoch && Number.isFinite(seq)) this.set(labels, Math.max(0, known.head - seq));
      }
    },
  });
}
