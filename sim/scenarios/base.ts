/**
 * What every scenario starts from: the system namespaces, the team namespaces, the
 * bootstrap RBAC from the auth module, and what a real cluster always has: the
 * `kubernetes` Service in `default` (with its Endpoints and EndpointSlice), each
 * namespace's `default` ServiceAccount and `kube-root-ca.crt` ConfigMap, and a default
 * StorageClass whose claims the simulated provisioner binds at once.
 */
import { bootstrapRbac } from '../auth/index';
import { SIM_CERT } from '../listener';
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
    seed.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: ns, creationTimestamp: createdAt }, data: { 'ca.crt': SIM_CERT } });
  }
  seedApiServerService(seed, createdAt);
  seed.put({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', creationTimestamp: createdAt, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: SIMULATED_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  });
}

/** The provisioner name of the base StorageClass (see controllers/volumes.ts). */
export const SIMULATED_PROVISIONER = 'sim.crowsnest.dev/hostpath';

/** Where the `kubernetes` Service says the API server is. */
const API_SERVER = { ip: '10.0.0.1', port: 6443, clusterIP: '10.96.0.1' };

function seedApiServerService(seed: Seeder, createdAt?: string): void {
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  seed.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels, creationTimestamp: createdAt },
    spec: {
      type: 'ClusterIP',
      clusterIP: API_SERVER.clusterIP,
      clusterIPs: [API_SERVER.clusterIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: API_SERVER.port }],
    },
    status: { loadBalancer: {} },
  });
  seed.put({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' }, creationTimestamp: createdAt },
    subsets: [{ addresses: [{ ip: API_SERVER.ip }], ports: [{ name: 'https', port: API_SERVER.port, protocol: 'TCP' }] }],
  });
  seed.put({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' }, creationTimestamp: createdAt },
    addressType: 'IPv4',
    endpoints: [{ addresses: [API_SERVER.ip], conditions: { ready: true } }],
    ports: [{ name: 'https', port: API_SERVER.port, protocol: 'TCP' }],
  });
}
