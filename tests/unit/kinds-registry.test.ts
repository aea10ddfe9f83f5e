import { describe, expect, it } from 'vitest';
import { BUILTIN_KINDS, KIND_GROUPS, kindByToken } from '../../lib/kinds';
import type { KindDefinition, KubeObject, Row } from '../../lib/kinds/types';
import { aDeployment, aPod, anObject, running, terminated, waiting } from './kinds-fixtures';

const TOKENS = [
  'pods', 'events', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'poddisruptionbudgets',
  'services', 'ingresses', 'networkpolicies', 'endpointslices', 'ingressclasses', 'pvs', 'pvcs', 'storageclasses',
  'nodes', 'namespaces', 'priorityclasses', 'runtimeclasses', 'configmaps', 'secrets', 'crds',
];

/** token → [apiVersion, Kind, plural, namespaced]: the API coordinates each kind must have. */
const COORDINATES: Record<string, [string, string, string, boolean]> = {
  pods: ['v1', 'Pod', 'pods', true],
  events: ['v1', 'Event', 'events', true],
  deployments: ['apps/v1', 'Deployment', 'deployments', true],
  statefulsets: ['apps/v1', 'StatefulSet', 'statefulsets', true],
  daemonsets: ['apps/v1', 'DaemonSet', 'daemonsets', true],
  replicasets: ['apps/v1', 'ReplicaSet', 'replicasets', true],
  jobs: ['batch/v1', 'Job', 'jobs', true],
  cronjobs: ['batch/v1', 'CronJob', 'cronjobs', true],
  horizontalpodautoscalers: ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true],
  poddisruptionbudgets: ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
  services: ['v1', 'Service', 'services', true],
  ingresses: ['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
  networkpolicies: ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true],
  endpointslices: ['discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true],
  ingressclasses: ['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false],
  pvs: ['v1', 'PersistentVolume', 'persistentvolumes', false],
  pvcs: ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  storageclasses: ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false],
  nodes: ['v1', 'Node', 'nodes', false],
  namespaces: ['v1', 'Namespace', 'namespaces', false],
  priorityclasses: ['scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false],
  runtimeclasses: ['node.k8s.io/v1', 'RuntimeClass', 'runtimeclasses', false],
  configmaps: ['v1', 'ConfigMap', 'configmaps', true],
  secrets: ['v1', 'Secret', 'secrets', true],
  crds: ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
};

const GROUPS: Record<string, string[]> = {
  core: ['pods', 'events'],
  workloads: ['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'poddisruptionbudgets'],
  networking: ['services', 'ingresses', 'networkpolicies', 'endpointslices', 'ingressclasses'],
  storage: ['pvs', 'pvcs', 'storageclasses'],
  cluster: ['nodes', 'namespaces', 'priorityclasses', 'runtimeclasses', 'crds'],
  config: ['configmaps', 'secrets'],
};

describe('the registry', () => {
  it('lists exactly the built-in kinds, each token once, each found by its token', () => {
    expect(BUILTIN_KINDS.map((kind) => kind.token)).toEqual(TOKENS);
    expect(new Set(BUILTIN_KINDS.map((kind) => kind.token)).size).toBe(BUILTIN_KINDS.length);
    for (const kind of BUILTIN_KINDS) expect(kindByToken(kind.token)).toBe(kind);
    expect(kindByToken('Pods')).toBeUndefined();
    expect(kindByToken('widgets.example.com')).toBeUndefined();
  });

  it.each(TOKENS)('%s has the API coordinates of its kind', (token) => {
    const kind = kindByToken(token)!;
    const [apiVersion, kindName, plural, namespaced] = COORDINATES[token];
    expect([kind.group ? `${kind.group}/${kind.version}` : kind.version, kind.kind, kind.plural, kind.namespaced]).toEqual([apiVersion, kindName, plural, namespaced]);
    expect(kind.title).toMatch(/^[A-Z]/);
  });

  it('groups the kinds under the aliases of the sidebar, in order', () => {
    expect(KIND_GROUPS.map((group) => [group.alias, [...group.tokens]])).toEqual(Object.entries(GROUPS));
    for (const [alias, tokens] of Object.entries(GROUPS)) for (const token of tokens) expect(kindByToken(token)!.alias).toBe(alias);
  });

  it('gives every kind unique column ids with titles, none duplicating the row\'s own name, namespace or age', () => {
    for (const kind of BUILTIN_KINDS) {
      const ids = kind.columns.map((column) => column.id);
      expect(new Set(ids).size, kind.token).toBe(ids.length);
      for (const column of kind.columns) {
        expect(column.title, `${kind.token}.${column.id}`).not.toBe('');
        expect(['NAME', 'NAMESPACE', 'AGE']).not.toContain(column.title);
      }
    }
  });
});

/** A realistic object of each kind, to check every column is filled. */
const SAMPLES: Record<string, () => KubeObject> = {
  pods: () => aPod({ node: 'n', ip: '10.0.0.1' }),
  events: () => anObject('v1', 'Event', 'e', 'ns', { involvedObject: { kind: 'Pod', name: 'p' }, type: 'Normal', reason: 'Pulled', message: 'ok' }),
  deployments: () => aDeployment({ replicas: 1, ready: 1, updated: 1, available: 1 }),
  jobs: () => anObject('batch/v1', 'Job', 'j', 'ns', { spec: { completions: 1 }, status: { succeeded: 1 } }),
};

/** Inputs a projection may meet from a broken or unusual apiserver, or a bug upstream. */
const BROKEN: Array<[string, unknown]> = [
  ['an empty object', {}],
  ['no metadata, null spec and status', { spec: null, status: null }],
  ['metadata of the wrong type', { metadata: 'pod-1', spec: 7, status: [] }],
  ['metadata with wrong field types', { metadata: { name: 42, namespace: {}, uid: [], labels: { a: 1, b: 'ok' }, ownerReferences: [null, 'x', { kind: 5 }], creationTimestamp: 12 } }],
  ['labels and owners of the wrong shape', { metadata: { name: 'x', labels: 'app=web', ownerReferences: { kind: 'ReplicaSet' } } }],
  ['arrays where objects belong', { metadata: { name: 'x' }, spec: [], status: [], data: [], involvedObject: [] }],
  ['objects where arrays belong', { metadata: { name: 'x' }, spec: { containers: {}, rules: {}, tls: {}, ports: {}, metrics: {}, versions: {}, accessModes: {} }, status: { conditions: {}, containerStatuses: {}, initContainerStatuses: {}, addresses: {}, active: {} }, endpoints: {}, ports: {} }],
  ['arrays of nulls and numbers', { metadata: { name: 'x' }, spec: { containers: [null, 1], initContainers: [null], rules: [null, { http: { paths: [null, 3] } }], ports: [null], metrics: [null, { type: 5 }], versions: [null, 'v1'], tls: [{ hosts: [1, null] }] }, status: { conditions: [null, 'Ready'], containerStatuses: [null, { state: null }], initContainerStatuses: [{ state: { terminated: 'yes' } }], loadBalancer: { ingress: [null, {}] } }, endpoints: [null, { addresses: 'x' }], ports: [null, {}] }],
  ['numbers as strings and strings as numbers', { metadata: { name: 'x' }, spec: { replicas: '3', completions: '2', minReplicas: 'one', schedule: 5, type: 1, clusterIP: 2, capacity: { storage: 10 } }, status: { readyReplicas: '3', restartCount: 'many', phase: 1, succeeded: NaN } }],
  ['non-finite numbers', { metadata: { name: 'x' }, spec: { replicas: Infinity }, status: { readyReplicas: NaN, currentReplicas: -Infinity }, value: NaN, count: Infinity }],
  ['secret data of the wrong types', { metadata: { name: 'x' }, data: { a: 5, b: null, c: { nested: 'v' } }, stringData: 'nope' }],
  ['dates that are not dates', { metadata: { name: 'x', creationTimestamp: 'yesterday', deletionTimestamp: 'soon' }, status: { startTime: 'then', completionTime: 3, lastScheduleTime: {} } }],
  ['words that name Object.prototype members', { metadata: { name: 'constructor', labels: { __proto__: 'x' } }, type: 'constructor', spec: { type: 'constructor', accessModes: ['constructor', 'toString'], persistentVolumeReclaimPolicy: 'hasOwnProperty' }, status: { phase: 'constructor', reason: 'toString', accessModes: ['__proto__'], conditions: [{ type: 'constructor', status: 'True' }] } }],
  ['a null object', null],
  ['an array', []],
  ['a string', 'pod'],
];

const allCellsPresent = (kind: KindDefinition, row: Row) => {
  for (const column of kind.columns) expect(Object.hasOwn(row.cells, column.id), `${kind.token}: cell ${column.id}`).toBe(true);
};

describe.each(BUILTIN_KINDS.map((kind) => [kind.token, kind] as const))('%s projection', (_token, kind) => {
  it.each(BROKEN)('survives %s and still fills every column', (_what, input) => {
    const row = kind.project(input as KubeObject);
    expect(typeof row.uid).toBe('string');
    expect(typeof row.name).toBe('string');
    expect(kind.namespaced ? typeof row.namespace : row.namespace).toBe(kind.namespaced ? 'string' : undefined);
    allCellsPresent(kind, row);
    for (const value of Object.values(row.cells)) {
      expect(value === null || ['string', 'number', 'boolean'].includes(typeof value) || (Array.isArray(value) && value.every((v) => typeof v === 'string'))).toBe(true);
      if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    }
    expect(['ok', 'progress', 'warning', 'error', 'done', 'neutral']).toContain(row.tone);
    expect(() => JSON.stringify(row)).not.toThrow();
  });

  it('fills every column for a realistic object and keeps the row small', () => {
    const sample = SAMPLES[kind.token]?.() ?? anObject(`${kind.group ? `${kind.group}/` : ''}${kind.version}`, kind.kind, 'sample', kind.namespaced ? 'ns' : undefined);
    sample.metadata!.annotations = { big: 'x'.repeat(10_000) };
    (sample.metadata as any).managedFields = [{ manager: 'm', fieldsV1: { 'f:spec': {} } }];
    const row = kind.project(sample);
    allCellsPresent(kind, row);
    expect(Object.keys(row.cells).sort()).toEqual(kind.columns.map((column) => column.id).sort());
    expect(JSON.stringify(row).length).toBeLessThan(1500);
    expect(row).not.toHaveProperty('annotations');
    expect(JSON.stringify(row)).not.toContain('managedFields');
  });
});

describe('row keys', () => {
  it('keep uid, and fall back to namespace/name for an object without one', () => {
    const pod = aPod({ name: 'p', namespace: 'ns', containers: [running(), waiting('X'), terminated('Completed', 0)] });
    expect(kindByToken('pods')!.project(pod).uid).toBe(pod.metadata!.uid);
    delete pod.metadata!.uid;
    expect(kindByToken('pods')!.project(pod).uid).toBe('ns/p');
    expect(kindByToken('nodes')!.project({ metadata: { name: 'n1' } }).uid).toBe('n1');
  });
});
