import { quantityOrNull } from '../../lib/ui/units';

/** CPU in cores and memory in bytes. */
export type Usage = [cpu: number, memory: number];

export interface PodSample {
  labels: Record<string, string>;
  containers: Record<string, Usage>;
}

/** One reading of a cluster's metrics.k8s.io: every node and every running pod at time `t` (ms). */
export interface UsageSample {
  t: number;
  nodes: Record<string, Usage>;
  /** By `namespace/name`. */
  pods: Record<string, PodSample>;
}

interface MetricsItem {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  usage?: { cpu?: string; memory?: string };
  containers?: Array<{ name?: string; usage?: { cpu?: string; memory?: string } }>;
}

export interface MetricsList {
  items?: MetricsItem[];
}

function usageOf(usage: MetricsItem['usage']): Usage | null {
  const cpu = quantityOrNull(usage?.cpu);
  const memory = quantityOrNull(usage?.memory);
  return cpu === null || memory === null ? null : [cpu, memory];
}

/** A sample from the NodeMetricsList and PodMetricsList metrics-server answered; entries it cannot read are left out. */
export function sampleFrom(t: number, nodes: MetricsList, pods: MetricsList): UsageSample {
  const sample: UsageSample = { t, nodes: {}, pods: {} };
  for (const item of nodes.items ?? []) {
    const usage = usageOf(item.usage);
    if (item.metadata?.name && usage) sample.nodes[item.metadata.name] = usage;
  }
  for (const item of pods.items ?? []) {
    const { name, namespace, labels } = item.metadata ?? {};
    if (!name || !namespace) continue;
    const containers: Record<string, Usage> = {};
    for (const container of item.containers ?? []) {
      const usage = usageOf(container.usage);
      if (container.name && usage) containers[container.name] = usage;
    }
    sample.pods[`${namespace}/${name}`] = { labels: labels ?? {}, containers };
  }
  return sample;
}

export function podTotal(pod: PodSample): Usage {
  let cpu = 0;
  let memory = 0;
  for (const [c, m] of Object.values(pod.containers)) {
    cpu += c;
    memory += m;
  }
  return [cpu, memory];
}
