/**
 * core/v1 Endpoints mirrored from EndpointSlices: for every Service whose slices the
 * EndpointSlice controller manages, one Endpoints object of the same name with the
 * ready addresses, the not-ready ones apart (terminating pods left out, as the Endpoints
 * controller does, unless the Service publishes not-ready addresses), and the ports. When a Service's last slice
 * goes, its Endpoints go too. Endpoints of Services without a selector belong to whoever
 * wrote them and are left alone.
 */
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { SERVICES, SLICES, WorkQueue, writeIfChanged, type Obj } from './runtime';

export const ENDPOINTS = '/endpoints';
const SERVICE_NAME = 'kubernetes.io/service-name';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

export class EndpointsController {
  private queue: WorkQueue;

  constructor(
    private readonly store: Store,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    for (const s of store.iterate(SLICES)) this.enqueue(s);
  }

  private enqueue(slice: KubeObject): void {
    const service = slice.metadata.labels?.[SERVICE_NAME];
    if (service && slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY) this.queue.add(slice.metadata.namespace, service);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === SLICES) {
      this.enqueue(e.object);
      if (e.previous) this.enqueue(e.previous);
    }
    if (e.key === SERVICES && e.type === 'DELETED') this.queue.add(e.object.metadata.namespace, e.object.metadata.name!);
  }

  private sync(namespace: string, name: string): void {
    const svc = this.store.get(SERVICES, namespace, name);
    const slices = this.store.list(SLICES, namespace).filter((s) => s.metadata.labels?.[SERVICE_NAME] === name && s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY);
    const existing = this.store.get(ENDPOINTS, namespace, name);
    if (!svc || slices.length === 0) {
      if (existing && !svc) this.store.delete(ENDPOINTS, namespace, name);
      return;
    }
    const ready: Obj[] = [];
    const notReady: Obj[] = [];
    for (const slice of slices) {
      for (const ep of (slice.endpoints as Obj[]) ?? []) {
        // The Endpoints controller leaves terminating pods out (unless the Service publishes not-ready addresses).
        if (ep.conditions?.terminating && !(svc.spec as Obj)?.publishNotReadyAddresses) continue;
        for (const ip of ep.addresses ?? []) {
          const address = { ip, ...(ep.nodeName ? { nodeName: ep.nodeName } : {}), ...(ep.targetRef ? { targetRef: { ...ep.targetRef } } : {}) };
          (ep.conditions?.ready === false ? notReady : ready).push(address);
        }
      }
    }
    const ports = ((slices[0].ports as Obj[]) ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    const subset: Obj = {};
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (ports.length) subset.ports = ports;
    const subsets = ready.length || notReady.length ? [subset] : [];
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (existing) {
      writeIfChanged(this.store, ENDPOINTS, existing, { ...existing, metadata: { ...existing.metadata, labels }, subsets });
      return;
    }
    this.store.create(ENDPOINTS, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets });
  }
}
