/**
 * Small builders for the kinds tests: each makes the least object that shows one
 * behaviour, with the rest left to defaults, so a test reads as what it varies.
 */
import type { KubeObject } from '../../lib/kinds/types';

let uid = 0;

export const T0 = '2024-05-01T10:00:00Z';

export function metadata(name: string, namespace: string | undefined, extra: Record<string, unknown> = {}): KubeObject['metadata'] {
  uid += 1;
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    uid: `uid-${name}-${uid}`,
    resourceVersion: String(100 + uid),
    creationTimestamp: T0,
    ...extra,
  };
}

/** A container status. `state` is running by default. */
export interface ContainerOptions {
  name?: string;
  ready?: boolean;
  started?: boolean;
  restarts?: number;
  lastFinishedAt?: string;
  state?: { running: true } | { waiting: string } | { terminated: string | null; exitCode?: number; signal?: number };
}

export const running = (options: ContainerOptions = {}): ContainerOptions => ({ ready: true, state: { running: true }, ...options });
export const waiting = (reason: string, options: ContainerOptions = {}): ContainerOptions => ({ ready: false, state: { waiting: reason }, ...options });
export const terminated = (reason: string | null, exitCode: number, options: ContainerOptions = {}): ContainerOptions => ({
  ready: false,
  state: { terminated: reason, exitCode },
  ...options,
});

function containerStatus(options: ContainerOptions, index: number, prefix: string): Record<string, unknown> {
  const state = options.state ?? { running: true };
  let shaped: Record<string, unknown>;
  if ('running' in state) shaped = { running: { startedAt: T0 } };
  else if ('waiting' in state) shaped = { waiting: { reason: state.waiting } };
  else
    shaped = {
      terminated: { ...(state.terminated ? { reason: state.terminated } : {}), exitCode: state.exitCode ?? 0, ...(state.signal ? { signal: state.signal } : {}) },
    };
  return {
    name: options.name ?? `${prefix}${index}`,
    ready: options.ready ?? false,
    restartCount: options.restarts ?? 0,
    ...(options.started !== undefined ? { started: options.started } : {}),
    state: shaped,
    lastState: options.lastFinishedAt ? { terminated: { reason: 'Error', exitCode: 1, finishedAt: options.lastFinishedAt } } : {},
    image: 'example/app:1',
  };
}

export interface PodOptions {
  name?: string;
  namespace?: string;
  phase?: string;
  reason?: string;
  containers?: ContainerOptions[];
  initContainers?: ContainerOptions[];
  /** Names of init containers that are sidecars (`restartPolicy: Always`). */
  sidecars?: string[];
  conditions?: Record<string, string>;
  deleting?: boolean;
  node?: string;
  ip?: string;
  nominatedNode?: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string };
}

export function aPod(options: PodOptions = {}): KubeObject {
  const containers = options.containers ?? [running()];
  const inits = options.initContainers ?? [];
  const meta = metadata(options.name ?? 'web-1', options.namespace ?? 'default', {
    ...(options.deleting ? { deletionTimestamp: '2024-05-01T11:00:00Z' } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: options.owner.kind, name: options.owner.name, uid: 'owner-uid', controller: true }] } : {}),
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta,
    spec: {
      ...(options.node ? { nodeName: options.node } : {}),
      containers: containers.map((c, i) => ({ name: c.name ?? `c${i}`, image: 'example/app:1' })),
      ...(inits.length > 0
        ? { initContainers: inits.map((c, i) => ({ name: c.name ?? `init${i}`, image: 'example/init:1', ...(options.sidecars?.includes(c.name ?? `init${i}`) ? { restartPolicy: 'Always' } : {}) })) }
        : {}),
    },
    status: {
      phase: options.phase ?? 'Running',
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.ip ? { podIP: options.ip } : {}),
      ...(options.nominatedNode ? { nominatedNodeName: options.nominatedNode } : {}),
      conditions: Object.entries(options.conditions ?? {}).map(([type, status]) => ({ type, status })),
      ...(inits.length > 0 ? { initContainerStatuses: inits.map((c, i) => containerStatus(c, i, 'init')) } : {}),
      containerStatuses: containers.map((c, i) => containerStatus(c, i, 'c')),
    },
  };
}

/** Any object of a kind: apiVersion, kind, metadata and whatever top-level fields the test gives. */
export function anObject(apiVersion: string, kind: string, name: string, namespace: string | undefined, fields: Record<string, unknown> = {}, extraMeta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: metadata(name, namespace, extraMeta), ...fields };
}

export function aDeployment(options: { replicas?: number; ready?: number; updated?: number; available?: number; selector?: unknown } = {}): KubeObject {
  return anObject('apps/v1', 'Deployment', 'web', 'shop', {
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      selector: options.selector ?? { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } },
    },
    status: { readyReplicas: options.ready, updatedReplicas: options.updated, availableReplicas: options.available },
  });
}

export function aCrd(options: { group?: string; plural?: string; kind?: string; scope?: string; versions?: unknown[] } = {}): KubeObject {
  return anObject('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `${options.plural ?? 'widgets'}.${options.group ?? 'example.com'}`, undefined, {
    spec: {
      group: options.group ?? 'example.com',
      names: { plural: options.plural ?? 'widgets', singular: 'widget', kind: options.kind ?? 'Widget' },
      scope: options.scope ?? 'Namespaced',
      versions: options.versions ?? [{ name: 'v1', served: true, storage: true }],
    },
    status: { conditions: [{ type: 'Established', status: 'True' }] },
  });
}

export const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
