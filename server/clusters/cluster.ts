import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { Actor } from '../../lib/actor';
import type { ClusterAccess, ClusterSummary } from '../../lib/clusters';
import { AccessReviewer } from '../authz/accessReviewer';
import { localRbacFeed, type RbacFeed } from '../authz/rbacFeed';
import { sharingConnections } from '../kube/agentPool';
import { log } from '../log';

const PROBE_TIMEOUT_MS = 5_000;
const PROBE_CACHE_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A readable reason from whatever client-node threw. */
export function describeError(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: number | string; body?: unknown; message?: string; cause?: { code?: string } };
    if (typeof e.body === 'string') {
      try {
        const status = JSON.parse(e.body) as { message?: string };
        if (status.message) return status.message;
      } catch {
        /* not a Status body */
      }
    }
    if (e.cause?.code) return `${e.cause.code}: ${e.message ?? 'request failed'}`;
    if (e.message) return e.message;
  }
  return String(err);
}

/**
 * One cluster the portal serves: a kubeconfig context. Calls made with
 * `kubeConfig` use the portal's own identity (for the shared cache and
 * access reviews only).
 */
export class Cluster {
  readonly server: string;
  /** Access reviews for people, asked with the portal's identity; emptied whenever RBAC changes. */
  readonly access: AccessReviewer;
  private lastProbe?: { at: number; result: Promise<ClusterSummary> };
  private namespaceCache?: { at: number; names: Promise<string[]> };

  private readonly rbacLivenessMs?: number;

  constructor(
    readonly name: string,
    readonly kubeConfig: KubeConfig,
    { accessReviewTtlMs, rbacLivenessMs }: { accessReviewTtlMs?: number; rbacLivenessMs?: number } = {},
  ) {
    // The portal's own calls (access reviews, namespaces, the version) reuse their connections.
    sharingConnections(kubeConfig);
    this.server = kubeConfig.getCurrentCluster()?.server ?? '';
    this.access = new AccessReviewer(kubeConfig, { ttlMs: accessReviewTtlMs });
    this.rbacLivenessMs = rbacLivenessMs;
  }

  /**
   * Starts what runs for the cluster's whole life (following its RBAC: this
   * replica's own watches, or the fleet's), until `signal` aborts.
   */
  start(signal: AbortSignal, rbac: RbacFeed = localRbacFeed): void {
    signal.addEventListener('abort', () => this.access.stop(), { once: true });
    const onCurrent = (current: boolean) => {
      log.info(
        { cluster: this.name, current },
        current ? 'rbac: changes are known to arrive; access answers kept for their full TTL' : 'rbac: changes may not arrive in time; access answers kept briefly and re-checked',
      );
      this.access.setRbacCurrent(current);
    };
    rbac.follow(this, { onChange: () => this.access.invalidate(), onCurrent, livenessMs: this.rbacLivenessMs }, signal);
  }

  /** The cluster's namespaces, as the portal sees them; cached briefly. */
  namespaces(): Promise<string[]> {
    const now = Date.now();
    if (!this.namespaceCache || now - this.namespaceCache.at > PROBE_CACHE_MS) {
      const names = this.kubeConfig
        .makeApiClient(CoreV1Api)
        .listNamespace()
        .then((list) => list.items.map((ns) => ns.metadata?.name ?? '').filter(Boolean));
      this.namespaceCache = { at: now, names };
      names.catch(() => (this.namespaceCache = undefined));
    }
    return this.namespaceCache.names;
  }

  /** Where `actor` may list pods: the whole cluster, some namespaces, or nowhere. */
  async accessFor(actor: Actor): Promise<ClusterAccess> {
    const check = { verb: 'list', group: '', resource: 'pods' };
    if (await this.access.can(actor, check)) return { scope: 'cluster' };
    const { allowed } = await this.access.allowedNamespaces(actor, check, await this.namespaces());
    return allowed.length > 0 ? { scope: 'namespaces', namespaces: allowed } : { scope: 'none' };
  }

  /** The summary, plus what `actor` may see; the node count only for those who may list nodes. */
  async summaryFor(actor: Actor): Promise<ClusterSummary> {
    const { nodeCount, ...summary } = await this.summary();
    if (summary.status !== 'reachable') return summary;
    try {
      const [access, mayListNodes] = await withTimeout(
        Promise.all([this.accessFor(actor), this.access.can(actor, { verb: 'list', group: '', resource: 'nodes' })]),
        PROBE_TIMEOUT_MS,
        'the access review',
      );
      return { ...summary, access, ...(mayListNodes && nodeCount !== undefined ? { nodeCount } : {}) };
    } catch (err) {
      return { ...summary, error: `could not check your access: ${describeError(err)}` };
    }
  }

  /** Version and node count, or why the cluster cannot be reached; cached briefly, one probe in flight. */
  summary(): Promise<ClusterSummary> {
    const now = Date.now();
    if (!this.lastProbe || now - this.lastProbe.at > PROBE_CACHE_MS) {
      this.lastProbe = { at: now, result: this.probe() };
    }
    return this.lastProbe.result;
  }

  private async probe(): Promise<ClusterSummary> {
    const base = { name: this.name, server: this.server };
    let version: string | undefined;
    try {
      version = (await withTimeout(this.kubeConfig.makeApiClient(VersionApi).getCode(), PROBE_TIMEOUT_MS, 'the API server')).gitVersion;
    } catch (err) {
      return { ...base, status: 'unreachable', error: describeError(err) };
    }
    try {
      const nodeCount = await withTimeout(this.countNodes(), PROBE_TIMEOUT_MS, 'the node list');
      return { ...base, status: 'reachable', version, nodeCount };
    } catch (err) {
      // Reachable, but the node count is not to be had (e.g. not allowed to list nodes).
      return { ...base, status: 'reachable', version, error: describeError(err) };
    }
  }

  private async countNodes(): Promise<number> {
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    let count = 0;
    let cont: string | undefined;
    do {
      const page = await core.listNode({ limit: 500, _continue: cont });
      count += page.items.length;
      cont = page.metadata?._continue || undefined;
    } while (cont);
    return count;
  }
}
