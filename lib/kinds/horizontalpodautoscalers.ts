import { arr, at, baseRow, condition, defineKind, intOrString, isRecord, num, rec, str } from './read';
import type { Json } from './read';

/** The source object of a metric spec/status, keyed by its type (`Resource` → `resource`). */
function source(metric: Json): Json {
  const type = str(metric.type) ?? '';
  return rec(metric[type.charAt(0).toLowerCase() + type.slice(1)]);
}

/** Targets and current values are quantities (`500Mi`, `90m`) or plain numbers. */
const quantity = intOrString;

/** One `current/target` pair; `<unknown>` where the controller has not measured yet. */
function formatMetric(spec: Json, current: Json | undefined): string {
  const type = str(spec.type) ?? '';
  const target = rec(source(spec).target);
  const now = current ? rec(source(current).current) : {};
  const name = type === 'Resource' || type === 'ContainerResource' ? (str(source(spec).name) ?? type) : (str(at(source(spec), 'metric', 'name')) ?? type);
  const utilization = num(target.averageUtilization);
  if (utilization !== undefined) {
    const measured = num(now.averageUtilization);
    return `${name}: ${measured !== undefined ? `${measured}%` : '<unknown>'}/${utilization}%`;
  }
  const average = quantity(target.averageValue);
  if (average !== undefined) {
    const suffix = type === 'Object' || type === 'External' ? ' (avg)' : '';
    return `${name}: ${quantity(now.averageValue) ?? '<unknown>'}/${average}${suffix}`;
  }
  const value = quantity(target.value);
  if (value !== undefined) return `${name}: ${quantity(now.value) ?? '<unknown>'}/${value}`;
  return `${name}: <unknown>`;
}

/** TARGETS like kubectl: the first two metrics, then `+ N more...`; `<none>` without metrics. */
export function formatTargets(hpa: Json): string {
  const specs = arr(at(hpa, 'spec', 'metrics')).filter(isRecord);
  const statuses = arr(at(hpa, 'status', 'currentMetrics')).filter(isRecord);
  if (specs.length === 0) return '<none>';
  const shown = specs.slice(0, 2).map((metric, i) => {
    const status = statuses[i] && statuses[i].type === metric.type ? statuses[i] : undefined;
    return formatMetric(metric, status);
  });
  const more = specs.length - shown.length;
  return more > 0 ? `${shown.join(', ')} + ${more} more...` : shown.join(', ');
}

export const horizontalpodautoscalers = defineKind({
  token: 'horizontalpodautoscalers',
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  namespaced: true,
  alias: 'workloads',
  title: 'HorizontalPodAutoscalers',
  columns: [
    { id: 'reference', title: 'REFERENCE', type: 'text' },
    { id: 'targets', title: 'TARGETS', type: 'text' },
    { id: 'minPods', title: 'MINPODS', type: 'number' },
    { id: 'maxPods', title: 'MAXPODS', type: 'number' },
    { id: 'replicas', title: 'REPLICAS', type: 'number' },
  ],
  project(object) {
    const spec = rec(object.spec);
    const target = rec(spec.scaleTargetRef);
    const unable = ['AbleToScale', 'ScalingActive'].some((type) => condition(object, type)?.status === 'False');
    return baseRow(
      object,
      true,
      {
        reference: `${str(target.kind) ?? ''}/${str(target.name) ?? ''}`,
        targets: formatTargets(object),
        minPods: num(spec.minReplicas) ?? 1,
        maxPods: num(spec.maxReplicas) ?? 0,
        replicas: num(at(object, 'status', 'currentReplicas')) ?? 0,
      },
      unable ? 'warning' : 'ok',
    );
  },
});
