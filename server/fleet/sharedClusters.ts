import { ConfigError } from '../config';
import { sleep } from '../kube/watchLoop';
import { log } from '../log';
import type { FleetLink } from './fleetLink';
import { RedisScript, type RedisCommander } from './redisScripts';

/** Records the cluster's API server for the fleet, or returns the one already recorded when it differs. */
const CLAIM = new RedisScript(`
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`);

const TTL_MS = 60_000;

/**
 * A fleet shares informers per cluster name, so every replica must mean the
 * same API server by a name. Each replica records its clusters' servers in
 * Redis (renewed while it lives); a replica whose cluster of the same name is
 * another server refuses to start: in demo mode that is a second replica that
 * started its own simulated cluster.
 */
export async function claimSharedClusters(redis: RedisCommander, link: FleetLink, clusters: Array<{ name: string; server: string }>, signal: AbortSignal): Promise<void> {
  const claim = async () => {
    for (const { name, server } of clusters) {
      const other = await CLAIM.run<string | null>(redis, [`crowsnest:cluster:{${name}}`], [server, TTL_MS]);
      if (typeof other === 'string') {
        throw new ConfigError(
          `cluster "${name}" is ${other} for the rest of the fleet but ${server} here: every replica sharing REDIS_URL must serve the same clusters` +
            ' (in demo mode each replica starts its own simulated cluster; run a fleet against one cluster, as `npm run fleet` does)',
        );
      }
    }
  };
  if (link.state === 'up') await claim();
  void (async () => {
    while (!signal.aborted) {
      await sleep(TTL_MS / 3, signal);
      if (signal.aborted || link.state !== 'up') continue;
      await claim().catch((err: Error) => log.error({ err: err.message }, 'a cluster of this replica is another API server for the rest of the fleet'));
    }
  })();
}
