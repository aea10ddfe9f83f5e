import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';

let h: SimHarness;

/** Runs a kubectl generator (which sends a protobuf body) and reads the stored object back as JSON. */
async function created(args: string[], path: string): Promise<any> {
  const r = await h.kubectl(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const res = await h.api(path);
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
});

afterAll(async () => {
  await h?.close();
});

describe('kubectl create generators (protobuf bodies)', () => {
  it('create deployment with replicas and a port', async () => {
    const d = await created(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=0', '--port=8080', '-n', 'team-a'], '/apis/apps/v1/namespaces/team-a/deployments/web');
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(d.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: {} })]);
    expect(d.metadata.managedFields[0]).toMatchObject({ manager: 'kubectl-create', operation: 'Update' });
  });

  it('create job with a command, and create job --from a cronjob', async () => {
    const j = await created(['create', 'job', 'once', '--image=busybox', '-n', 'team-a', '--', 'sh', '-c', 'echo hi'], '/apis/batch/v1/namespaces/team-a/jobs/once');
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    expect(j.spec.template.spec.containers[0]).toMatchObject({ name: 'once', image: 'busybox', command: ['sh', '-c', 'echo hi'] });

    const c = await created(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '-n', 'team-a', '--', 'date'], '/apis/batch/v1/namespaces/team-a/cronjobs/nightly');
    expect(c.spec.schedule).toBe('0 3 * * *');
    expect(c.spec.jobTemplate.spec.template.spec).toMatchObject({ restartPolicy: 'OnFailure', containers: [expect.objectContaining({ name: 'nightly', image: 'busybox', command: ['date'] })] });

    const f = await created(['create', 'job', 'manual', '--from=cronjob/nightly', '-n', 'team-a'], '/apis/batch/v1/namespaces/team-a/jobs/manual');
    expect(f.metadata.annotations).toEqual({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(f.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'nightly', uid: c.metadata.uid });
    expect(f.spec.template.spec.containers[0].command).toEqual(['date']);
  });

  it('create service clusterip, nodeport and externalname', async () => {
    const s = await created(['create', 'service', 'clusterip', 'api', '--tcp=80:8080', '--tcp=443:https', '-n', 'team-a'], '/api/v1/namespaces/team-a/services/api');
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.selector).toEqual({ app: 'api' });
    expect(s.spec.ports).toEqual([
      { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 },
      { name: '443-https', protocol: 'TCP', port: 443, targetPort: 'https' },
    ]);
    const n = await created(['create', 'service', 'nodeport', 'edge', '--tcp=80:80', '--node-port=30080', '-n', 'team-a'], '/api/v1/namespaces/team-a/services/edge');
    expect(n.spec).toMatchObject({ type: 'NodePort', ports: [expect.objectContaining({ nodePort: 30080 })] });
    const e = await created(['create', 'service', 'externalname', 'db', '--external-name=db.example.com', '-n', 'team-a'], '/api/v1/namespaces/team-a/services/db');
    expect(e.spec).toMatchObject({ type: 'ExternalName', externalName: 'db.example.com' });
  });

  it('create ingress with a class, rules, a default backend and TLS', async () => {
    const i = await created(
      ['create', 'ingress', 'site', '--class=nginx', '--rule=example.com/api*=api:80,tls=site-tls', '--default-backend=web:http', '-n', 'team-a'],
      '/apis/networking.k8s.io/v1/namespaces/team-a/ingresses/site',
    );
    expect(i.spec.ingressClassName).toBe('nginx');
    expect(i.spec.defaultBackend).toEqual({ service: { name: 'web', port: { name: 'http' } } });
    expect(i.spec.rules).toEqual([{ host: 'example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }]);
    expect(i.spec.tls).toEqual([{ hosts: ['example.com'], secretName: 'site-tls' }]);
  });

  it('create pdb and priorityclass', async () => {
    const p = await created(['create', 'pdb', 'web-pdb', '--selector=app=web', '--min-available=50%', '-n', 'team-a'], '/apis/policy/v1/namespaces/team-a/poddisruptionbudgets/web-pdb');
    expect(p.spec).toEqual({ minAvailable: '50%', selector: { matchLabels: { app: 'web' } } });
    const pc = await created(['create', 'priorityclass', 'high', '--value=1000', '--description=important', '--preemption-policy=Never'], '/apis/scheduling.k8s.io/v1/priorityclasses/high');
    expect(pc).toMatchObject({ value: 1000, description: 'important', preemptionPolicy: 'Never' });
    expect(pc.globalDefault).toBeUndefined();
  });

  it('autoscale a deployment', async () => {
    const r = await h.kubectl(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu=70%', '-n', 'team-a']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const hpa = await (await h.api('/apis/autoscaling/v2/namespaces/team-a/horizontalpodautoscalers/web')).json();
    expect(hpa.spec.scaleTargetRef).toEqual({ kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(5);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  });
});
