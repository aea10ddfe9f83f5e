import { describe, expect, it } from 'vitest';
import { kindByToken } from '../../lib/kinds';
import type { KubeObject, Row } from '../../lib/kinds/types';
import { aDeployment, anObject, b64 } from './kinds-fixtures';

const project = (token: string, object: KubeObject): Row => kindByToken(token)!.project(object);

describe('workloads', () => {
  it('deployments: READY ready/desired, UP-TO-DATE, AVAILABLE, and wide CONTAINERS/IMAGES/SELECTOR', () => {
    const row = project('deployments', aDeployment({ replicas: 3, ready: 3, updated: 3, available: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'legacy', operator: 'DoesNotExist' }] } }));
    expect(row.cells).toEqual({ ready: '3/3', upToDate: 3, available: 3, containers: 'web,log', images: 'nginx:1.27,busybox', selector: 'app=web,tier in (a,b),!legacy' });
    expect(row.tone).toBe('ok');
  });

  it('deployments: fewer available than desired is a warning, a rollout in progress is progress, zero replicas neutral', () => {
    expect(project('deployments', aDeployment({ replicas: 3, ready: 1, updated: 3, available: 1 })).tone).toBe('warning');
    expect(project('deployments', aDeployment({ replicas: 3, ready: 3, updated: 1, available: 3 })).tone).toBe('progress');
    expect(project('deployments', aDeployment({ replicas: 0 })).tone).toBe('neutral');
    // spec.replicas defaults to 1 in the API.
    expect(project('deployments', aDeployment({})).cells.ready).toBe('0/1');
  });

  it('statefulsets: READY', () => {
    const row = project('statefulsets', anObject('apps/v1', 'StatefulSet', 'db', 'shop', { spec: { replicas: 3, template: { spec: { containers: [{ name: 'pg', image: 'postgres:16' }] } } }, status: { readyReplicas: 2, availableReplicas: 2 } }));
    expect(row.cells).toEqual({ ready: '2/3', containers: 'pg', images: 'postgres:16' });
    expect(row.tone).toBe('warning');
  });

  it('daemonsets: DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR', () => {
    const row = project(
      'daemonsets',
      anObject('apps/v1', 'DaemonSet', 'agent', 'kube-system', {
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'agent:2' }] } } },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
      }),
    );
    expect(row.cells).toEqual({ desired: 3, current: 3, ready: 3, upToDate: 3, available: 3, nodeSelector: 'kubernetes.io/os=linux', containers: 'a', images: 'agent:2', selector: 'app=agent' });
    expect(row.tone).toBe('ok');
  });

  it('replicasets: DESIRED CURRENT READY', () => {
    const row = project('replicasets', anObject('apps/v1', 'ReplicaSet', 'web-abc', 'shop', { spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } }, status: { replicas: 2, readyReplicas: 1 } }));
    expect(row.cells).toMatchObject({ desired: 2, current: 2, ready: 1, selector: 'app=web' });
    expect(row.tone).toBe('warning');
  });

  const aJob = (status: Record<string, unknown>, spec: Record<string, unknown> = { completions: 1 }, extraMeta: Record<string, unknown> = {}) =>
    anObject('batch/v1', 'Job', 'migrate', 'shop', { spec, status }, extraMeta);

  it('jobs: STATUS Complete/Failed/Running/Suspended, COMPLETIONS and DURATION', () => {
    const complete = project('jobs', aJob({ succeeded: 1, startTime: '2024-05-01T10:00:00Z', completionTime: '2024-05-01T10:02:30Z', conditions: [{ type: 'Complete', status: 'True' }] }));
    expect(complete.cells).toMatchObject({ status: 'Complete', completions: '1/1', duration: '2m30s', started: '2024-05-01T10:00:00Z' });
    expect(complete.tone).toBe('done');
    const failed = project('jobs', aJob({ failed: 3, conditions: [{ type: 'Failed', status: 'True' }] }));
    expect([failed.cells.status, failed.tone]).toEqual(['Failed', 'error']);
    const runningJob = project('jobs', aJob({ active: 1, startTime: '2024-05-01T10:00:00Z' }, { completions: 5, parallelism: 2 }));
    expect(runningJob.cells).toMatchObject({ status: 'Running', completions: '0/5', duration: null });
    expect(runningJob.tone).toBe('progress');
    const suspended = project('jobs', aJob({ conditions: [{ type: 'Suspended', status: 'True' }] }));
    expect([suspended.cells.status, suspended.tone]).toEqual(['Suspended', 'neutral']);
    expect(project('jobs', aJob({ succeeded: 2 }, { parallelism: 4 })).cells.completions).toBe('2/1 of 4');
    expect(project('jobs', aJob({}, {})).cells.completions).toBe('0/1');
    expect(project('jobs', aJob({}, {}, { deletionTimestamp: '2024-05-01T11:00:00Z' })).cells.status).toBe('Terminating');
  });

  it('cronjobs: SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE', () => {
    const row = project(
      'cronjobs',
      anObject('batch/v1', 'CronJob', 'nightly', 'shop', {
        spec: { schedule: '0 3 * * *', timeZone: 'Europe/Berlin', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'b', image: 'backup:1' }] } } } } },
        status: { active: [{ name: 'nightly-1' }], lastScheduleTime: '2024-05-01T03:00:00Z' },
      }),
    );
    expect(row.cells).toEqual({ schedule: '0 3 * * *', timezone: 'Europe/Berlin', suspend: false, active: 1, lastSchedule: '2024-05-01T03:00:00Z', containers: 'b', images: 'backup:1', selector: '<none>' });
    expect(row.tone).toBe('progress');
    const suspended = project('cronjobs', anObject('batch/v1', 'CronJob', 'off', 'shop', { spec: { schedule: '@daily', suspend: true } }));
    expect(suspended.cells).toMatchObject({ timezone: '<none>', suspend: true, active: 0, lastSchedule: null });
  });

  it('horizontalpodautoscalers: REFERENCE TARGETS MINPODS MAXPODS REPLICAS', () => {
    const row = project(
      'horizontalpodautoscalers',
      anObject('autoscaling/v2', 'HorizontalPodAutoscaler', 'web', 'shop', {
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
            { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
            { type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
          ],
        },
        status: { currentReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } }] },
      }),
    );
    expect(row.cells).toEqual({ reference: 'Deployment/web', targets: 'cpu: 45%/80%, memory: <unknown>/500Mi + 1 more...', minPods: 2, maxPods: 10, replicas: 3 });
    expect(row.tone).toBe('ok');
    const bare = project('horizontalpodautoscalers', anObject('autoscaling/v2', 'HorizontalPodAutoscaler', 'x', 'shop', { spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3 }, status: { conditions: [{ type: 'ScalingActive', status: 'False' }] } }));
    expect(bare.cells).toMatchObject({ targets: '<none>', minPods: 1, replicas: 0 });
    expect(bare.tone).toBe('warning');
  });

  it('poddisruptionbudgets: MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS', () => {
    const row = project('poddisruptionbudgets', anObject('policy/v1', 'PodDisruptionBudget', 'web', 'shop', { spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }));
    expect(row.cells).toEqual({ minAvailable: '50%', maxUnavailable: 'N/A', allowedDisruptions: 1 });
    expect(row.tone).toBe('ok');
    const blocked = project('poddisruptionbudgets', anObject('policy/v1', 'PodDisruptionBudget', 'db', 'shop', { spec: { maxUnavailable: 0 }, status: { disruptionsAllowed: 0 } }));
    expect(blocked.cells).toEqual({ minAvailable: 'N/A', maxUnavailable: '0', allowedDisruptions: 0 });
    expect(blocked.tone).toBe('warning');
  });
});

describe('core', () => {
  it('events: LAST SEEN TYPE REASON OBJECT MESSAGE COUNT', () => {
    const row = project(
      'events',
      anObject('v1', 'Event', 'web-1.17c', 'shop', {
        involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{web}' },
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        count: 12,
        firstTimestamp: '2024-05-01T10:00:00Z',
        lastTimestamp: '2024-05-01T10:30:00Z',
        source: { component: 'kubelet', host: 'node-a' },
      }),
    );
    expect(row.cells).toEqual({
      lastSeen: '2024-05-01T10:30:00Z',
      type: 'Warning',
      reason: 'BackOff',
      object: 'pod/web-1',
      message: 'Back-off restarting failed container',
      count: 12,
      subobject: 'spec.containers{web}',
      source: 'kubelet, node-a',
      firstSeen: '2024-05-01T10:00:00Z',
    });
    expect(row.tone).toBe('warning');
  });

  it('events: events.k8s.io-style series and eventTime, and a capped message', () => {
    const row = project('events', anObject('v1', 'Event', 'e', 'shop', { type: 'Normal', eventTime: '2024-05-01T10:00:00.000000Z', series: { count: 4, lastObservedTime: '2024-05-01T10:05:00.000000Z' }, message: 'x'.repeat(5000) }));
    expect(row.cells.lastSeen).toBe('2024-05-01T10:05:00.000000Z');
    expect(row.cells.count).toBe(4);
    expect((row.cells.message as string).length).toBeLessThan(1100);
    expect(row.tone).toBe('neutral');
  });
});

describe('networking', () => {
  const aService = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => anObject('v1', 'Service', 'web', 'shop', { spec, status });

  it('services: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) SELECTOR', () => {
    expect(project('services', aService({ type: 'ClusterIP', clusterIP: '10.0.0.10', ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web', tier: 'fe' } })).cells).toEqual({
      type: 'ClusterIP',
      clusterIP: '10.0.0.10',
      externalIP: '<none>',
      ports: '80/TCP,53/UDP',
      selector: 'app=web,tier=fe',
    });
    const pending = project('services', aService({ type: 'LoadBalancer', clusterIP: '10.0.0.11', ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }] }));
    expect(pending.cells).toMatchObject({ externalIP: '<pending>', ports: '443:30443/TCP', selector: '<none>' });
    expect(pending.tone).toBe('progress');
    const provisioned = project('services', aService({ type: 'LoadBalancer', clusterIP: '10.0.0.11' }, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } }));
    expect(provisioned.cells).toMatchObject({ externalIP: '203.0.113.7,lb.example.com', ports: '<none>' });
    expect(project('services', aService({ type: 'ExternalName', externalName: 'db.example.com' })).cells).toMatchObject({ externalIP: 'db.example.com', clusterIP: '<none>' });
    expect(project('services', aService({ clusterIP: 'None' })).cells).toMatchObject({ type: 'ClusterIP', clusterIP: 'None' });
  });

  it('ingresses: CLASS HOSTS ADDRESS PORTS, TLS hosts and rules host → path → service:port', () => {
    const row = project(
      'ingresses',
      anObject('networking.k8s.io/v1', 'Ingress', 'web', 'shop', {
        spec: {
          ingressClassName: 'nginx',
          tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
          rules: [
            {
              host: 'shop.example.com',
              http: {
                paths: [
                  { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } },
                  { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } },
                ],
              },
            },
            { http: { paths: [{ path: '/static', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'assets' } } }] } },
          ],
        },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
      }),
    );
    expect(row.cells).toEqual({
      class: 'nginx',
      hosts: ['shop.example.com', '*'],
      address: '203.0.113.9',
      ports: '80, 443',
      tls: ['shop.example.com'],
      rules: ['shop.example.com → / → web:80', 'shop.example.com → /api → api:http', '* → /static → resource:StorageBucket/assets'],
    });
    expect(row.tone).toBe('ok');
    const legacy = project('ingresses', anObject('networking.k8s.io/v1', 'Ingress', 'old', 'shop', { spec: { defaultBackend: { service: { name: 'web', port: { number: 8080 } } } } }, { annotations: { 'kubernetes.io/ingress.class': 'traefik' } }));
    expect(legacy.cells).toEqual({ class: 'traefik', hosts: ['*'], address: '', ports: '80', tls: [], rules: ['* → (default) → web:8080'] });
    expect(legacy.tone).toBe('progress');
  });

  it('networkpolicies: POD-SELECTOR', () => {
    expect(project('networkpolicies', anObject('networking.k8s.io/v1', 'NetworkPolicy', 'deny', 'shop', { spec: { podSelector: {}, policyTypes: ['Ingress'] } })).cells).toEqual({ podSelector: '<none>', policyTypes: ['Ingress'] });
    expect(project('networkpolicies', anObject('networking.k8s.io/v1', 'NetworkPolicy', 'web', 'shop', { spec: { podSelector: { matchLabels: { app: 'web' } } } })).cells.podSelector).toBe('app=web');
  });

  it('endpointslices: ADDRESSTYPE PORTS ENDPOINTS', () => {
    const row = project(
      'endpointslices',
      anObject('discovery.k8s.io/v1', 'EndpointSlice', 'web-x1', 'shop', {
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090 }],
        endpoints: [{ addresses: ['10.1.0.1'], conditions: { ready: true } }, { addresses: ['10.1.0.2'] }, { addresses: ['10.1.0.3'], conditions: { ready: false } }, { addresses: ['10.1.0.4'] }],
      }),
    );
    expect(row.cells).toEqual({ addressType: 'IPv4', ports: '8080,9090', endpoints: '10.1.0.1,10.1.0.2,10.1.0.3 + 1 more...', ready: 3 });
    expect(row.tone).toBe('ok');
    const empty = project('endpointslices', anObject('discovery.k8s.io/v1', 'EndpointSlice', 'web-x2', 'shop', { addressType: 'IPv4', endpoints: [] }));
    expect(empty.cells).toMatchObject({ ports: '<unset>', endpoints: '<unset>', ready: 0 });
    expect(empty.tone).toBe('warning');
  });

  it('ingressclasses: CONTROLLER DEFAULT', () => {
    const row = project('ingressclasses', anObject('networking.k8s.io/v1', 'IngressClass', 'nginx', undefined, { spec: { controller: 'k8s.io/ingress-nginx' } }, { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }));
    expect(row.cells).toEqual({ controller: 'k8s.io/ingress-nginx', parameters: '<none>', default: true });
    expect(row.namespace).toBeUndefined();
  });
});

describe('storage', () => {
  it('pvs: CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS', () => {
    const row = project(
      'pvs',
      anObject('v1', 'PersistentVolume', 'pv-1', undefined, {
        spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'shop', name: 'data' }, storageClassName: 'fast' },
        status: { phase: 'Bound' },
      }),
    );
    expect(row.cells).toEqual({ capacity: '10Gi', accessModes: 'RWO,ROX', reclaimPolicy: 'Retain', status: 'Bound', claim: 'shop/data', storageClass: 'fast', reason: '', volumeMode: 'Filesystem' });
    expect(row.tone).toBe('ok');
    expect(project('pvs', anObject('v1', 'PersistentVolume', 'pv-2', undefined, { status: { phase: 'Released' } })).tone).toBe('warning');
    expect(project('pvs', anObject('v1', 'PersistentVolume', 'pv-3', undefined, { status: { phase: 'Failed' } })).tone).toBe('error');
  });

  it('pvcs: STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS', () => {
    const row = project(
      'pvcs',
      anObject('v1', 'PersistentVolumeClaim', 'data', 'shop', {
        spec: { volumeName: 'pv-1', storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
        status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] },
      }),
    );
    expect(row.cells).toEqual({ status: 'Bound', volume: 'pv-1', capacity: '10Gi', accessModes: 'RWO', storageClass: 'fast', volumeMode: 'Filesystem' });
    const pending = project('pvcs', anObject('v1', 'PersistentVolumeClaim', 'new', 'shop', { spec: { storageClassName: 'fast' }, status: { phase: 'Pending' } }));
    expect(pending.cells).toMatchObject({ status: 'Pending', volume: '', capacity: '', accessModes: '' });
    expect(pending.tone).toBe('progress');
  });

  it('storageclasses: PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION DEFAULT', () => {
    const row = project('storageclasses', anObject('storage.k8s.io/v1', 'StorageClass', 'standard', undefined, { provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }));
    expect(row.cells).toEqual({ provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true, default: true });
    expect(project('storageclasses', anObject('storage.k8s.io/v1', 'StorageClass', 'slow', undefined, { provisioner: 'x', reclaimPolicy: 'Retain' })).cells).toMatchObject({ reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate', allowVolumeExpansion: false, default: false });
  });
});

describe('cluster', () => {
  const aNode = (ready: string | undefined, extra: { unschedulable?: boolean; labels?: Record<string, string> } = {}) =>
    anObject(
      'v1',
      'Node',
      'node-a',
      undefined,
      {
        spec: extra.unschedulable ? { unschedulable: true } : {},
        status: {
          conditions: ready ? [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }] : [],
          addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'node-a' }],
          capacity: { cpu: '8', memory: '32853120Ki', pods: '110' },
          allocatable: { cpu: '7800m', memory: '32000000Ki', pods: '110' },
          nodeInfo: { kubeletVersion: 'v1.31.2', osImage: 'Ubuntu 24.04 LTS', kernelVersion: '6.8.0-45-generic', containerRuntimeVersion: 'containerd://1.7.22' },
        },
      },
      { labels: extra.labels ?? { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'node-a' } },
    );

  it('nodes: STATUS ROLES VERSION, capacity, and wide INTERNAL-IP OS-IMAGE KERNEL CONTAINER-RUNTIME', () => {
    const row = project('nodes', aNode('True'));
    expect(row.cells).toEqual({
      status: 'Ready',
      roles: 'control-plane',
      version: 'v1.31.2',
      cpu: '8',
      memory: '32853120Ki',
      cpuUsage: ['7800m'],
      memoryUsage: ['32000000Ki'],
      internalIP: '192.168.1.10',
      externalIP: '<none>',
      osImage: 'Ubuntu 24.04 LTS',
      kernelVersion: '6.8.0-45-generic',
      containerRuntime: 'containerd://1.7.22',
    });
    expect(row.tone).toBe('ok');
  });

  it('nodes: NotReady, Unknown, SchedulingDisabled, and roles from both label styles', () => {
    expect([project('nodes', aNode('False')).cells.status, project('nodes', aNode('False')).tone]).toEqual(['NotReady', 'error']);
    expect(project('nodes', aNode('Unknown')).cells.status).toBe('NotReady');
    expect(project('nodes', aNode(undefined)).cells.status).toBe('Unknown');
    const cordoned = project('nodes', aNode('True', { unschedulable: true }));
    expect([cordoned.cells.status, cordoned.tone]).toEqual(['Ready,SchedulingDisabled', 'warning']);
    expect(project('nodes', aNode('True', { labels: { 'node-role.kubernetes.io/worker': '', 'kubernetes.io/role': 'gpu' } })).cells.roles).toBe('gpu,worker');
    expect(project('nodes', aNode('True', { labels: {} })).cells.roles).toBe('<none>');
  });

  it('namespaces: STATUS', () => {
    const active = project('namespaces', anObject('v1', 'Namespace', 'shop', undefined, { status: { phase: 'Active' } }));
    expect([active.cells.status, active.tone, active.namespace]).toEqual(['Active', 'ok', undefined]);
    const going = project('namespaces', anObject('v1', 'Namespace', 'old', undefined, { status: { phase: 'Terminating' } }));
    expect([going.cells.status, going.tone]).toEqual(['Terminating', 'progress']);
  });

  it('priorityclasses: VALUE GLOBAL-DEFAULT', () => {
    expect(project('priorityclasses', anObject('scheduling.k8s.io/v1', 'PriorityClass', 'high', undefined, { value: 1000000, globalDefault: true })).cells).toEqual({ value: 1000000, globalDefault: true, preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('runtimeclasses: HANDLER', () => {
    expect(project('runtimeclasses', anObject('node.k8s.io/v1', 'RuntimeClass', 'gvisor', undefined, { handler: 'runsc' })).cells).toEqual({ handler: 'runsc' });
  });

  it('crds: GROUP VERSIONS SCOPE KIND', () => {
    const row = project(
      'crds',
      anObject('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', undefined, {
        spec: { group: 'example.com', names: { plural: 'widgets', kind: 'Widget' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }, { name: 'v1beta1', served: true }, { name: 'v1alpha1', served: false }] },
        status: { conditions: [{ type: 'Established', status: 'True' }] },
      }),
    );
    expect(row.cells).toEqual({ group: 'example.com', kind: 'Widget', versions: ['v1', 'v1beta1'], scope: 'Namespaced', established: 'True' });
    expect(row.tone).toBe('ok');
  });
});

describe('config', () => {
  it('configmaps: DATA counts data and binaryData, KEYS lists names only', () => {
    const row = project('configmaps', anObject('v1', 'ConfigMap', 'app', 'shop', { data: { 'app.yaml': 'port: 8080\n', LOG_LEVEL: 'debug' }, binaryData: { 'logo.png': 'iVBORw0KGgo=' } }));
    expect(row.cells).toEqual({ data: 3, keys: ['LOG_LEVEL', 'app.yaml', 'logo.png'] });
    expect(JSON.stringify(row)).not.toContain('debug');
  });

  it('secrets: TYPE, DATA, and each key with its decoded size', () => {
    const row = project('secrets', anObject('v1', 'Secret', 'db', 'shop', { type: 'kubernetes.io/basic-auth', data: { username: b64('admin'), password: b64('correct horse battery staple'), empty: '' } }));
    expect(row.cells).toEqual({ type: 'kubernetes.io/basic-auth', data: 3, keys: ['empty (0 bytes)', 'password (28 bytes)', 'username (5 bytes)'] });
  });

  it('secrets: no value, in any form, appears anywhere in the row', () => {
    const values = ['hunter2-very-secret', 'sk_live_51HxQ9zExAmPlE', 'line one\nline two', '\u00fcber-geheim-\u{1F511}'];
    const data = Object.fromEntries(values.map((value, i) => [`key${i}`, b64(value)]));
    const secret = anObject('v1', 'Secret', 'leaky', 'shop', { type: 'Opaque', data, stringData: { token: 'plain-text-token-value' } }, {
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data, stringData: { token: 'plain-text-token-value' } }) },
      managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': { 'f:key0': {} } } }],
    });
    const json = JSON.stringify(project('secrets', secret));
    for (const value of [...values, 'plain-text-token-value']) {
      expect(json).not.toContain(value);
      expect(json).not.toContain(b64(value));
      expect(json).not.toContain(JSON.stringify(value).slice(1, -1));
    }
    expect(json).not.toContain('last-applied');
    expect(json).toContain('key0 (19 bytes)');
    expect(json).toContain('token (22 bytes)');
  });
});
