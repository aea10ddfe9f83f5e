import { startPortal, type Portal } from './portal';

/** What the replicas of a test fleet share: one cluster, one Redis, one session secret. */
export interface TestFleet {
  kubeconfig: string;
  redisUrl: string;
  secret: string;
  /** Every replica started, added as soon as it serves, so `afterAll` stops them even when a later one fails to start. */
  portals: Portal[];
}

/** One replica of a test fleet, with leases short enough for hand-overs to fit in a test; `env` adds or overrides settings. */
export async function startReplica(fleet: TestFleet, env: Record<string, string> = {}): Promise<Portal> {
  const portal = await startPortal({
    KUBECONFIG: fleet.kubeconfig,
    CROWSNEST_DEMO: '0',
    REDIS_URL: fleet.redisUrl,
    NEXTAUTH_SECRET: fleet.secret,
    CROWSNEST_LEASE_TTL_SECONDS: '3',
    CROWSNEST_LEASE_RENEW_SECONDS: '1',
    CROWSNEST_RATE_LIMIT_PER_SECOND: '0',
    ...env,
  });
  fleet.portals.push(portal);
  return portal;
}
