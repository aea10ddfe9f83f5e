/**
 * What every namespace gets as soon as it exists, as the service-account and
 * root-CA publisher controllers do: the `default` ServiceAccount and the
 * `kube-root-ca.crt` ConfigMap holding the CA that signs the API server's certificate.
 * Either one deleted is created again.
 */
import type { Store, StoreEvent } from '../store';
import { WorkQueue } from './runtime';

export const NAMESPACES = '/namespaces';
export const SERVICEACCOUNTS = '/serviceaccounts';
export const CONFIGMAPS = '/configmaps';
export const ROOT_CA = 'kube-root-ca.crt';

export class NamespaceContentsController {
  private queue: WorkQueue;

  constructor(
    private readonly store: Store,
    private readonly caCert: string,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (_ns, name) => this.sync(name));
    for (const ns of store.iterate(NAMESPACES)) this.queue.add(undefined, ns.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === NAMESPACES && e.type !== 'DELETED') this.queue.add(undefined, e.object.metadata.name!);
    const gone = e.type === 'DELETED' && ((e.key === SERVICEACCOUNTS && e.object.metadata.name === 'default') || (e.key === CONFIGMAPS && e.object.metadata.name === ROOT_CA));
    if (gone) this.queue.add(undefined, e.object.metadata.namespace!);
  }

  private sync(namespace: string): void {
    const ns = this.store.get(NAMESPACES, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    if (!this.store.get(SERVICEACCOUNTS, namespace, 'default')) {
      this.store.create(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    }
    const ca = this.store.get(CONFIGMAPS, namespace, ROOT_CA);
    if (!ca || (ca.data as Record<string, string> | undefined)?.['ca.crt'] !== this.caCert) {
      const object = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ROOT_CA, namespace, annotations: { 'kubernetes.io/description': 'The CA bundle that verifies the API server for clients inside the cluster (kubernetes.default.svc).' } },
        data: { 'ca.crt': this.caCert },
      };
      if (ca) this.store.update(CONFIGMAPS, { ...object, metadata: { ...ca.metadata, ...object.metadata } });
      else this.store.create(CONFIGMAPS, object);
    }
  }
}
