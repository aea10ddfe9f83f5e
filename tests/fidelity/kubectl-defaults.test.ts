import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from '../../sim/scenarios/builders';
import { kubectlCreate, kubectlJson } from '../support/kubectl';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  for (const [i, name] of ['node-a', 'node-b'].entries()) h.sim.store.create('/nodes', node(name, i));
});

afterAll(async () => {
  await h?.close();
});

const create = (name: string, obj: object) => kubectlCreate(h, name, obj);
const get = (args: string[]) => kubectlJson(h, args);

describe('defaulting', () => {
  it('a pod created with kubectl comes back defaulted as a real API server defaults it', async () => {
    await create('pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'defaulted', namespace: 'team-a' },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 80 } },
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          },
          { name: 'latest', image: 'busybox:latest', command: ['sleep', '3600'] },
          { name: 'untagged', image: 'busybox', command: ['sleep', '3600'] },
        ],
      },
    });
    const pod = await get(['get', 'pod', 'defaulted', '-n', 'team-a']);
    const [web, latest, untagged] = pod.spec.containers;
    expect(web.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(web.readinessProbe).toEqual({ httpGet: { path: '/', port: 80, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(web.env[0].valueFrom.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'spec.nodeName' });
    expect(web).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} });
    expect([latest.imagePullPolicy, untagged.imagePullPolicy]).toEqual(['Always', 'Always']);
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    expect(pod.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const token = pod.spec.volumes.find((v: any) => v.name.startsWith('kube-api-access-'));
    expect(token.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(token.projected.sources.map((s: any) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
    for (const c of pod.spec.containers) expect(c.volumeMounts).toContainEqual({ name: token.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' });
  });

  it('leaves the token volume out when automountServiceAccountToken is false', async () => {
    await create('no-token', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'no-token', namespace: 'team-a' }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx:1.27' }] } });
    const pod = await get(['get', 'pod', 'no-token', '-n', 'team-a']);
    expect(pod.spec.volumes ?? []).toEqual([]);
    expect(pod.spec.containers[0].volumeMounts ?? []).toEqual([]);
  });

  it('defaults a deployment template as it defaults a pod spec, and the pods it makes carry the admission defaults', async () => {
    await create('dep', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'tpl', namespace: 'team-a' }, spec: { selector: { matchLabels: { app: 'tpl' } }, template: { metadata: { labels: { app: 'tpl' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] } } } });
    const dep = await get(['get', 'deploy', 'tpl', '-n', 'team-a']);
    expect(dep.spec.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', securityContext: {}, enableServiceLinks: true });
    expect(dep.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(dep.spec.template.spec.tolerations).toBeUndefined();
    const pod = await until(async () => (await get(['get', 'pods', '-n', 'team-a', '-l', 'app=tpl'])).items[0], { message: 'a tpl pod' });
    expect(pod.spec.priority).toBe(0);
    expect(pod.spec.volumes.some((v: any) => v.name.startsWith('kube-api-access-'))).toBe(true);
  });

  it('stamps each pod with its QoS class, and requests what a container only limits', async () => {
    const pod = (name: string, containers: object[], initContainers: object[] = []) =>
      create(`qos-${name}`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team-a' }, spec: { containers, initContainers } });
    const c = (name: string, resources: object) => ({ name, image: 'nginx:1.27', resources });
    await pod('best-effort', [c('a', {}), c('b', { requests: { 'ephemeral-storage': '1Gi' } })]);
    await pod('guaranteed', [c('a', { limits: { cpu: '500m', memory: '256Mi' } }), c('b', { requests: { cpu: '0.5', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } })]);
    await pod('burstable-request', [c('a', { requests: { cpu: '100m' } })]);
    await pod('burstable-one-limited', [c('a', { limits: { cpu: '1', memory: '1Gi' } }), c('b', {})]);
    await pod('burstable-below-limit', [c('a', { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })]);
    await pod('burstable-init', [c('a', {})], [c('setup', { requests: { memory: '64Mi' } })]);
    const classes = Object.fromEntries((await get(['get', 'pods', '-n', 'team-a'])).items.filter((p: any) => p.metadata.name.startsWith('b') || p.metadata.name === 'guaranteed').map((p: any) => [p.metadata.name, p.status.qosClass]));
    expect(classes).toEqual({
      'best-effort': 'BestEffort',
      guaranteed: 'Guaranteed',
      'burstable-request': 'Burstable',
      'burstable-one-limited': 'Burstable',
      'burstable-below-limit': 'Burstable',
      'burstable-init': 'Burstable',
    });
    const guaranteed = await get(['get', 'pod', 'guaranteed', '-n', 'team-a']);
    expect(guaranteed.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '500m', memory: '256Mi' } });
  });

  it('gives the pods a controller makes the QoS class of their template', async () => {
    await create('dep-qos', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'qos-tpl', namespace: 'team-a' }, spec: { selector: { matchLabels: { app: 'qos-tpl' } }, template: { metadata: { labels: { app: 'qos-tpl' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { limits: { cpu: '1', memory: '1Gi' } } }] } } } });
    const pod = await until(async () => (await get(['get', 'pods', '-n', 'team-a', '-l', 'app=qos-tpl'])).items[0], { message: 'a qos-tpl pod' });
    expect(pod.status.qosClass).toBe('Guaranteed');
    const dep = await get(['get', 'deploy', 'qos-tpl', '-n', 'team-a']);
    expect(dep.spec.template.spec.containers[0].resources.requests).toBeUndefined();
  });
});

describe('what every namespace and cluster has', () => {
  it('a new namespace gets its default ServiceAccount and kube-root-ca.crt ConfigMap', async () => {
    expect((await h.kubectl(['create', 'namespace', 'fresh'])).code).toBe(0);
    await until(async () => (await h.kubectl(['get', 'serviceaccount', 'default', '-n', 'fresh'])).code === 0, { message: 'default service account' });
    const cm = await until(async () => {
      const r = await h.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'json']);
      return r.code === 0 && JSON.parse(r.stdout);
    });
    expect(cm.data['ca.crt']).toBe(h.sim.caCert);
  });

  it('recreates a deleted default ServiceAccount', async () => {
    expect((await h.kubectl(['delete', 'serviceaccount', 'default', '-n', 'fresh'])).code).toBe(0);
    await until(async () => (await h.kubectl(['get', 'serviceaccount', 'default', '-n', 'fresh'])).code === 0, { message: 'default service account again' });
  });

  it('has the kubernetes Service in default, and allocates other cluster IPs around it', async () => {
    const svc = await get(['get', 'service', 'kubernetes', '-n', 'default']);
    expect(svc.spec).toMatchObject({ clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] });
    const ep = await get(['get', 'endpoints', 'kubernetes', '-n', 'default']);
    expect(ep.subsets[0].ports).toEqual([{ name: 'https', port: 6443, protocol: 'TCP' }]);
    await create('svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'plain', namespace: 'team-a' }, spec: { selector: { app: 'tpl' }, ports: [{ port: 80, targetPort: 8080 }] } });
    const plain = await get(['get', 'service', 'plain', '-n', 'team-a']);
    expect(plain.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(plain.spec.clusterIP).not.toBe('10.96.0.1');
    expect(plain.spec).toMatchObject({ type: 'ClusterIP', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None' });
    expect(plain.spec.ports[0].nodePort).toBeUndefined();
  });

  it('mirrors EndpointSlices into Endpoints, and removes them with their Service', async () => {
    const ep = await until(async () => {
      const r = await h.kubectl(['get', 'endpoints', 'plain', '-n', 'team-a', '-o', 'json']);
      const o = r.code === 0 && JSON.parse(r.stdout);
      return o?.subsets?.[0]?.addresses?.length === 1 && o;
    }, { message: 'a ready address in Endpoints plain' });
    const pod = (await get(['get', 'pods', '-n', 'team-a', '-l', 'app=tpl'])).items[0];
    expect(ep.subsets[0].addresses[0]).toMatchObject({ ip: pod.status.podIP, targetRef: { kind: 'Pod', name: pod.metadata.name } });
    expect(ep.subsets[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect((await h.kubectl(['delete', 'service', 'plain', '-n', 'team-a'])).code).toBe(0);
    await until(async () => (await h.kubectl(['get', 'endpoints', 'plain', '-n', 'team-a'])).code !== 0, { message: 'Endpoints plain gone' });
  });

  it('allocates NodePorts in 30000–32767 for NodePort and LoadBalancer Services', async () => {
    await create('np', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np', namespace: 'team-a' }, spec: { type: 'NodePort', selector: { app: 'tpl' }, ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] } });
    await create('lb', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: 'team-a' }, spec: { type: 'LoadBalancer', selector: { app: 'tpl' }, ports: [{ port: 443 }] } });
    const np = await get(['get', 'service', 'np', '-n', 'team-a']);
    const lb = await get(['get', 'service', 'lb', '-n', 'team-a']);
    const ports = [...np.spec.ports, ...lb.spec.ports].map((p: any) => p.nodePort);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(30000);
      expect(p).toBeLessThanOrEqual(32767);
    }
    expect(new Set(ports).size).toBe(3);
    expect(np.spec.externalTrafficPolicy).toBe('Cluster');
    expect(lb.spec.allocateLoadBalancerNodePorts).toBe(true);
  });

  it('binds a claim without a class to a new volume of the default StorageClass', async () => {
    await create('pvc', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'team-a' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } });
    const pvc = await until(async () => {
      const o = await get(['get', 'pvc', 'data', '-n', 'team-a']);
      return o.status.phase === 'Bound' && o;
    }, { message: 'claim Bound' });
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.status.capacity).toEqual({ storage: '2Gi' });
    const pv = await get(['get', 'pv', pvc.spec.volumeName]);
    expect(pv.spec).toMatchObject({ capacity: { storage: '2Gi' }, storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Delete', claimRef: { namespace: 'team-a', name: 'data', uid: pvc.metadata.uid } });
    expect(pv.status.phase).toBe('Bound');
    expect((await h.kubectl(['delete', 'pvc', 'data', '-n', 'team-a'])).code).toBe(0);
    await until(async () => (await h.kubectl(['get', 'pv', pvc.spec.volumeName])).code !== 0, { message: 'volume deleted with its claim' });
  });

  it('writes the status of kinds whose status is a struct as {} before any controller fills it', async () => {
    // kubectl, client-go and the portal read job.status.succeeded and the like without a guard.
    // kubectl create's generators send `status: {}` themselves; a manifest (and a controller) does not.
    const dryRun = async (obj: object) => {
      const r = await h.kubectl(['create', '-f', '-', '--dry-run=server', '-o', 'json'], { stdin: JSON.stringify(obj) });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };
    const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } };
    const job = await dryRun({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'team-a' }, spec: { template } });
    expect(job.status).toEqual({});
    const cron = await dryRun({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'team-a' }, spec: { schedule: '0 0 1 1 *', jobTemplate: { spec: { template } } } });
    expect(cron.status).toEqual({});
    const deploy = await dryRun({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'team-a' }, spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] } } } });
    expect(deploy.status).toEqual({});
    const pod = await h.kubectl(['run', 'lone', '-n', 'team-a', '--image=busybox:1.36', '--dry-run=server', '-o', 'json']);
    expect(JSON.parse(pod.stdout).status.phase).toBe('Pending');
  });
});
