/**
 * What every scenario starts from: the system namespaces, the team namespaces and the
 * bootstrap RBAC from the auth module.
 */
import { bootstrapRbac } from '../auth/index';
import type { Registry } from '../resources';
import { storageKey } from '../resources';
import type { Store } from '../store';
import type { KubeObject } from '../types';

export const BASE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'team-a', 'team-b'];

/** Writes objects straight into the store (scenarios are trusted; no admission checks). */
export class Seeder {
  constructor(
    readonly store: Store,
    readonly registry: Registry,
  ) {}

  put(obj: KubeObject): KubeObject {
    const t = this.registry.byKind(obj.apiVersion, obj.kind);
    if (!t) throw new Error(`scenario: no resource serves ${obj.apiVersion} ${obj.kind}`);
    const key = storageKey(t);
    const existing = this.store.get(key, obj.metadata.namespace, obj.metadata.name!);
    return existing ? this.store.update(key, { ...obj, metadata: { ...existing.metadata, ...obj.metadata } }) : this.store.create(key, obj);
  }

  namespace(name: string, labels: Record<string, string> = {}, createdAt?: string): KubeObject {
    return this.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels }, creationTimestamp: createdAt },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
}

export function seedBase(seed: Seeder, createdAt?: string): void {
  for (const ns of BASE_NAMESPACES) seed.namespace(ns, {}, createdAt);
  for (const obj of bootstrapRbac()) seed.put(structuredClone(obj));
  for (const ns of BASE_NAMESPACES) {
    seed.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns, creationTimestamp: createdAt } });
  }
}
