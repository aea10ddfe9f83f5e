'use client';

import { podResources } from '@/lib/kinds/pods';
import { at, formatSelector, num, str } from '@/lib/kinds/read';
import type { KubeObject } from '@/lib/kinds/types';
import { quantityOrNull } from '@/lib/ui/units';
import { UsagePanel, type Reference, type References } from './UsagePanel';

/** Workloads whose pods are found by `spec.selector`, and how many pods each wants. */
const WORKLOADS: Record<string, (o: KubeObject) => number | undefined> = {
  deployments: (o) => num(at(o, 'spec', 'replicas')),
  statefulsets: (o) => num(at(o, 'spec', 'replicas')),
  replicasets: (o) => num(at(o, 'spec', 'replicas')),
  daemonsets: (o) => num(at(o, 'status', 'desiredNumberScheduled')),
  jobs: (o) => num(at(o, 'spec', 'parallelism')),
};

function levels(values: string[], labels: string[], colors: string[], times = 1): Reference[] {
  const out: Reference[] = [];
  values.forEach((text, i) => {
    const value = quantityOrNull(text);
    if (value !== null && text !== '') out.push({ label: labels[i], value: value * times, color: colors[i] });
  });
  return out;
}

const REQUEST_LIMIT = ['var(--warning)', 'var(--error)'];

function podReferences(pod: KubeObject, times = 1, suffix = ''): References {
  return {
    cpu: levels(podResources(pod, 'cpu'), [`request${suffix}`, `limit${suffix}`], REQUEST_LIMIT, times),
    memory: levels(podResources(pod, 'memory'), [`request${suffix}`, `limit${suffix}`], REQUEST_LIMIT, times),
  };
}

/** The usage charts that belong on an object's page: a pod's containers, a node, a workload's pods summed. */
export function ObjectUsage({ cluster, kind, namespace, name, object }: { cluster: string; kind: string; namespace: string; name: string; object: KubeObject }) {
  if (kind === 'pods') {
    return <UsagePanel cluster={cluster} title="Usage by container" params={{ kind: 'pods', namespaces: namespace, name, group: 'container' }} references={podReferences(object, 1, 's (sum)')} />;
  }
  if (kind === 'nodes') {
    const allocatable = (resource: string) => [str(at(object, 'status', 'allocatable', resource)) ?? ''];
    return (
      <UsagePanel
        cluster={cluster}
        title="Node usage"
        params={{ kind: 'nodes', name }}
        references={{ cpu: levels(allocatable('cpu'), ['allocatable'], ['var(--muted)']), memory: levels(allocatable('memory'), ['allocatable'], ['var(--muted)']) }}
      />
    );
  }
  const wanted = WORKLOADS[kind];
  if (!wanted) return null;
  const selector = formatSelector(at(object, 'spec', 'selector'));
  if (selector === '<none>') return null;
  const template = { spec: at(object, 'spec', 'template', 'spec') } as KubeObject;
  const replicas = wanted(object) ?? 1;
  return (
    <UsagePanel
      cluster={cluster}
      title={`Usage of its pods (sum over ${selector})`}
      params={{ kind: 'pods', namespaces: namespace, labelSelector: selector, group: 'sum' }}
      references={podReferences(template, replicas, `s × ${replicas}`)}
    />
  );
}
