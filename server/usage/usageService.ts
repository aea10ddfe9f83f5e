import type { Actor } from '../../lib/actor';
import { nodes as nodeKind } from '../../lib/kinds/nodes';
import { pods as podKind } from '../../lib/kinds/pods';
import type { MetricsState, UsageResponse } from '../../lib/usage';
import type { Cluster } from '../clusters/cluster';
import type { ClusterRegistry } from '../clusters/clusterRegistry';
import { HttpError } from '../http/errors';
import type { InformerLease } from '../live/deltaBus';
import { forbiddenMessage } from '../live/view';
import { buildSeries, type UsageQuery, type Visible } from './usageQuery';
import { UsageSampler } from './usageSampler';
import type { UsageStore } from './usageStore';

/**
 * Usage metrics for every cluster the portal serves: a sampler per cluster
 * (sampling only where this replica holds the cluster's lease) and the
 * answers to the usage route, filtered to what the person may list, checked
 * with the same access reviews as the live lists.
 */
export class UsageService {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly clusters: ClusterRegistry,
    private readonly store: UsageStore,
    private readonly lease: InformerLease,
    readonly intervalMs: number,
    private readonly signal: AbortSignal,
  ) {}

  start(): void {
    for (const name of this.clusters.names()) this.add(this.clusters.get(name)!);
    this.clusters.onChange(({ added, removed }) => {
      for (const name of removed) this.remove(name);
      for (const cluster of added) this.add(cluster);
    });
  }

  /** After the signal aborted: resolves when every sampler gave its lease back. */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private add(cluster: Cluster): void {
    this.remove(cluster.name);
    const controller = new AbortController();
    const signal = AbortSignal.any([this.signal, controller.signal]);
    const sampler = new UsageSampler(cluster.name, cluster.kubeConfig, this.store, this.lease, this.intervalMs);
    this.running.set(cluster.name, { controller, done: sampler.run(signal) });
  }

  private remove(name: string): void {
    this.running.get(name)?.controller.abort();
    this.running.delete(name);
  }

  /** The series the query asks for, of what `actor` may list; 403 in Kubernetes' words when nothing. */
  async query(clusterName: string, actor: Actor, query: UsageQuery): Promise<UsageResponse> {
    const cluster = this.clusters.get(clusterName);
    if (!cluster) throw new HttpError(404, `unknown cluster "${clusterName}"`);
    const { visible, errors } = await this.visibleTo(cluster, actor, query);
    const metrics: MetricsState = (await this.store.state(clusterName)) ?? { state: 'starting', since: this.startedAt };
    const samples = query.latest
      ? [await this.store.latest(clusterName)].filter((s) => s !== undefined)
      : await this.store.samples(clusterName, Date.now() - query.windowMs);
    const { times, series } = buildSeries(samples, query, visible);
    return { kind: query.kind, intervalSeconds: this.intervalMs / 1000, metrics, times, series, errors };
  }

  private async visibleTo(cluster: Cluster, actor: Actor, query: UsageQuery): Promise<{ visible: Visible; errors: UsageResponse['errors'] }> {
    const access = cluster.access;
    if (query.kind === 'nodes') {
      if (!(await access.can(actor, { verb: 'list', group: '', resource: 'nodes' }))) throw new HttpError(403, forbiddenMessage(actor, nodeKind));
      return { visible: null, errors: [] };
    }
    const check = { verb: 'list', group: '', resource: 'pods' };
    if (query.namespaces === null) {
      if (await access.can(actor, check)) return { visible: null, errors: [] };
      const { allowed } = await access.allowedNamespaces(actor, check, await cluster.namespaces());
      if (allowed.length === 0) throw new HttpError(403, forbiddenMessage(actor, podKind));
      return { visible: new Set(allowed), errors: [] };
    }
    const { allowed, denied } = await access.allowedNamespaces(actor, check, query.namespaces);
    if (allowed.length === 0) throw new HttpError(403, forbiddenMessage(actor, podKind, denied[0]));
    return {
      visible: new Set(allowed),
      errors: denied.map((namespace) => ({ namespace, code: 403 as const, message: forbiddenMessage(actor, podKind, namespace) })),
    };
  }
}
