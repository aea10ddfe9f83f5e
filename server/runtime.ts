import type { NextAuthOptions } from 'next-auth';
import type { AuthSettings } from './auth/authSettings';
import type { Revocations } from './auth/revocations';
import type { ClusterRegistry } from './clusters/clusterRegistry';
import type { ServerConfig } from './config';
import type { Fleet } from './fleet/connectFleet';
import type { LiveData } from './live/liveData';
import type { Yards } from './yard/yards';
import type { PresenceHub } from './presence/presenceHub';
import type { UsageService } from './usage/usageService';

/**
 * What the custom server builds at start-up and route handlers use.
 *
 * Next bundles route handlers separately from the custom server, so a module
 * imported by both is two instances. The runtime is therefore handed over
 * through one well-known global symbol, set once by `server/main.ts`.
 */
export interface Runtime {
  clusters: ClusterRegistry;
  auth: {
    settings: AuthSettings;
    revocations: Revocations;
    /** next-auth's configuration, used by `app/api/auth/[...nextauth]`. */
    options: NextAuthOptions;
  };
  live: LiveData;
  /** Usage metrics sampled from metrics.k8s.io. */
  usage: UsageService;
  /** With REDIS_URL: this replica's place in the fleet. */
  fleet?: Fleet;
  config: ServerConfig;
  /** Team yards and everyone's own yard (the Yard's catalog and open rooms). */
  yards: Yards;
  /** Who is on which page, across the fleet. */
  presence: PresenceHub;
  /** Aborted when the server starts draining. */
  signal: AbortSignal;
  startedAt: Date;
}

const KEY = Symbol.for('crowsnest.runtime');
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime): void {
  (globalThis as Holder)[KEY] = runtime;
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Holder)[KEY];
  if (!runtime) throw new Error('Crowsnest runtime is not initialised: start the portal with `npm start` (server/main.ts)');
  return runtime;
}
