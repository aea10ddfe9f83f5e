import { Gauge } from 'prom-client';
import type { Fleet } from './connectFleet';

/** The fleet's link to Redis, for Prometheus. */
export function registerFleetMetrics(fleet: Fleet): void {
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
}
