import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kinds/types';
import { containerViews, envSource, formatToleration, qosClass } from '../../lib/ui/containerView';
import { eventsByLastSeen } from '../../lib/ui/eventOrder';

function aPod(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec, status };
}

const container = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: `${name}:1`, ...extra });

describe('a pod’s containers as the detail page shows them', () => {
  it('puts init containers, sidecars and containers in the pod’s order with their live state', () => {
    const pod = aPod(
      { initContainers: [container('migrate'), container('proxy', { restartPolicy: 'Always' })], containers: [container('app')] },
      {
        initContainerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: '2024-05-01T10:01:00Z' } }, restartCount: 0 }],
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 7,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: '2024-05-01T10:05:00Z', finishedAt: '2024-05-01T10:05:03Z' } },
          },
        ],
      },
    );
    const views = containerViews(pod);
    expect(views.map((v) => [v.name, v.role])).toEqual([
      ['migrate', 'init'],
      ['proxy', 'sidecar'],
      ['app', 'main'],
    ]);
    expect(views[0].state).toMatchObject({ phase: 'terminated', reason: 'Completed', exitCode: 0 });
    expect(views[1].state).toEqual({ phase: 'unknown' });
    expect(views[2]).toMatchObject({ restarts: 7, ready: false, state: { phase: 'waiting', reason: 'CrashLoopBackOff' }, lastTermination: { reason: 'Error', exitCode: 1, finishedAt: '2024-05-01T10:05:03Z' } });
  });

  it('reads a pod without container statuses yet as "no status", not as an error', () => {
    const [view] = containerViews(aPod({ containers: [container('app')] }, { phase: 'Pending' }));
    expect(view).toMatchObject({ state: { phase: 'unknown' }, restarts: 0, ready: undefined, lastTermination: undefined });
  });

  it('names where env values come from and never carries a Secret’s value', () => {
    const [view] = containerViews(
      aPod({
        containers: [
          container('app', {
            env: [
              { name: 'PLAIN', value: 'hello' },
              { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            ],
            envFrom: [{ secretRef: { name: 'all-secrets' } }, { configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
          }),
        ],
      }),
    );
    expect(view.env).toEqual([
      { name: 'PLAIN', value: 'hello' },
      { name: 'DB_PASSWORD', source: 'from secret db key password' },
      { name: 'MODE', source: 'from config map settings key mode' },
      { name: 'POD_IP', source: 'from field status.podIP' },
    ]);
    expect(view.envFrom).toEqual(['all keys of secret all-secrets', 'all keys of config map cfg (prefix CFG_)']);
    expect(envSource({})).toBe('from an unknown source');
  });

  it('shows ports, mounts with what backs them, resources and probes with Kubernetes’ defaults', () => {
    const [view] = containerViews(
      aPod({
        volumes: [{ name: 'cfg', configMap: { name: 'web-config' } }, { name: 'data', persistentVolumeClaim: { claimName: 'data-0' } }],
        containers: [
          container('app', {
            ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }],
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/app', readOnly: true }, { name: 'data', mountPath: '/data', subPath: 'app' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
            readinessProbe: { tcpSocket: { port: 8080 } },
          }),
        ],
      }),
    );
    expect(view.ports).toEqual(['http 8080/TCP', '53/UDP']);
    expect(view.mounts).toEqual([
      { volume: 'cfg', path: '/etc/app', readOnly: true, subPath: undefined, backing: 'configMap web-config' },
      { volume: 'data', path: '/data', readOnly: false, subPath: 'app', backing: 'persistentVolumeClaim data-0' },
    ]);
    expect(view.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(view.limits).toEqual({ memory: '256Mi' });
    expect(view.probes).toEqual([
      { kind: 'liveness', action: 'GET http://:8080/healthz', timing: 'delay 0s, timeout 1s, every 5s, 1 success, 3 failures' },
      { kind: 'readiness', action: 'TCP :8080', timing: 'delay 0s, timeout 1s, every 10s, 1 success, 3 failures' },
    ]);
  });

  it('derives the QoS class as Kubernetes does when the kubelet has not reported it', () => {
    expect(qosClass(aPod({ containers: [container('a')] }))).toBe('BestEffort');
    expect(qosClass(aPod({ containers: [container('a', { resources: { limits: { cpu: '1', memory: '1Gi' } } })] }))).toBe('Guaranteed');
    expect(qosClass(aPod({ containers: [container('a', { resources: { requests: { cpu: '1' } } })] }))).toBe('Burstable');
    expect(qosClass(aPod({ containers: [container('a')] }, { qosClass: 'Guaranteed' }))).toBe('Guaranteed');
  });

  it('formats tolerations like kubectl describe', () => {
    expect(formatToleration({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 })).toBe('node.kubernetes.io/not-ready:NoExecute for 300s');
    expect(formatToleration({ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' })).toBe('dedicated=gpu:NoSchedule');
    expect(formatToleration({ operator: 'Exists' })).toBe('op=Exists');
  });
});

describe('events on a detail page', () => {
  it('sorts by last seen (series, lastTimestamp, eventTime), newest first, with counts and whole messages', () => {
    const long = 'x'.repeat(3000);
    const events: KubeObject[] = [
      { metadata: { uid: 'a' }, reason: 'Pulled', message: 'ok', lastTimestamp: '2024-05-01T10:00:00Z', count: 1 },
      { metadata: { uid: 'b' }, reason: 'BackOff', message: long, lastTimestamp: '2024-05-01T09:00:00Z', series: { count: 42, lastObservedTime: '2024-05-01T11:00:00.000000Z' }, type: 'Warning' },
      { metadata: { uid: 'c' }, reason: 'Scheduled', message: 'assigned', eventTime: '2024-05-01T10:30:00.000000Z' },
      { metadata: { uid: 'd' }, reason: 'Timeless', message: '?' },
    ];
    const sorted = eventsByLastSeen(events);
    expect(sorted.map((e) => e.reason)).toEqual(['BackOff', 'Scheduled', 'Pulled', 'Timeless']);
    expect(sorted[0]).toMatchObject({ count: 42, type: 'Warning' });
    expect(sorted[0].message).toHaveLength(3000);
  });
});
