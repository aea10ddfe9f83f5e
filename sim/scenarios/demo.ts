/**
 * `demo`: a small, believable company. team-a runs the storefront (web, api, a
 * crash-looping recommendations service, an HPA, a PDB and an ingress with TLS),
 * team-b runs the data side (a Postgres StatefulSet with volumes, a nightly report
 * CronJob, a probe CronJob every minute, a queue worker, an importer stuck Pending for
 * want of CPU), monitoring runs Prometheus, Grafana and a node-exporter DaemonSet,
 * kube-system runs CoreDNS and kube-proxy. A Backup CRD has a few objects.
 * Workloads are seeded as objects only: the controllers (sim/controllers) create their
 * ReplicaSets, pods and endpoints, and scenarios/churn.ts keeps things moving.
 */
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../types';
import type { Seeder } from './base';
import { ago, DAY, HOUR, MIN, node, podTemplate } from './builders';
import { cronJobWithRun, daemonSetWithPods, deploymentWithPods, event, placement, serviceFor, statefulSetWithPods } from './workloads';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function plain(apiVersion: string, kind: string, name: string, namespace: string | undefined, body: Record<string, unknown>, labels: Record<string, string> = {}, age = 20 * DAY): KubeObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), labels, creationTimestamp: ago(age), uid: randomUUID() }, ...body };
}

const BACKUP_CRD: KubeObject = plain('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'backups.ops.example.com', undefined, {
  spec: {
    group: 'ops.example.com',
    scope: 'Namespaced',
    names: { plural: 'backups', singular: 'backup', kind: 'Backup', listKind: 'BackupList', shortNames: ['bk'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        additionalPrinterColumns: [
          { name: 'Target', type: 'string', jsonPath: '.spec.target' },
          { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      },
    ],
  },
});

/**
 * The workload object alone, without the ReplicaSets, pods and status a builder made
 * for it: the controllers create those when the simulator starts. Claims and volumes
 * (StatefulSet storage) are kept.
 */
function controlled(objs: KubeObject[]): KubeObject[] {
  const [workload, ...rest] = objs;
  delete workload.status;
  delete workload.metadata.annotations?.['deployment.kubernetes.io/revision'];
  return [workload, ...rest.filter((o) => o.kind === 'PersistentVolumeClaim' || o.kind === 'PersistentVolume')];
}

export function seedDemo(seed: Seeder): void {
  const put = (objs: KubeObject | KubeObject[]) => (Array.isArray(objs) ? objs : [objs]).map((o) => seed.put(o));

  // Infrastructure
  const nodeNames = ['cp-1', 'worker-1', 'worker-2', 'worker-3', 'worker-4'];
  nodeNames.forEach((n, i) => put(node(n, i, { role: i === 0 ? 'control-plane' : 'worker' })));
  const workers = placement(nodeNames.slice(1));
  const everywhere = placement(nodeNames);
  seed.namespace('monitoring', { 'app.kubernetes.io/part-of': 'monitoring' }, ago(60 * DAY));
  const gp3 = plain('storage.k8s.io/v1', 'StorageClass', 'gp3', undefined, { provisioner: 'ebs.csi.aws.com', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true, parameters: { type: 'gp3' } });
  gp3.metadata.annotations = { 'storageclass.kubernetes.io/is-default-class': 'true' };
  put(gp3);
  put(plain('networking.k8s.io/v1', 'IngressClass', 'nginx', undefined, { spec: { controller: 'k8s.io/ingress-nginx' } }, { 'app.kubernetes.io/name': 'ingress-nginx' }));
  put(plain('scheduling.k8s.io/v1', 'PriorityClass', 'business-critical', undefined, { value: 100000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority', description: 'Customer-facing services.' }));
  put(plain('node.k8s.io/v1', 'RuntimeClass', 'gvisor', undefined, { handler: 'runsc' }));

  // kube-system
  put(controlled(deploymentWithPods({ name: 'coredns', namespace: 'kube-system', containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3', ports: [53, 9153] }], pods: ['Running', 'Running'], labels: { 'k8s-app': 'kube-dns' }, age: 60 * DAY }, workers)));
  put(serviceFor({ name: 'kube-dns', namespace: 'kube-system', selector: { app: 'coredns' }, ports: [{ name: 'dns', port: 53 }, { name: 'metrics', port: 9153 }], clusterIP: '10.96.0.10' }, []));
  put(controlled(daemonSetWithPods({ name: 'kube-proxy', namespace: 'kube-system', containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.0' }] }, everywhere)));

  // team-a: the storefront
  put(controlled(deploymentWithPods({ name: 'web', namespace: 'team-a', containers: [{ name: 'web', image: 'ghcr.io/acme/storefront-web:2.14.1', ports: [8080] }], pods: ['Running', 'Running', 'Running'], labels: { tier: 'frontend' } }, workers)));
  put(controlled(deploymentWithPods({ name: 'api', namespace: 'team-a', containers: [{ name: 'api', image: 'ghcr.io/acme/storefront-api:5.3.0', ports: [9000], env: { DATABASE_HOST: 'postgres.team-b.svc' } }], pods: ['Running', 'Running'], labels: { tier: 'backend' } }, workers)));
  // The one crash-looping pod: SIM_BEHAVIOUR tells the simulated kubelet (sim/controllers/README.md).
  put(controlled(deploymentWithPods({ name: 'recommendations', namespace: 'team-a', containers: [{ name: 'recommender', image: 'ghcr.io/acme/recommender:0.4.2', ports: [8000], env: { SIM_BEHAVIOUR: 'crashloop', MODEL_URL: 's3://acme-models/recs/latest' } }], pods: ['Running'], labels: { tier: 'backend' }, age: 2 * DAY }, workers)));
  put(serviceFor({ name: 'web', namespace: 'team-a', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], clusterIP: '10.96.12.40' }, []));
  put(serviceFor({ name: 'api', namespace: 'team-a', selector: { app: 'api' }, ports: [{ name: 'http', port: 9000 }], clusterIP: '10.96.12.41' }, []));
  put(plain('v1', 'ConfigMap', 'web-config', 'team-a', { data: { 'FEATURE_FLAGS': 'checkout-v2,reviews', 'CDN_URL': 'https://cdn.acme.example' } }, { app: 'web' }));
  put(plain('v1', 'Secret', 'api-credentials', 'team-a', { type: 'Opaque', data: { DATABASE_PASSWORD: b64('s3cr3t-demo-only'), STRIPE_KEY: b64('sk_test_demo') } }, { app: 'api' }));
  put(plain('v1', 'Secret', 'shop-tls', 'team-a', { type: 'kubernetes.io/tls', data: { 'tls.crt': b64('-----BEGIN CERTIFICATE-----\ndemo\n-----END CERTIFICATE-----\n'), 'tls.key': b64('demo-key') } }));
  put(plain('networking.k8s.io/v1', 'Ingress', 'shop', 'team-a', {
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.acme.example', 'www.acme.example'], secretName: 'shop-tls' }],
      rules: [
        { host: 'shop.acme.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }, { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 9000 } } } }] } },
        { host: 'www.acme.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
      ],
    },
    status: { loadBalancer: { ingress: [{ hostname: 'ingress.eu-west-1.elb.amazonaws.com' }] } },
  }));
  put(plain('autoscaling/v2', 'HorizontalPodAutoscaler', 'api', 'team-a', {
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 6, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 41, averageValue: '41m' } } }] },
  }));
  put(plain('policy/v1', 'PodDisruptionBudget', 'web', 'team-a', { spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }, status: { currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1, expectedPods: 3, observedGeneration: 1 } }));

  // team-b: data
  const postgres = put(controlled(statefulSetWithPods({ name: 'postgres', namespace: 'team-b', containers: [{ name: 'postgres', image: 'postgres:16.4', ports: [5432] }], replicas: 2, storage: '20Gi', storageClass: 'gp3' }, workers)));
  put(serviceFor({ name: 'postgres', namespace: 'team-b', selector: { app: 'postgres' }, ports: [{ name: 'postgres', port: 5432 }], headless: true }, []));
  put(cronJobWithRun({ name: 'nightly-report', namespace: 'team-b', schedule: '0 2 * * *', containers: [{ name: 'report', image: 'ghcr.io/acme/reporter:1.8.0' }] }, workers));
  put(controlled(deploymentWithPods({ name: 'queue-worker', namespace: 'team-b', containers: [{ name: 'worker', image: 'ghcr.io/acme/queue-worker:0.9.2' }], pods: ['Running', 'Running'] }, workers)));
  // A job every minute (real time), run by the CronJob and Job controllers.
  put(plain('batch/v1', 'CronJob', 'queue-depth-probe', 'team-b', {
    spec: { schedule: '* * * * *', concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { backoffLimit: 2, template: podTemplate({ app: 'queue-depth-probe' }, [{ name: 'probe', image: 'ghcr.io/acme/queue-probe:1.2.0' }], { restartPolicy: 'OnFailure' }) } } },
  }, { app: 'queue-depth-probe' }, 3 * DAY));
  // Asks for more CPU than any node has: stays Pending with FailedScheduling events.
  const importer = controlled(deploymentWithPods({ name: 'batch-importer', namespace: 'team-b', containers: [{ name: 'importer', image: 'ghcr.io/acme/importer:3.0.1' }], pods: ['Pending'] }, workers));
  for (const c of (importer[0].spec as { template: { spec: { containers: { resources: unknown }[] } } }).template.spec.containers) c.resources = { requests: { cpu: '16', memory: '8Gi' } };
  put(importer);
  put(plain('networking.k8s.io/v1', 'NetworkPolicy', 'postgres-ingress', 'team-b', { spec: { podSelector: { matchLabels: { app: 'postgres' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }] } }));
  put(plain('v1', 'ConfigMap', 'report-settings', 'team-b', { data: { RECIPIENTS: 'finance@acme.example', FORMAT: 'pdf' } }));

  // monitoring
  put(controlled(deploymentWithPods({ name: 'prometheus', namespace: 'monitoring', containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.54.1', ports: [9090] }], pods: ['Running'], age: 45 * DAY }, workers)));
  put(serviceFor({ name: 'prometheus', namespace: 'monitoring', selector: { app: 'prometheus' }, ports: [{ name: 'web', port: 9090 }], clusterIP: '10.96.30.5' }, []));
  put(controlled(deploymentWithPods({ name: 'grafana', namespace: 'monitoring', containers: [{ name: 'grafana', image: 'grafana/grafana:11.2.0', ports: [3000] }], pods: ['Running'], age: 45 * DAY }, workers)));
  put(serviceFor({ name: 'grafana', namespace: 'monitoring', selector: { app: 'grafana' }, ports: [{ name: 'http', port: 80, targetPort: 3000 }], type: 'LoadBalancer', clusterIP: '10.96.30.6' }, []));
  put(controlled(daemonSetWithPods({ name: 'node-exporter', namespace: 'monitoring', containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', ports: [9100] }] }, everywhere)));
  put(plain('v1', 'ConfigMap', 'prometheus-config', 'monitoring', { data: { 'prometheus.yml': 'global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: kubernetes-pods\n    kubernetes_sd_configs: [{ role: pod }]\n' } }));
  put(plain('networking.k8s.io/v1', 'Ingress', 'grafana', 'monitoring', { spec: { ingressClassName: 'nginx', rules: [{ host: 'grafana.acme.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 80 } } } }] } }] } }));
  put(plain('v1', 'PersistentVolumeClaim', 'grafana-data', 'monitoring', { spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3', resources: { requests: { storage: '5Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }));

  // A CRD and some custom resources.
  put(BACKUP_CRD);
  put(plain('ops.example.com/v1', 'Backup', 'postgres-nightly', 'team-b', { spec: { target: 'statefulset/postgres', schedule: '0 3 * * *', retention: '14d' }, status: { phase: 'Succeeded', lastRun: ago(5 * HOUR) } }));
  put(plain('ops.example.com/v1', 'Backup', 'postgres-weekly', 'team-b', { spec: { target: 'statefulset/postgres', schedule: '0 4 * * 0', retention: '90d' }, status: { phase: 'Succeeded', lastRun: ago(3 * DAY) } }));
  put(plain('ops.example.com/v1', 'Backup', 'grafana-dashboards', 'monitoring', { spec: { target: 'pvc/grafana-data', schedule: '30 1 * * *', retention: '7d' }, status: { phase: 'Failed', message: 'volume grafana-data is not bound' } }));

  // Events from before the simulator started; the controllers add the live ones.
  put(event({ namespace: 'monitoring', involved: seed.store.get('/persistentvolumeclaims', 'monitoring', 'grafana-data')!, type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding', count: 40, component: 'persistentvolume-controller', ageMs: 4 * MIN }));
  put(event({ namespace: 'team-b', involved: postgres[0], type: 'Normal', reason: 'SuccessfulCreate', message: 'create Pod postgres-1 in StatefulSet postgres successful', component: 'statefulset-controller', ageMs: 40 * DAY }));
}
