/**
 * Services → EndpointSlices (discovery.k8s.io/v1): one slice per Service with a
 * selector, labelled `kubernetes.io/service-name`, listing the pods that match with an
 * IP and the Service's target ports. Each endpoint's conditions are the real
 * controller's: `serving` is the pod's Ready condition, `terminating` whether the pod
 * is being deleted, and `ready` is serving and not terminating (always true with
 * `publishNotReadyAddresses`). A pod change only re-syncs the Services of its
 * namespace whose selector matches it.
 */
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { hashOf, isPodReady, ownerRefTo, PODS, selects, SERVICES, SLICES, WorkQueue, writeIfChanged, type Obj } from './runtime';

const MANAGED_BY = 'endpointslice-controller.k8s.io';

export class EndpointSliceController {
  private queue: WorkQueue;
  /** namespace → service name → selector */
  private selectors = new Map<string, Map<string, Record<string, string>>>();

  constructor(
    private readonly store: Store,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    for (const s of store.iterate(SERVICES)) this.track(s);
  }

  private track(svc: KubeObject): void {
    const ns = svc.metadata.namespace!;
    let m = this.selectors.get(ns);
    if (!m) this.selectors.set(ns, (m = new Map()));
    const sel = (svc.spec as Obj)?.selector;
    if (sel && Object.keys(sel).length) m.set(svc.metadata.name!, sel);
    else m.delete(svc.metadata.name!);
    this.queue.add(ns, svc.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === SERVICES) {
      if (e.type === 'DELETED') this.selectors.get(e.object.metadata.namespace!)?.delete(e.object.metadata.name!);
      else this.track(e.object);
    }
    if (e.key === PODS) {
      const services = this.selectors.get(e.object.metadata.namespace!);
      if (!services) return;
      for (const [name, sel] of services) {
        const match = (p?: KubeObject) => p && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v);
        if (match(e.object) || match(e.previous)) this.queue.add(e.object.metadata.namespace, name);
      }
    }
  }

  private sync(namespace: string, name: string): void {
    const svc = this.store.get(SERVICES, namespace, name);
    const selector = (svc?.spec as Obj)?.selector;
    if (!svc || !selector || !Object.keys(selector).length) return;
    const pods = this.store.list(PODS, namespace).filter((p) => selects({ matchLabels: selector }, p.metadata.labels) && (p.status as Obj)?.podIP && (p.status as Obj)?.phase !== 'Succeeded' && (p.status as Obj)?.phase !== 'Failed');
    const ports = ((svc.spec as Obj).ports ?? []).map((sp: Obj) => {
      let port = sp.targetPort ?? sp.port;
      if (typeof port === 'string' && !/^\d+$/.test(port)) {
        const named = pods.flatMap((p) => (p.spec as Obj)?.containers ?? []).flatMap((c: Obj) => c.ports ?? []).find((cp: Obj) => cp.name === port);
        port = named?.containerPort ?? sp.port;
      }
      return { name: sp.name ?? '', port: Number(port), protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) };
    });
    const publishNotReady = (svc.spec as Obj).publishNotReadyAddresses === true;
    const endpoints = pods
      .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))
      .map((p) => {
        const serving = isPodReady(p);
        const terminating = Boolean(p.metadata.deletionTimestamp);
        return {
          addresses: [(p.status as Obj).podIP],
          conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
          ...((p.spec as Obj)?.nodeName ? { nodeName: (p.spec as Obj).nodeName } : {}),
          targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid },
        };
      });
    const existing = this.store.list(SLICES, namespace).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name);
    const labels = { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY };
    if (existing) {
      writeIfChanged(this.store, SLICES, existing, { ...existing, metadata: { ...existing.metadata, labels: { ...(existing.metadata.labels ?? {}), ...labels } }, addressType: 'IPv4', endpoints, ports });
      return;
    }
    this.store.create(SLICES, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-${hashOf(svc.metadata.uid, 5)}`, generateName: `${name}-`, namespace, labels, ownerReferences: [ownerRefTo(svc)] },
      addressType: 'IPv4',
      endpoints,
      ports,
    });
  }
}
