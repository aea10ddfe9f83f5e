import { Gauge } from 'prom-client';
import type { LiveData } from '../live/liveData';
import type { Fleet } from './connectFleet';

/** The fleet's link to Redis, for Prometheus. */
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
      for (const cluster of live.all()) for (const informer of cluster.informers()) this.set({ cluster: cluster.cluster.name, kind: informer.kind }, informer.owned ? 1 : 0);
    },
  });
  new Gauge({
    name: 'crowsnest_fleet_follow_lag_seconds',
    help: "The last delta's time from the owner's informer to this replica's mirror, per kind",
    labelNames: ['cluster', 'kind'],
    collect() {
      this.reset();
      for (const cluster of live.all()) for (const informer of cluster.informers()) if (informer.lastDelta) this.set({ cluster: cluster.cluster.name, kind: informer.kind }, informer.lastDelta.lagMs / 1000);
    },
  });
}
