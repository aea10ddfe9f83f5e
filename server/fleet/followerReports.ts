import { sleep } from '../live/informer';
import type { LiveData } from '../live/liveData';
import type { FleetFollower } from '../../lib/live/fleetView';
import type { RedisCommander } from './redisScripts';

/** A report older than this many intervals is from a replica that stopped reporting. */
const STALE_INTERVALS = 3;

/** One replica's copy of a topic, as it reported it. */
type Report = Omit<FleetFollower, 'lagDeltas'> & { reportedAt: number };

function followersKey(topic: string): string {
  return `crowsnest:topic:{${topic}}:followers`;
}

/**
 * Where each replica's copy of each topic it serves is, reported to Redis
 * every `intervalMs` (a hash per topic, a field per replica), so that any
 * replica can tell how far every follower trails the topic's stream: for
 * diagnostics only; nothing waits on it.
 */
export class FollowerReports {
  constructor(
    private readonly redis: RedisCommander,
    private readonly replicaId: string,
    private readonly intervalMs: number,
    private readonly signal: AbortSignal,
  ) {}

  /** Reports `live`'s mirrors until the signal aborts; a report that fails (Redis away) is skipped. */
  start(live: LiveData): void {
    void (async () => {
      while (!this.signal.aborted) {
        await this.report(live).catch(() => undefined);
        await sleep(this.intervalMs, this.signal);
      }
    })();
  }

  private async report(live: LiveData): Promise<void> {
    const now = Date.now();
    const writes: Array<Promise<unknown>> = [];
    for (const cluster of live.all()) {
      for (const informer of cluster.informers()) {
        const key = followersKey(`${cluster.cluster.name}/${informer.kind}`);
        const report: Report = { replica: this.replicaId, position: informer.position, lastDelta: informer.lastDelta, reportedAt: now };
        writes.push(this.redis.sendCommand(['HSET', key, this.replicaId, JSON.stringify(report)]));
        writes.push(this.redis.sendCommand(['PEXPIRE', key, String(this.intervalMs * STALE_INTERVALS * 2)]));
      }
    }
    await Promise.all(writes);
  }

  /** The recent reports on `topic`, of the replicas in `live` only. */
  async read(topic: string, live: readonly string[]): Promise<Report[]> {
    const flat = await this.redis.sendCommand<string[]>(['HGETALL', followersKey(topic)]);
    const fresh = Date.now() - this.intervalMs * STALE_INTERVALS;
    const reports: Report[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      if (!live.includes(flat[i])) continue;
      try {
        const report = JSON.parse(flat[i + 1]) as Report;
        if (report.replica === flat[i] && typeof report.position === 'string' && report.reportedAt >= fresh) reports.push(report);
      } catch {
        // Not a report: ignored (diagnostics only).
      }
    }
    return reports;
  }
}
