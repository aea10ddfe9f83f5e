/**
 * autoscaling/v1 HorizontalPodAutoscalers are the stored autoscaling/v2 objects seen
 * through the older schema, converted both ways as the API server converts them.
 *
 * v1 knows one metric, a CPU utilization target (`targetCPUUtilizationPercentage`,
 * `currentCPUUtilizationPercentage`). Whatever else the object holds rides along in
 * annotations so that a v1 read-modify-write keeps it: the other metrics, every
 * current metric, the conditions (all in the v1 element shapes, which are the old
 * v2beta1 ones) and the behavior (in the field names of the server's internal type,
 * which carry no JSON tags).
 */
import { badRequest } from './status';
import type { KubeObject } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP = [METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION];

/** What v1 assumes when an object names no metric at all. */
const DEFAULT_CPU_UTILIZATION = 80;

/** Drops keys whose value is undefined, keeping the order the rest were written in. */
function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function isCpuUtilization(m: Obj): boolean {
  return m?.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.averageUtilization != null;
}

function withoutRoundTrip(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const out = { ...annotations };
  for (const k of ROUND_TRIP) delete out[k];
  return out;
}

// ---- stored (v2) → v1 ------------------------------------------------------------

/** A v2 metric spec in the v1 annotation's shape. Quantities v1 requires default to "0". */
function metricSpecToV1(m: Obj): Obj {
  const t = (s: Obj) => s?.target ?? {};
  const out: Obj = { type: m.type };
  if (m.object) {
    out.object = compact({ target: m.object.describedObject, metricName: m.object.metric?.name, targetValue: t(m.object).value ?? '0', selector: m.object.metric?.selector, averageValue: t(m.object).averageValue });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric?.name, targetAverageValue: t(m.pods).averageValue ?? '0', selector: m.pods.metric?.selector });
  if (m.resource) out.resource = compact({ name: m.resource.name, targetAverageUtilization: t(m.resource).averageUtilization, targetAverageValue: t(m.resource).averageValue });
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({ name: c.name, targetAverageUtilization: t(c).averageUtilization, targetAverageValue: t(c).averageValue, container: c.container });
  }
  if (m.external) out.external = compact({ metricName: m.external.metric?.name, metricSelector: m.external.metric?.selector, targetValue: t(m.external).value, targetAverageValue: t(m.external).averageValue });
  return out;
}

function metricStatusToV1(m: Obj): Obj {
  const c = (s: Obj) => s?.current ?? {};
  const out: Obj = { type: m.type };
  if (m.object) {
    out.object = compact({ target: m.object.describedObject, metricName: m.object.metric?.name, currentValue: c(m.object).value ?? '0', selector: m.object.metric?.selector, averageValue: c(m.object).averageValue });
  }
  if (m.pods) out.pods = compact({ metricName: m.pods.metric?.name, currentAverageValue: c(m.pods).averageValue ?? '0', selector: m.pods.metric?.selector });
  if (m.resource) out.resource = compact({ name: m.resource.name, currentAverageUtilization: c(m.resource).averageUtilization, currentAverageValue: c(m.resource).averageValue ?? '0' });
  if (m.containerResource) {
    const r = m.containerResource;
    out.containerResource = compact({ name: r.name, currentAverageUtilization: c(r).averageUtilization, currentAverageValue: c(r).averageValue ?? '0', container: r.container });
  }
  if (m.external) out.external = compact({ metricName: m.external.metric?.name, metricSelector: m.external.metric?.selector, currentValue: c(m.external).value ?? '0', currentAverageValue: c(m.external).averageValue });
  return out;
}

function conditionToV1(c: Obj): Obj {
  return compact({ type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime ?? null, reason: c.reason, message: c.message });
}

/** Behavior rules in the internal type's field names (no JSON tags there, so Go's names; unset pointers are null). */
function rulesToInternal(r: Obj): Obj {
  if (!r) return null;
  const policies = Array.isArray(r.policies) ? r.policies.map((p: Obj) => ({ Type: p.type ?? '', Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 })) : null;
  return { StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null, SelectPolicy: r.selectPolicy ?? null, Policies: policies };
}

function rulesFromInternal(r: Obj): Obj {
  if (!r || typeof r !== 'object') return undefined;
  const policies = Array.isArray(r.Policies) ? r.Policies.map((p: Obj) => ({ type: p?.Type, value: p?.Value, periodSeconds: p?.PeriodSeconds })) : undefined;
  return compact({ stabilizationWindowSeconds: r.StabilizationWindowSeconds ?? undefined, selectPolicy: r.SelectPolicy ?? undefined, policies });
}

/** A stored autoscaling/v2 HorizontalPodAutoscaler as autoscaling/v1 serves it. */
export function hpaToV1(o: KubeObject): KubeObject {
  const h = o as Obj;
  const spec = h.spec ?? {};
  const status = h.status;
  const metrics: Obj[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  const cpu = metrics.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu');
  const annotations: Record<string, string> = withoutRoundTrip(h.metadata?.annotations) ?? {};
  const others = metrics.filter((m) => !isCpuUtilization(m));
  if (others.length) annotations[METRICS_ANNOTATION] = JSON.stringify(others.map(metricSpecToV1));
  const current: Obj[] = Array.isArray(status?.currentMetrics) ? status.currentMetrics : [];
  if (current.length) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(current.map(metricStatusToV1));
  if (spec.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify({ ScaleUp: rulesToInternal(spec.behavior.scaleUp), ScaleDown: rulesToInternal(spec.behavior.scaleDown) });
  const conditions: Obj[] = Array.isArray(status?.conditions) ? status.conditions : [];
  if (conditions.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions.map(conditionToV1));

  const metadata = { ...h.metadata };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;

  const cpuNow = current.find((m) => m?.type === 'Resource' && m.resource?.name === 'cpu')?.resource?.current?.averageUtilization;
  const out: Obj = {
    apiVersion: 'autoscaling/v1',
    kind: h.kind,
    metadata,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target?.averageUtilization ?? undefined,
    }),
  };
  if (status) {
    out.status = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: cpuNow ?? undefined,
    });
  }
  return out;
}

// ---- v1 → stored (v2) ------------------------------------------------------------

function metricSpecFromV1(m: Obj): Obj {
  const out: Obj = { type: m?.type };
  if (m?.object) {
    const o = m.object;
    out.object = { describedObject: o.target, metric: compact({ name: o.metricName, selector: o.selector }), target: compact({ type: o.averageValue == null ? 'Value' : 'AverageValue', value: o.targetValue ?? '0', averageValue: o.averageValue }) };
  }
  if (m?.pods) out.pods = { metric: compact({ name: m.pods.metricName, selector: m.pods.selector }), target: { type: 'AverageValue', averageValue: m.pods.targetAverageValue ?? '0' } };
  const resourceTarget = (r: Obj) => compact({ type: r.targetAverageUtilization == null ? 'AverageValue' : 'Utilization', averageUtilization: r.targetAverageUtilization, averageValue: r.targetAverageValue });
  if (m?.resource) out.resource = { name: m.resource.name, target: resourceTarget(m.resource) };
  if (m?.containerResource) out.containerResource = { name: m.containerResource.name, container: m.containerResource.container, target: resourceTarget(m.containerResource) };
  if (m?.external) {
    const e = m.external;
    out.external = { metric: compact({ name: e.metricName, selector: e.metricSelector }), target: compact({ type: e.targetValue == null ? 'AverageValue' : 'Value', value: e.targetValue, averageValue: e.targetAverageValue }) };
  }
  return out;
}

function metricStatusFromV1(m: Obj): Obj {
  const out: Obj = { type: m?.type };
  if (m?.object) {
    const o = m.object;
    out.object = { describedObject: o.target, metric: compact({ name: o.metricName, selector: o.selector }), current: compact({ value: o.currentValue, averageValue: o.averageValue }) };
  }
  if (m?.pods) out.pods = { metric: compact({ name: m.pods.metricName, selector: m.pods.selector }), current: { averageValue: m.pods.currentAverageValue } };
  const resourceCurrent = (r: Obj) => compact({ averageValue: r.currentAverageValue, averageUtilization: r.currentAverageUtilization });
  if (m?.resource) out.resource = { name: m.resource.name, current: resourceCurrent(m.resource) };
  if (m?.containerResource) out.containerResource = { name: m.containerResource.name, container: m.containerResource.container, current: resourceCurrent(m.containerResource) };
  if (m?.external) {
    const e = m.external;
    out.external = { metric: compact({ name: e.metricName, selector: e.metricSelector }), current: compact({ value: e.currentValue, averageValue: e.currentAverageValue }) };
  }
  return out;
}

/** A round-trip annotation's list, or a 400 worded like the decoder's when it is not JSON. */
function annotationJson(annotations: Record<string, string>, key: string): unknown {
  const raw = annotations[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw badRequest(`HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: annotation ${key}: ${(err as Error).message}`);
  }
}

function listOf(v: unknown): Obj[] {
  return Array.isArray(v) ? v : [];
}

/** An autoscaling/v1 HorizontalPodAutoscaler as it is stored (autoscaling/v2). */
export function hpaFromV1(o: KubeObject): KubeObject {
  const h = o as Obj;
  const spec = h.spec ?? {};
  const given: Record<string, string> = h.metadata?.annotations ?? {};
  const metrics: Obj[] = [];
  if (spec.targetCPUUtilizationPercentage != null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  metrics.push(...listOf(annotationJson(given, METRICS_ANNOTATION)).map(metricSpecFromV1));
  if (metrics.length === 0) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } });
  }
  const behavior = annotationJson(given, BEHAVIOR_ANNOTATION) as Obj;

  const metadata = { ...h.metadata };
  if (h.metadata?.annotations) metadata.annotations = withoutRoundTrip(h.metadata.annotations);
  const out: Obj = {
    apiVersion: 'autoscaling/v2',
    kind: h.kind,
    metadata,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
      behavior: behavior && typeof behavior === 'object' ? compact({ scaleUp: rulesFromInternal(behavior.ScaleUp), scaleDown: rulesFromInternal(behavior.ScaleDown) }) : undefined,
    }),
  };
  if (h.status !== undefined && h.status !== null) {
    const s = h.status;
    let current: Obj[] | undefined;
    if (s.currentCPUUtilizationPercentage != null) current = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: s.currentCPUUtilizationPercentage } } }];
    const fromAnnotation = annotationJson(given, CURRENT_METRICS_ANNOTATION);
    if (fromAnnotation !== undefined) current = listOf(fromAnnotation).map(metricStatusFromV1);
    const conditions = annotationJson(given, CONDITIONS_ANNOTATION);
    out.status = compact({
      observedGeneration: s.observedGeneration,
      lastScaleTime: s.lastScaleTime,
      currentReplicas: s.currentReplicas,
      desiredReplicas: s.desiredReplicas,
      currentMetrics: current,
      conditions: conditions === undefined ? undefined : listOf(conditions).map((c) => compact({ type: c?.type, status: c?.status, lastTransitionTime: c?.lastTransitionTime ?? undefined, reason: c?.reason, message: c?.message })),
    });
  }
  return out;
}
