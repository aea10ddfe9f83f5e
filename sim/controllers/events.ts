/**
 * core/v1 Events as the components record them: a repeat of the same event (same
 * object, type, reason, message and source) bumps count and lastTimestamp instead of
 * adding a new object. The recorder bounds what it keeps: events older than the TTL,
 * or beyond the per-namespace cap, are deleted oldest first.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store';
import type { KubeObject } from '../types';
import { EVENTS, nowIso, type Scheduler } from './runtime';

export interface EventOptions {
  /** Most events kept per namespace. */
  maxPerNamespace: number;
  /** Real milliseconds an event lives after its last occurrence. */
  ttlMs: number;
}

export interface Involved {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  uid?: string;
  fieldPath?: string;
}

export function involvedOf(o: KubeObject, fieldPath?: string): Involved {
  return { kind: o.kind, apiVersion: o.apiVersion, name: o.metadata.name!, namespace: o.metadata.namespace, uid: o.metadata.uid, ...(fieldPath ? { fieldPath } : {}) };
}

interface Kept {
  namespace: string;
  name: string;
  last: number;
}

export class EventRecorder {
  /** dedup key → the event we wrote */
  private kept = new Map<string, Kept>();
  private perNamespace = new Map<string, Set<string>>();

  constructor(
    private readonly store: Store,
    scheduler: Scheduler,
    private readonly opts: EventOptions = { maxPerNamespace: 1000, ttlMs: 60 * 60_000 },
  ) {
    scheduler.every(Math.min(60_000, Math.max(1_000, opts.ttlMs / 4)), () => this.expire());
  }

  record(o: KubeObject | Involved, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void {
    const inv: Involved = 'metadata' in o ? involvedOf(o) : o;
    const namespace = inv.namespace ?? 'default';
    const dedup = [inv.uid ?? inv.name, inv.fieldPath ?? '', type, reason, message, component].join('\u0000');
    const now = Date.now();
    const ts = nowIso(now);
    const prior = this.kept.get(dedup);
    const existing = prior && this.store.get(EVENTS, prior.namespace, prior.name);
    if (prior && existing) {
      prior.last = now;
      this.store.update(EVENTS, { ...existing, metadata: { ...existing.metadata }, count: Number(existing.count ?? 1) + 1, lastTimestamp: ts });
      return;
    }
    const name = `${inv.name}.${randomBytes(8).toString('hex')}`;
    this.store.create(EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: inv.kind, namespace: inv.namespace, name: inv.name, uid: inv.uid, apiVersion: inv.apiVersion, ...(inv.fieldPath ? { fieldPath: inv.fieldPath } : {}) },
      reason,
      message,
      source: { component, ...(host ? { host } : {}) },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? '',
    });
    this.kept.set(dedup, { namespace, name, last: now });
    let names = this.perNamespace.get(namespace);
    if (!names) this.perNamespace.set(namespace, (names = new Set()));
    names.add(dedup);
    // Sets iterate in insertion order: the first entries are the oldest.
    while (names.size > this.opts.maxPerNamespace) {
      const oldest = names.values().next().value as string;
      this.forget(oldest);
    }
  }

  private forget(dedup: string): void {
    const k = this.kept.get(dedup);
    if (!k) return;
    this.kept.delete(dedup);
    this.perNamespace.get(k.namespace)?.delete(dedup);
    this.store.delete(EVENTS, k.namespace, k.name);
  }

  private expire(): void {
    const cutoff = Date.now() - this.opts.ttlMs;
    for (const [dedup, k] of [...this.kept]) if (k.last < cutoff) this.forget(dedup);
  }
}
