import type { Actor } from '../../lib/actor';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { BUILTIN_KINDS, customResourceKind, isWatchStreamEnabled, kindByToken, type WatchStreams } from '../../lib/kinds';
import type { KindDefinition, KubeObject } from '../../lib/kinds/types';
import type { Cluster } from '../clusters/cluster';
import { HttpError } from '../http/errors';
import { KubeError, kubeJson } from '../kube/kubeRequest';
import { log } from '../log';
import { CorruptTopic, LeaseLost, type DeltaBus, type InformerLease, type Ownership } from './deltaBus';
import { apiPath, backoffMs, Informer, sleep, type InformerMode, type InformerStatus } from './informer';
import { KindMirror } from './kindMirror';
import type { KindHealth } from '../../lib/live/protocol';

/** Whether pod and node metrics can be shown. */
export type MetricsState =
  | { state: 'available' }
  | { state: 'not-installed'; reason: string }
  | { state: 'not-permitted'; reason: string };

/** How the portal can serve a kind, given its own permissions and the configuration. */
export type KindState =
  | { state: 'streaming' }
  | { state: 'polling'; reason: string }
  | { state: 'disabled'; reason: string };

export interface LiveOptions {
  bus: DeltaBus;
  lease: InformerLease;
  watchStreams: WatchStreams;
  /** An informer nobody has used for this long is stopped. */
  idleMs: number;
  ringSize: number;
  ringBytes: number;
  pollIntervalMs: number;
  livenessMs: number;
  /** How long a first request waits for an informer's first list. */
  syncTimeoutMs: number;
}

/** Always running: the namespaces feed access filtering, the CRDs feed the custom kinds. */
const ALWAYS_ON = ['namespaces', 'crds'];

interface Running {
  kind: KindDefinition;
  mode: InformerMode;
  mirror: KindMirror;
  informer?: Informer;
  /** This replica's hold on the kind's lease while it runs the informer. */
  ownership?: { fence: string; since: number };
  controller: AbortController;
  users: number;
  idleTimer?: NodeJS.Timeout;
  unsubscribe: () => void;
}

/**
 * The live kinds of one cluster: the kind catalog (built-in kinds and one per
 * CRD), what the portal's identity may do with each, and one informer per
 * kind in use, started on first demand and stopped when idle.
 */
export class ClusterLive {
  private readonly running = new Map<string, Running>();
  private customKinds = new Map<string, KindDefinition>();
  /** Whether the custom kinds were read from the CRDs at least once. */
  private customKindsKnown = false;
  private customKindsFirstRead!: () => void;
  /** Settles when the CRDs were first read, or that read failed. */
  private readonly customKindsRead = new Promise<void>((resolve) => (this.customKindsFirstRead = resolve));
  private readonly states = new Map<string, Promise<KindState>>();
  private customRefresh?: NodeJS.Timeout;
  private started = false;
  /** The ownership loops of running kinds: each ends (its lease released) after its kind stops. */
  private readonly owning = new Set<Promise<void>>();
  /** Set when the replica drains: kinds are followed from here on, never owned. */
  private handedOver = false;

  constructor(
    readonly cluster: Cluster,
    private readonly options: LiveOptions,
    private readonly signal: AbortSignal,
  ) {
    const stopAll = () => {
      for (const entry of this.running.values()) entry.controller.abort();
    };
    signal.addEventListener('abort', stopAll, { once: true });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const token of ALWAYS_ON) {
      void this.acquire(token)
        .then(({ mirror }) => {
          if (token === 'crds') {
            mirror.subscribe(() => this.scheduleCustomRefresh());
            this.scheduleCustomRefresh();
          }
        })
        .catch((err: unknown) => {
          log.warn({ cluster: this.cluster.name, token, err: (err as Error).message }, 'could not start an always-on informer');
          // The CRDs will not be read: pages stop waiting for them.
          if (token === 'crds') this.customKindsFirstRead();
        });
    }
    this.signal.addEventListener('abort', () => clearTimeout(this.customRefresh), { once: true });
  }

  /** Every kind: built-in, then custom resources by token. */
  kinds(): KindDefinition[] {
    return [...BUILTIN_KINDS, ...[...this.customKinds.values()].sort((a, b) => a.token.localeCompare(b.token))];
  }

  /**
   * The kinds `actor` may learn of: every built-in kind (they are Kubernetes'
   * own), and a custom kind only when the person may list CRDs, or may list
   * the kind cluster-wide or in one of the namespaces where they may list
   * pods — which CRDs are installed is not everybody's to know.
   */
  async kindsVisibleTo(actor: Actor): Promise<KindDefinition[]> {
    const all = this.kinds();
    const visible = await Promise.all(all.map((kind) => this.mayLearnOf(actor, kind)));
    return all.filter((_, i) => visible[i]);
  }

  /** Whether `actor` may learn that the kind exists (see kindsVisibleTo). */
  private async mayLearnOf(actor: Actor, kind: KindDefinition): Promise<boolean> {
    if (kind.crdName === undefined) return true;
    const access = this.cluster.access;
    if (await access.can(actor, { verb: 'list', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' })) return true;
    const check = { verb: 'list', group: kind.group, resource: kind.plural };
    if (await access.can(actor, check)) return true;
    if (!kind.namespaced) return false;
    const home = await this.cluster.accessFor(actor);
    if (home.scope !== 'namespaces') return false;
    return (await access.allowedNamespaces(actor, check, home.namespaces)).allowed.length > 0;
  }

  kind(token: string): KindDefinition | undefined {
    return kindByToken(token) ?? this.customKinds.get(token);
  }

  /**
   * The kind of `token` as `actor` may know it: a custom kind the person may
   * not learn of is answered exactly like one that does not exist (404), so
   * the portal's own routes do not tell which CRDs are installed.
   */
  async kindFor(actor: Actor, token: string): Promise<KindDefinition> {
    const kind = this.kind(token);
    if (!kind || !(await this.mayLearnOf(actor, kind))) throw new HttpError(404, `unknown kind "${token}" in cluster "${this.cluster.name}"`);
    return kind;
  }

  /**
   * Whether `token` names a kind `actor` may learn of, for a page's answer: undefined when that cannot be told
   * within `waitMs` (the CRDs not read yet, the access reviews slow or failing), so that no page is refused
   * for want of an answer; its list then says what the API answers.
   */
  async knowsKind(actor: Actor, token: string, waitMs = 3000): Promise<boolean | undefined> {
    if (kindByToken(token)) return true;
    const answer = (async () => {
      await this.customKindsRead;
      if (!this.customKindsKnown) return undefined;
      // As the API answers: a 404 is an unknown kind; any other failure tells nothing.
      return this.kindFor(actor, token).then(
        () => true,
        (err: unknown) => (err instanceof HttpError && err.status === 404 ? false : undefined),
      );
    })();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([answer, new Promise<undefined>((resolve) => (timer = setTimeout(resolve, waitMs, undefined)))]);
    } finally {
      clearTimeout(timer);
    }
  }

  streamEnabled(token: string): boolean {
    return isWatchStreamEnabled(this.options.watchStreams, token);
  }

  /** What the portal's own identity may do with the kind (asked once per kind, then cached). */
  kindState(kind: KindDefinition): Promise<KindState> {
    let state = this.states.get(kind.token);
    if (!state) {
      state = this.computeState(kind);
      this.states.set(kind.token, state);
      state.catch(() => this.states.delete(kind.token));
    }
    return state;
  }

  /** Forget cached permission answers (RBAC changed). */
  invalidateStates(): void {
    this.states.clear();
    this.metrics = undefined;
  }

  private metrics?: Promise<MetricsState>;

  /** Whether pod and node metrics can be shown: "not installed" and "not permitted" are different answers. */
  metricsState(): Promise<MetricsState> {
    if (!this.metrics) {
      this.metrics = this.computeMetricsState();
      this.metrics.catch(() => (this.metrics = undefined));
    }
    return this.metrics;
  }

  private async computeMetricsState(): Promise<MetricsState> {
    try {
      await kubeJson(this.cluster.kubeConfig, { path: '/apis/metrics.k8s.io', signal: this.signal, timeoutMs: 10_000 });
    } catch (err) {
      if (err instanceof KubeError && err.status === 404) return { state: 'not-installed', reason: 'metrics.k8s.io is not served by this cluster (install metrics-server)' };
      throw err;
    }
    const api = this.cluster.kubeConfig.makeApiClient(AuthorizationV1Api);
    const review = await api.createSelfSubjectAccessReview({
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'list', group: 'metrics.k8s.io', resource: 'pods' } } },
    });
    if (review.status?.allowed !== true) return { state: 'not-permitted', reason: "the portal's identity may not list pods.metrics.k8s.io" };
    return { state: 'available' };
  }

  private async computeState(kind: KindDefinition): Promise<KindState> {
    const api = this.cluster.kubeConfig.makeApiClient(AuthorizationV1Api);
    const ask = async (verb: string) =>
      (
        await api.createSelfSubjectAccessReview({
          body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group: kind.group, resource: kind.plural } } },
        })
      ).status?.allowed === true;
    const [list, watch] = await Promise.all([ask('list'), ask('watch')]);
    if (!list) return { state: 'disabled', reason: `the portal's identity may not list ${kind.plural}${kind.group ? `.${kind.group}` : ''}` };
    if (!watch) return { state: 'polling', reason: `the portal's identity may list but not watch ${kind.plural}` };
    if (!this.streamEnabled(kind.token)) return { state: 'polling', reason: 'watch streams for this kind are switched off (CROWSNEST_WATCH_STREAMS)' };
    return { state: 'streaming' };
  }

  /**
   * Uses the kind's informer (starting it if needed) until `release` is called;
   * resolves once its cache holds a full list (a 503 after the sync timeout),
   * or with `allowUnsynced` after at most `syncWaitMs` either way (the caller
   * checks `mirror.synced`).
   */
  async acquire(token: string, { allowUnsynced = false, syncWaitMs = 0 } = {}): Promise<{ mirror: KindMirror; kind: KindDefinition; release: () => void }> {
    const kind = this.kind(token);
    if (!kind) throw new HttpError(404, `unknown kind "${token}" in cluster "${this.cluster.name}"`);
    let entry = this.running.get(token);
    if (!entry) {
      const state = await this.kindState(kind);
      if (state.state === 'disabled') throw new HttpError(403, `${kind.title} are not available: ${state.reason}`);
      entry = this.running.get(token) ?? this.startInformer(kind, state.state === 'streaming' ? 'watch' : 'poll');
    }
    const running = entry;
    running.users++;
    clearTimeout(running.idleTimer);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      running.users--;
      if (running.users === 0 && !ALWAYS_ON.includes(token)) {
        running.idleTimer = setTimeout(() => this.stop(token), this.options.idleMs);
        running.idleTimer.unref?.();
      }
    };
    if (allowUnsynced) {
      if (!running.mirror.synced && syncWaitMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([running.mirror.whenSynced(), new Promise((resolve) => (timer = setTimeout(resolve, syncWaitMs)))]);
        clearTimeout(timer);
      }
      return { mirror: running.mirror, kind, release };
    }
    try {
      await withTimeout(running.mirror.whenSynced(), this.options.syncTimeoutMs, () => {
        const status = running.informer?.snapshotStatus();
        return new HttpError(503, `${kind.title} are not loaded yet${status?.lastError ? `: ${status.lastError}` : ''}; try again shortly`, { 'Retry-After': '2' });
      });
    } catch (err) {
      release();
      throw err;
    }
    return { mirror: running.mirror, kind, release };
  }

  /**
   * Stops every informer and gives its lease back, so another replica takes the kind over at once; the
   * mirrors go on following the kinds (from their new owners), and a kind wanted from now on is only
   * followed. Resolves once every lease was given back.
   */
  async handOver(): Promise<void> {
    this.handedOver = true;
    for (const entry of this.running.values()) entry.controller.abort();
    await this.settled();
  }

  /** Resolves when every informer has stopped and given its lease back (after the signal aborted). */
  async settled(): Promise<void> {
    await Promise.all([...this.owning]);
  }

  /**
   * The kinds this replica serves, for diagnostics: whether it owns each (runs
   * its informer, with its fencing token) or follows the owner, the position
   * its mirror is at, and the last delta's lag from the owner's informer.
   */
  informers(): Array<{ kind: string; users: number; owned: boolean; fence?: string; ownedSince?: number; position: string; rows: number; lastDelta: { at: number; lagMs: number } | null; status?: InformerStatus }> {
    return [...this.running.values()].map((r) => ({
      kind: r.kind.token,
      users: r.users,
      owned: r.informer !== undefined,
      fence: r.ownership?.fence,
      ownedSince: r.ownership?.since,
      position: `${r.mirror.epoch}-${r.mirror.position.seq}`,
      rows: r.mirror.size,
      lastDelta: r.mirror.lastDelta,
      status: r.informer?.snapshotStatus(),
    }));
  }

  /**
   * The portal's connection to the cluster, from the informers of this
   * replica's kinds (their owners' reports, wherever they run): the worst
   * state, with the earliest `since` of that state and its reason. A kind
   * that failed on its own (a custom resource whose API went away, one kind
   * the portal may no longer list) does not make the whole cluster
   * unreachable; the always-on kinds failing does. Undefined until some kind reported.
   */
  health(): KindHealth | undefined {
    const rank = { synced: 0, reconnecting: 1, failed: 2 } as const;
    let worst: KindHealth | undefined;
    for (const { kind, mirror } of this.running.values()) {
      const h = mirror.health;
      if (!h || (h.state === 'failed' && !ALWAYS_ON.includes(kind.token))) continue;
      if (!worst || rank[h.state] > rank[worst.state] || (h.state === worst.state && h.since < worst.since)) worst = h;
    }
    return worst;
  }

  private startInformer(kind: KindDefinition, mode: InformerMode): Running {
    const topic = `${this.cluster.name}/${kind.token}`;
    // Stopped with the cluster by the one listener in the constructor (not one listener per kind on the cluster's signal).
    const controller = new AbortController();
    if (this.signal.aborted || this.handedOver) controller.abort();
    const mirror = new KindMirror(kind.token, 'none', this.options.ringSize, this.options.ringBytes);
    const unsubscribeRows = this.options.bus.subscribe(topic, (message) => {
      if (message.type === 'reset') mirror.reset(message.epoch, message.seq, message.rows, message.recent);
      else if (message.epoch === mirror.epoch) mirror.apply(message.delta, message.at);
    });
    const unsubscribeHealth = this.options.bus.onHealth(topic, (health) => mirror.setHealth(health));
    const unsubscribe = () => {
      unsubscribeRows();
      unsubscribeHealth();
    };
    const entry: Running = { kind, mode, mirror, controller, users: 0, unsubscribe };
    this.running.set(kind.token, entry);
    const owning = this.own(entry, topic);
    this.owning.add(owning);
    void owning.finally(() => this.owning.delete(owning));
    return entry;
  }

  /**
   * While this replica wants the kind: wait for the topic's lease, then run
   * its informer from the topic's history (its epoch and rows continue) until
   * the lease is lost or a write is refused, and try again.
   */
  private async own(entry: Running, topic: string): Promise<void> {
    const signal = entry.controller.signal;
    let failures = 0;
    // Set when the stored history is unreadable: the next owner begins a new epoch instead of continuing it.
    let beginAnew = false;
    while (!signal.aborted) {
      let ownership: Ownership | null = null;
      // Reports while waiting for the lease only mark the history for a new epoch; once owned, they also end this run.
      let corrupted: AbortController | undefined;
      const offCorrupt = this.options.bus.onCorrupt?.(topic, (why) => {
        beginAnew = true;
        corrupted?.abort(new Error(why));
      });
      try {
        ownership = await this.options.lease.acquire(topic, signal);
        if (!ownership) break;
        // The lease's age counts from here, not from the end of loading the stored history.
        const since = Date.now();
        corrupted = new AbortController();
        const initial = beginAnew ? null : await this.options.bus.current(topic).catch((err: unknown) => {
          if (!(err instanceof CorruptTopic)) throw err;
          log.error({ cluster: this.cluster.name, kind: entry.kind.token, err: err.message }, 'the stored history is unreadable; beginning a new epoch');
          return null;
        });
        beginAnew = false;
        const informer = new Informer({
          kubeConfig: this.cluster.kubeConfig,
          kind: entry.kind,
          mode: entry.mode,
          bus: this.options.bus,
          topic,
          fence: ownership.fence,
          initial,
          cluster: this.cluster.name,
          pollIntervalMs: this.options.pollIntervalMs,
          livenessMs: this.options.livenessMs,
        });
        entry.informer = informer;
        entry.ownership = { fence: ownership.fence, since };
        log.info({ cluster: this.cluster.name, kind: entry.kind.token, mode: entry.mode, fence: ownership.fence, continues: initial ? `${initial.epoch}-${initial.seq}` : null }, 'informer started');
        await informer.run(AbortSignal.any([signal, ownership.lost, corrupted.signal]));
        failures = 0;
        if (signal.aborted) continue;
        if (corrupted.signal.aborted) log.warn({ cluster: this.cluster.name, kind: entry.kind.token }, 'the stored history became unreadable; beginning a new epoch');
        else log.warn({ cluster: this.cluster.name, kind: entry.kind.token }, 'lost the informer lease; another replica serves the kind');
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof LeaseLost) {
          // Fenced off: a newer owner holds the kind (this replica was frozen or cut off past the lease).
          log.warn({ cluster: this.cluster.name, kind: entry.kind.token, err: err.message }, 'lost the informer lease; another replica serves the kind');
          continue;
        }
        failures++;
        log.warn({ cluster: this.cluster.name, kind: entry.kind.token, err: (err as Error).message }, 'informer ownership ended; trying again');
        await sleep(backoffMs(failures, 500, 10_000), signal);
      } finally {
        offCorrupt?.();
        entry.informer = undefined;
        entry.ownership = undefined;
        await ownership?.release().catch(() => undefined);
      }
    }
  }

  private stop(token: string): void {
    const entry = this.running.get(token);
    if (!entry || entry.users > 0) return;
    entry.controller.abort();
    entry.unsubscribe();
    this.running.delete(token);
    log.info({ cluster: this.cluster.name, kind: token }, 'informer stopped (idle)');
  }

  private scheduleCustomRefresh(): void {
    clearTimeout(this.customRefresh);
    this.customRefresh = setTimeout(() => void this.refreshCustomKinds(), 200);
  }

  /** Rebuilds the custom kinds from the CRDs (full objects: the printer columns are not in rows). */
  private async refreshCustomKinds(): Promise<void> {
    try {
      const crds = kindByToken('crds')!;
      const list = await kubeJson<{ items?: KubeObject[] }>(this.cluster.kubeConfig, { path: apiPath(crds), signal: this.signal, timeoutMs: 30_000 });
      const next = new Map<string, KindDefinition>();
      for (const crd of list.items ?? []) {
        const kind = customResourceKind(crd);
        if (kind) next.set(kind.token, kind);
      }
      for (const token of this.customKinds.keys()) {
        if (!next.has(token)) {
          const entry = this.running.get(token);
          if (entry) {
            entry.controller.abort();
            entry.unsubscribe();
            this.running.delete(token);
          }
          this.states.delete(token);
        }
      }
      this.customKinds = next;
      this.customKindsKnown = true;
    } catch (err) {
      if (!this.signal.aborted) log.warn({ cluster: this.cluster.name, err: (err as Error).message }, 'could not refresh custom resource kinds');
    } finally {
      this.customKindsFirstRead();
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms)))]).finally(() => clearTimeout(timer));
}
