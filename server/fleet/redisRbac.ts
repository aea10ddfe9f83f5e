import type { RbacCluster, RbacFeed } from '../authz/rbacFeed';
import { watchRbac, type RbacWatchOptions } from '../authz/rbacWatcher';
import type { InformerLease } from '../live/deltaBus';
import { sleep } from '../kube/watchLoop';
import { log } from '../log';
import { topicKeys } from './redisBus';
import { keepTrying } from './retry';
import { RedisScript, scriptError, type RedisCommander } from './redisScripts';

/** The channel on which RBAC owners announce changes and heartbeats to every replica. */
const CHANNEL = 'crowsnest:rbac';

/**
 * Stores the owner's notice and announces it, only while the lease still
 * holds the owner's token: a replica that lost the lease cannot speak for
 * the fleet. Returns 0 when refused.
 */
const ANNOUNCE = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[2])
return 1
`);

/** The owner steps down: its notice goes, and every replica hears that nobody vouches for RBAC now. */
const RETIRE = new RedisScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[3], ARGV[2])
return 1
`);

/** What the owner of a cluster's RBAC watches tells the fleet. */
export interface RbacNotice {
  cluster: string;
  replica: string;
  fence: string;
  /** Grows by one with every change the owner saw (a relist counts); a new owner starts again. */
  generation: number;
  /** Whether the owner's watches are known current. */
  current: boolean;
}

export interface RedisRbacSettings {
  /** A notice not renewed within this long is stale (the owner is gone, or cannot reach Redis). */
  ttlMs: number;
  /** How often the owner renews its notice and a follower reads it. */
  beatMs: number;
}

/** The lease topic of a cluster's RBAC watches. */
export function rbacTopic(cluster: string): string {
  return `${cluster}/rbac`;
}

function noticeKey(cluster: string): string {
  // Beside the lease, in the same hash slot.
  return `crowsnest:topic:{${rbacTopic(cluster)}}:rbac-notice`;
}

/** A notice from Redis, or null when it is not one (garbage is ignored, never trusted). */
export function parseNotice(text: string | null): RbacNotice | null {
  if (!text) return null;
  try {
    const n = JSON.parse(text) as Partial<RbacNotice>;
    if (typeof n.cluster !== 'string' || typeof n.replica !== 'string' || typeof n.fence !== 'string' || typeof n.generation !== 'number' || typeof n.current !== 'boolean') return null;
    return { cluster: n.cluster, replica: n.replica, fence: n.fence, generation: n.generation, current: n.current };
  } catch {
    return null;
  }
}

/**
 * RBAC watched once per cluster for the whole fleet. One replica holds the
 * cluster's `<cluster>/rbac` lease (the informers' lease machinery: spread,
 * fenced, taken over when the owner dies, handed over on SIGTERM) and runs
 * the RBAC watches; it announces every change, and a heartbeat saying
 * whether its watches are current, through a fenced notice in Redis and a
 * PUBLISH. The other replicas follow: a change empties their access-review
 * caches at once, and they take RBAC as current only while a fresh notice
 * says the owner's watches are. While Redis is away every replica owns its
 * clusters (the switching lease) and watches RBAC itself.
 */
export class RedisRbacFeed implements RbacFeed {
  private readonly followers = new Map<string, Set<ClusterRbac>>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly redis: RedisCommander,
    private readonly lease: InformerLease,
    private readonly replicaId: string,
    private readonly settings: RedisRbacSettings,
    signal: AbortSignal,
    /** Subscribes to a channel on a connection of its own. */
    subscribe: (channel: string, listener: (message: string) => void) => Promise<void>,
  ) {
    void keepTrying(signal, () =>
      subscribe(CHANNEL, (message) => {
        const notice = parseNotice(message);
        if (notice) for (const follower of this.followers.get(notice.cluster) ?? []) follower.heard(notice);
      }),
    );
  }

  follow(cluster: RbacCluster, options: RbacWatchOptions, signal: AbortSignal): void {
    const rbac = new ClusterRbac(cluster, options, this.redis, this.lease, this.replicaId, this.settings);
    let set = this.followers.get(cluster.name);
    if (!set) this.followers.set(cluster.name, (set = new Set()));
    set.add(rbac);
    const run = rbac.run(signal).finally(() => {
      set.delete(rbac);
      if (set.size === 0 && this.followers.get(cluster.name) === set) this.followers.delete(cluster.name);
      this.running.delete(run);
    });
    this.running.add(run);
  }

  /** Resolves once every cluster stopped and gave its lease back (before the Redis connections close). */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }
}

/** One cluster's RBAC on one replica: the owner's watches while it holds the lease, the owner's notices otherwise. */
class ClusterRbac {
  /** The ownership this replica holds, if any. */
  private owned?: { fence: string; current: boolean; generation: number };
  /** The last notice heard, and when. */
  private last?: { notice: RbacNotice; at: number };
  private reported = false;

  constructor(
    private readonly cluster: RbacCluster,
    private readonly options: RbacWatchOptions,
    private readonly redis: RedisCommander,
    private readonly lease: InformerLease,
    private readonly replicaId: string,
    private readonly settings: RedisRbacSettings,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.own(signal), this.follow(signal)]);
  }

  /** Whether this replica may trust that RBAC changes reach it in time. */
  private current(): boolean {
    if (this.owned) return this.owned.current;
    const last = this.last;
    return !!last && last.notice.current && Date.now() - last.at < this.settings.ttlMs;
  }

  private update(signal: AbortSignal): void {
    const now = this.current();
    if (now === this.reported || signal.aborted) return;
    this.reported = now;
    this.options.onCurrent(now);
  }

  /** A notice, announced or read: a change (or a new owner) empties the caches, and currentness follows it. */
  heard(notice: RbacNotice): void {
    const before = this.last?.notice;
    // A read answered after a newer announcement of the same owner is old news.
    if (before && before.fence === notice.fence && notice.generation < before.generation) return;
    this.last = { notice, at: Date.now() };
    const changed = !before || before.fence !== notice.fence || before.generation !== notice.generation;
    if (changed && !this.owned) {
      log.debug({ cluster: this.cluster.name, owner: notice.replica, generation: notice.generation }, 'rbac: a change announced by the fleet');
      this.options.onChange();
    }
  }

  /** Reads the notice every beat (announcements may be missed), and notices when it goes stale. */
  private async follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const notice = parseNotice(await this.redis.sendCommand<string | null>(['GET', noticeKey(this.cluster.name)]));
        if (notice && notice.cluster === this.cluster.name) this.heard(notice);
        else this.last = undefined;
      } catch {
        // Redis does not answer: the notice cannot be trusted beyond its age.
      }
      this.update(signal);
      await sleep(this.settings.beatMs, signal);
    }
  }

  /** Takes the cluster's RBAC lease whenever it is free, and watches RBAC for the fleet while it holds it. */
  private async own(signal: AbortSignal): Promise<void> {
    const topic = rbacTopic(this.cluster.name);
    while (!signal.aborted) {
      const ownership = await this.lease.acquire(topic, signal);
      if (!ownership) return;
      const refused = new AbortController();
      const owned = AbortSignal.any([signal, ownership.lost, refused.signal]);
      const state = { fence: ownership.fence, current: false, generation: 0 };
      this.owned = state;
      this.update(signal);
      const holder = `${this.replicaId}:${ownership.fence}`;
      const announce = () => {
        if (owned.aborted) return;
        const notice: RbacNotice = { cluster: this.cluster.name, replica: this.replicaId, fence: state.fence, generation: state.generation, current: state.current };
        ANNOUNCE.run<number>(this.redis, [topicKeys(topic).lease, noticeKey(this.cluster.name)], [holder, JSON.stringify(notice), this.settings.ttlMs, CHANNEL]).then(
          (ok) => {
            if (ok === 0 && !owned.aborted) refused.abort(new Error('another replica holds the RBAC lease'));
          },
          // Redis away: the fleet is switching to every replica watching for itself.
          (err: unknown) => log.debug({ cluster: this.cluster.name, err: scriptError(err) }, 'rbac: could not announce to the fleet'),
        );
      };
      log.info({ cluster: this.cluster.name, fence: ownership.fence }, 'rbac: watching this cluster’s RBAC for the fleet');
      const beat = setInterval(announce, this.settings.beatMs);
      try {
        await watchRbac(
          this.cluster.kubeConfig,
          {
            livenessMs: this.options.livenessMs,
            onChange: () => {
              state.generation++;
              this.options.onChange();
              announce();
            },
            onCurrent: (current) => {
              state.current = current;
              this.update(signal);
              announce();
            },
          },
          owned,
        );
      } finally {
        clearInterval(beat);
        this.owned = undefined;
        const why = refused.signal.aborted ? 'its announcement was refused' : ownership.lost.aborted ? 'lost the lease' : 'stopping';
        log.info({ cluster: this.cluster.name, fence: ownership.fence, why }, 'rbac: no longer watching this cluster’s RBAC for the fleet');
        const retired: RbacNotice = { cluster: this.cluster.name, replica: this.replicaId, fence: state.fence, generation: state.generation, current: false };
        await RETIRE.run(this.redis, [topicKeys(topic).lease, noticeKey(this.cluster.name)], [holder, JSON.stringify(retired), CHANNEL]).catch(() => undefined);
        await ownership.release();
        this.update(signal);
      }
    }
  }
}
