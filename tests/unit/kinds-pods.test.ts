import { describe, expect, it } from 'vitest';
import { podResources, pods, summarisePod } from '../../lib/kinds/pods';
import { aPod, running, terminated, waiting } from './kinds-fixtures';
import type { PodOptions } from './kinds-fixtures';

/** [what, pod, READY, STATUS, tone] — each STATUS is what `kubectl get pods` prints for that pod. */
const STATES: Array<[string, PodOptions, string, string, string]> = [
  ['a running, ready pod', {}, '1/1', 'Running', 'ok'],
  ['a running pod with one container not ready', { containers: [running(), running({ ready: false })] }, '1/2', 'Running', 'warning'],
  ['a pending pod with no container statuses yet', { phase: 'Pending', containers: [] }, '0/0', 'Pending', 'progress'],
  ['a container being created', { phase: 'Pending', containers: [waiting('ContainerCreating')] }, '0/1', 'ContainerCreating', 'progress'],
  ['a crash-looping container', { containers: [waiting('CrashLoopBackOff', { restarts: 5 })] }, '0/1', 'CrashLoopBackOff', 'error'],
  ['an image that cannot be pulled', { phase: 'Pending', containers: [waiting('ImagePullBackOff')] }, '0/1', 'ImagePullBackOff', 'error'],
  ['an image pull error', { phase: 'Pending', containers: [waiting('ErrImagePull')] }, '0/1', 'ErrImagePull', 'error'],
  ['a completed pod', { phase: 'Succeeded', containers: [terminated('Completed', 0)] }, '0/1', 'Completed', 'done'],
  ['a failed container', { phase: 'Failed', containers: [terminated('Error', 1)] }, '0/1', 'Error', 'error'],
  ['an OOM-killed container', { containers: [terminated('OOMKilled', 137)] }, '0/1', 'OOMKilled', 'error'],
  ['a terminated container without a reason', { containers: [terminated(null, 3)] }, '0/1', 'ExitCode:3', 'error'],
  ['a container killed by a signal', { containers: [{ state: { terminated: null, exitCode: 0, signal: 9 } }] }, '0/1', 'Signal:9', 'error'],
  ['the first of two init containers running', { phase: 'Pending', initContainers: [running({ ready: false }), waiting('PodInitializing')], containers: [waiting('PodInitializing')] }, '0/1', 'Init:0/2', 'progress'],
  ['the second of two init containers running', { phase: 'Pending', initContainers: [terminated('Completed', 0), running({ ready: false })], containers: [waiting('PodInitializing')] }, '0/1', 'Init:1/2', 'progress'],
  ['a crash-looping init container', { phase: 'Pending', initContainers: [waiting('CrashLoopBackOff', { restarts: 3 })], containers: [waiting('PodInitializing')] }, '0/1', 'Init:CrashLoopBackOff', 'error'],
  ['a failed init container', { phase: 'Pending', initContainers: [terminated('Error', 2)] }, '0/1', 'Init:Error', 'error'],
  ['an init container that exited without a reason', { phase: 'Pending', initContainers: [terminated(null, 4)] }, '0/1', 'Init:ExitCode:4', 'error'],
  ['a pod being deleted', { deleting: true }, '1/1', 'Terminating', 'progress'],
  ['a pod being deleted on a lost node', { deleting: true, reason: 'NodeLost' }, '1/1', 'Unknown', 'warning'],
  ['a completed pod being deleted stays Completed', { deleting: true, phase: 'Succeeded', containers: [terminated('Completed', 0)] }, '0/1', 'Completed', 'done'],
  ['an evicted pod', { phase: 'Failed', reason: 'Evicted', containers: [] }, '0/0', 'Evicted', 'error'],
  ['a pod whose node was lost', { reason: 'NodeLost' }, '1/1', 'NodeLost', 'warning'],
  ['one container completed, one still running, pod Ready', { containers: [terminated('Completed', 0), running()], conditions: { Ready: 'True' } }, '1/2', 'Running', 'warning'],
  ['one container completed, one still running, pod not Ready', { containers: [terminated('Completed', 0), running()], conditions: { Ready: 'False' } }, '1/2', 'NotReady', 'warning'],
  ['a started sidecar counts as a ready container', { initContainers: [running({ name: 'proxy', started: true })], sidecars: ['proxy'], conditions: { Initialized: 'True' } }, '2/2', 'Running', 'ok'],
];

describe('pod status, as kubectl prints it', () => {
  it.each(STATES)('%s', (_what, options, ready, status, tone) => {
    const row = pods.project(aPod(options));
    expect(row.cells.ready).toBe(ready);
    expect(row.cells.status).toBe(status);
    expect(row.tone).toBe(tone);
  });

  it('reads SchedulingGated from the PodScheduled condition', () => {
    const pod = aPod({ phase: 'Pending', containers: [] });
    (pod.status as any).conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }];
    expect(pods.project(pod).cells.status).toBe('SchedulingGated');
  });

  it('counts restarts of every container and keeps the last restart time as its own cell', () => {
    const row = pods.project(
      aPod({ containers: [running({ restarts: 2, lastFinishedAt: '2024-05-01T10:05:00Z' }), waiting('CrashLoopBackOff', { restarts: 7, lastFinishedAt: '2024-05-01T10:09:00Z' })] }),
    );
    expect(row.cells.restarts).toBe(9);
    expect(row.cells.lastRestart).toBe('2024-05-01T10:09:00.000Z');
    expect(row.cells.status).toBe('CrashLoopBackOff');
  });

  it('counts init container restarts while initialising, and only sidecar restarts afterwards', () => {
    const initialising = summarisePod(aPod({ phase: 'Pending', initContainers: [waiting('CrashLoopBackOff', { restarts: 4 })], containers: [waiting('PodInitializing')] }));
    expect(initialising.restarts).toBe(4);
    const started = summarisePod(aPod({ initContainers: [terminated('Completed', 0, { restarts: 4 })], containers: [running({ restarts: 1 })], conditions: { Initialized: 'True' } }));
    expect(started.restarts).toBe(1);
    expect(started.lastRestart).toBeNull();
  });

  it('shows node, IP and nominated node, with <none> when unset', () => {
    const placed = pods.project(aPod({ node: 'node-a', ip: '10.1.2.3', nominatedNode: 'node-b' }));
    expect(placed.cells).toMatchObject({ node: 'node-a', ip: '10.1.2.3', nominatedNode: 'node-b', readinessGates: '<none>' });
    const unplaced = pods.project(aPod({ phase: 'Pending', containers: [] }));
    expect(unplaced.cells).toMatchObject({ node: '<none>', ip: '<none>', nominatedNode: '<none>' });
  });

  it('counts readiness gates that are met', () => {
    const pod = aPod({ conditions: { 'example.com/lb-ready': 'True' } });
    (pod.spec as any).readinessGates = [{ conditionType: 'example.com/lb-ready' }, { conditionType: 'example.com/other' }];
    expect(pods.project(pod).cells.readinessGates).toBe('1/2');
  });

  it('carries identity, labels and owners, and nothing else from the object', () => {
    const pod = aPod({ name: 'web-7', namespace: 'shop', labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-abc' } });
    pod.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"blob"}' };
    (pod.metadata as any).managedFields = [{ manager: 'kubectl' }];
    const row = pods.project(pod);
    expect(row).toMatchObject({ name: 'web-7', namespace: 'shop', uid: pod.metadata!.uid, resourceVersion: pod.metadata!.resourceVersion, createdAt: pod.metadata!.creationTimestamp, labels: { app: 'web' } });
    expect(row.owners).toEqual([{ kind: 'ReplicaSet', name: 'web-abc', uid: 'owner-uid', controller: true }]);
    const json = JSON.stringify(row);
    expect(json).not.toContain('big');
    expect(json).not.toContain('managedFields');
    expect(json).not.toContain('example/app');
  });
});

describe('podResources: what a pod’s usage is measured against', () => {
  const withResources = (...resources: Array<Record<string, Record<string, string>>>) => {
    const pod = aPod({ containers: resources.map(() => running()) });
    (pod.spec as { containers: Array<Record<string, unknown>> }).containers.forEach((c, i) => (c.resources = resources[i]));
    return pod;
  };

  it('sums requests and limits over the containers, as quantities', () => {
    const pod = withResources({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } }, { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
    expect(podResources(pod, 'cpu')).toEqual(['0.3', '1.1']);
    expect(podResources(pod, 'memory')).toEqual([String(320 * 2 ** 20), String(576 * 2 ** 20)]);
    expect(pods.project(pod).cells.cpuUsage).toEqual(['0.3', '1.1']);
  });

  it('has no limit when one container has none, and nothing when nothing is set', () => {
    const pod = withResources({ requests: { cpu: '100m' }, limits: { cpu: '200m' } }, { requests: { cpu: '100m' } });
    expect(podResources(pod, 'cpu')).toEqual(['0.2', '']);
    expect(podResources(aPod(), 'memory')).toEqual(['', '']);
  });

  it('ignores quantities Kubernetes would refuse', () => {
    expect(podResources(withResources({ requests: { cpu: 'lots' } }), 'cpu')).toEqual(['', '']);
  });
});
