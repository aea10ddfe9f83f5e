import { describe, expect, it } from 'vitest';
import { backoffMs, behaviourOf, endRun, newRuntime, podStatus, restarts, startRun, TIMING } from '../../sim/controllers/podRuntime';
import type { KubeObject } from '../../sim/types';

function aPod(containers: Record<string, unknown>[], initContainers: Record<string, unknown>[] = []): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u-1' }, spec: { containers, ...(initContainers.length ? { initContainers } : {}) } };
}

describe('container behaviour', () => {
  it('is chosen by SIM_BEHAVIOUR, then the image name, then the command', () => {
    expect(behaviourOf({ image: 'nginx', env: [{ name: 'SIM_BEHAVIOUR', value: 'oom' }] })).toMatchObject({ behaviour: 'oom', exitCode: 137, reason: 'OOMKilled' });
    expect(behaviourOf({ image: 'ghcr.io/acme/crashloop:1' })).toMatchObject({ behaviour: 'crashloop', exitCode: 1, reason: 'Error' });
    expect(behaviourOf({ image: 'registry.example.com/does-not-exist:2' }).behaviour).toBe('imagepullbackoff');
    expect(behaviourOf({ image: 'busybox', command: ['sh', '-c', 'exit 3'] })).toMatchObject({ behaviour: 'fail', exitCode: 3 });
    expect(behaviourOf({ image: 'busybox', command: ['sh', '-c', 'exit 0'] })).toMatchObject({ behaviour: 'complete', exitCode: 0, reason: 'Completed' });
    expect(behaviourOf({ image: 'nginx:1.27' }).behaviour).toBe('run');
    expect(behaviourOf({ image: 'nginx:1.27' }).runMs).toBeUndefined();
    expect(behaviourOf({ image: 'busybox', command: ['sleep', '3600'] }).behaviour).toBe('run');
  });

  it('completes by default in a Job pod', () => {
    expect(behaviourOf({ image: 'ghcr.io/acme/reporter:1' }, { jobPod: true })).toMatchObject({ behaviour: 'complete', runMs: TIMING.completeRun });
  });

  it('follows restartPolicy when a container exits', () => {
    expect([restarts('Always', 0), restarts('Always', 1), restarts('OnFailure', 0), restarts('OnFailure', 2), restarts('Never', 1)]).toEqual([true, true, false, true, false]);
  });

  it('backs off 10 s doubling per restart, capped at five minutes', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(backoffMs)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });
});

describe('pod status from the runtime state', () => {
  it('starts Pending with containers waiting in ContainerCreating and every condition but PodScheduled false', () => {
    const rt = newRuntime(aPod([{ name: 'app', image: 'nginx:1.27' }]));
    const s = podStatus(rt);
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses[0]).toMatchObject({ name: 'app', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } });
    expect(Object.fromEntries(s.conditions.map((c: any) => [c.type, c.status]))).toEqual({ PodReadyToStartContainers: 'False', Initialized: 'True', Ready: 'False', ContainersReady: 'False', PodScheduled: 'True' });
  });

  it('is Running and Ready once every container runs, with a containerID and imageID', () => {
    const rt = newRuntime(aPod([{ name: 'app', image: 'nginx:1.27' }]));
    rt.podIP = '10.244.1.5';
    startRun(rt.containers[0], '2026-03-01T10:00:00Z');
    const s = podStatus(rt);
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('10.244.1.5');
    expect(s.containerStatuses[0]).toMatchObject({ ready: true, started: true, state: { running: { startedAt: '2026-03-01T10:00:00Z' } }, imageID: expect.stringMatching(/^docker\.io\/library\/nginx@sha256:/), containerID: expect.stringMatching(/^containerd:\/\/[0-9a-f]{64}$/) });
    expect(s.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
  });

  it('keeps the ended run as lastState while waiting to restart, and counts the restart when it starts again', () => {
    const rt = newRuntime(aPod([{ name: 'app', image: 'crashloop' }]));
    const c = rt.containers[0];
    startRun(c, '2026-03-01T10:00:00Z');
    const first = c.current!.id;
    endRun(c, 1, 'Error', '2026-03-01T10:00:03Z');
    c.state = 'waiting';
    c.waiting = { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_ns(u-1)' };
    let s = podStatus(rt);
    expect(s.containerStatuses[0]).toMatchObject({ ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-03-01T10:00:03Z', containerID: first } } });
    startRun(c, '2026-03-01T10:00:13Z');
    s = podStatus(rt);
    expect(s.containerStatuses[0]).toMatchObject({ ready: true, restartCount: 1, state: { running: { startedAt: '2026-03-01T10:00:13Z' } }, lastState: { terminated: { exitCode: 1 } } });
    expect(c.previous?.id).toBe(first);
  });

  it('reports init containers first: not Initialized until they complete', () => {
    const rt = newRuntime(aPod([{ name: 'app', image: 'nginx' }], [{ name: 'migrate', image: 'flyway' }]));
    let s = podStatus(rt);
    expect(s.containerStatuses[0].state.waiting.reason).toBe('PodInitializing');
    expect(s.conditions.find((c: any) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized' });
    startRun(rt.initContainers[0]);
    endRun(rt.initContainers[0], 0, 'Completed');
    rt.initialized = true;
    s = podStatus(rt);
    expect(s.initContainerStatuses[0]).toMatchObject({ ready: true, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(s.conditions.find((c: any) => c.type === 'Initialized').status).toBe('True');
  });

  it('ends Succeeded with Ready false (PodCompleted) when the containers are done', () => {
    const rt = newRuntime(aPod([{ name: 'job', image: 'reporter' }]));
    startRun(rt.containers[0]);
    endRun(rt.containers[0], 0, 'Completed');
    rt.phase = 'Succeeded';
    const s = podStatus(rt);
    expect(s.phase).toBe('Succeeded');
    expect(s.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(s.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it("keeps a condition's lastTransitionTime while its status holds", () => {
    const rt = newRuntime(aPod([{ name: 'app', image: 'nginx' }]));
    const first = podStatus(rt, {}, '2026-03-01T10:00:00Z');
    const again = podStatus(rt, first, '2026-03-01T10:05:00Z');
    expect(again.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime).toBe('2026-03-01T10:00:00Z');
  });
});
