import type { KubeConfig } from '@kubernetes/client-node';
import type { MetricsState } from '../../lib/usage';
import { describeError } from '../clusters/cluster';
import { KubeError, kubeJson } from '../kube/kubeRequest';
import type { InformerLease } from '../live/deltaBus';
import { sleep } from '../kube/watchLoop';
import { log } from '../log';
import { sampleFrom, type MetricsList } from './sample';
import type { UsageStore } from './usageStore';

const METRICS_PATH = '/apis/metrics.k8s.io/v1beta1';

/** What a failed read of metrics.k8s.io means for the people looking. */
export function stateOfError(err: unknown, since: string): MetricsState {
  if (err instanceof KubeError && err.status === 404) {
    return { state: 'not-installed', reason: `metrics.k8s.io is not served by this cluster (${err.message}): install metrics-server to see usage`, since };
  }
  if (err instanceof KubeError && err.status === 503) {
    return { state: 'unavailable', reason: `the metrics API is installed but does not answer: ${err.message}`, since };
  }
  return { state: 'unavailable', reason: describeError(err), since };
}

/**
 * Samples one cluster's metrics.k8s.io every `intervalMs`, with the portal's
 * own identity, into the usage store. One sampler per cluster in the whole
 * fleet: it samples only while it holds the cluster's `usage` lease, the same
 * lease the informers use for their kinds; the other replicas read the store.
 */
export class UsageSampler {
  private current?: MetricsState;

  constructor(
    readonly cluster: string,
    private readonly kubeConfig: KubeConfig,
    private readonly store: UsageStore,
    private readonly lease: InformerLease,
    private readonly intervalMs: number,
  ) {}

  get topic(): string {
    return `${this.cluster}/usage`;
  }

  /** Runs until `signal` aborts; resolves once the lease is given back. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const ownership = await this.lease.acquire(this.topic, signal);
      if (!ownership) return;
      const owned = AbortSignal.any([signal, ownership.lost]);
      log.debug({ cluster: this.cluster, fence: ownership.fence }, 'usage: sampling this cluster');
      try {
        while (!owned.aborted) {
          const started = Date.now();
          await this.sampleOnce(owned);
          await sleep(Math.max(0, this.intervalMs - (Date.now() - started)), owned);
        }
      } finally {
        await ownership.release();
      }
    }
  }

  /** Reads node and pod metrics once and stores the sample, or the reason there is none. */
  async sampleOnce(signal?: AbortSignal): Promise<void> {
    const timeoutMs = Math.min(10_000, Math.max(2_000, this.intervalMs));
    try {
      const [nodes, pods] = await Promise.all([
        kubeJson<MetricsList>(this.kubeConfig, { path: `${METRICS_PATH}/nodes`, signal, timeoutMs }),
        kubeJson<MetricsList>(this.kubeConfig, { path: `${METRICS_PATH}/pods`, signal, timeoutMs }),
      ]);
      if (signal?.aborted) return;
      await this.store.append(this.cluster, sampleFrom(Date.now(), nodes, pods));
      await this.setState({ state: 'ok', since: new Date().toISOString() });
    } catch (err) {
      if (signal?.aborted) return;
      const state = stateOfError(err, new Date().toISOString());
      if (this.current?.state !== state.state) log.warn({ cluster: this.cluster, state: state.state, reason: state.reason }, 'usage: cannot read metrics.k8s.io');
      await this.setState(state);
    }
  }

  /** A state keeps its `since` while it lasts; the store hears of every sample so followers know the state is current. */
  private async setState(state: MetricsState): Promise<void> {
    const next = this.current?.state === state.state && this.current.reason === state.reason ? this.current : state;
    this.current = next;
    await this.store.setState(this.cluster, next);
  }
}
