/**
 * events.k8s.io/v1 Events are the core/v1 Events seen through the newer schema: the
 * same objects, with `regarding`, `note`, `reportingController` and the `deprecated*`
 * fields in place of the old names.
 */
import type { KubeObject } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export function eventsV1(o: KubeObject): KubeObject {
  const e = o as Obj;
  const out: Obj = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    reason: e.reason,
    regarding: e.involvedObject,
    note: e.message,
    type: e.type,
    reportingController: e.reportingComponent || e.source?.component || '',
    reportingInstance: e.reportingInstance || e.source?.host || '',
    action: e.action,
    related: e.related,
    series: e.series,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
