/**
 * Server-side printing: the meta.k8s.io/v1 Table kubectl asks for, with the columns
 * kubectl shows for each kind (priority 1 = only with `-o wide`). Kinds without a
 * printer get NAME and AGE; custom resources use their CRD's printer columns.
 */
import { hpaFromV1 } from './autoscalingV1';
import { age } from './age';
import { jsonPath } from './jsonpath';
import type { PrinterColumn, ResourceType } from './resources';
import { labelSelectorString } from './selectors';
import type { KubeObject } from './types';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;
type Cell = string | number | boolean;

interface Printer {
  columns: ColumnDefinition[];
  cells(o: Obj, now: number): Cell[];
}

function col(name: string, type = 'string', priority = 0, description = ''): ColumnDefinition {
  return { name, type, format: name === 'Name' ? 'name' : '', description: description || name, priority };
}

const NAME = col('Name', 'string', 0, 'Name must be unique within a namespace.');
const AGE = col('Age', 'string', 0, 'CreationTimestamp is a timestamp representing the server time when this object was created.');

function containersOf(spec: Obj): { names: string; images: string } {
  const cs: Obj[] = spec?.containers ?? [];
  return { names: cs.map((c) => c.name).join(','), images: cs.map((c) => c.image).join(',') };
}

function none(v: unknown): string {
  return v === undefined || v === null || v === '' ? '<none>' : String(v);
}

function podStatus(pod: Obj): string {
  let reason: string = pod.status?.reason || pod.status?.phase || 'Pending';
  const inits: Obj[] = pod.status?.initContainerStatuses ?? [];
  let initializing = false;
  inits.forEach((c, i) => {
    if (initializing) return;
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) return;
    initializing = true;
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${(pod.spec?.initContainers ?? []).length}`;
  });
  if (!initializing) {
    let hasRunning = false;
    const cs: Obj[] = pod.status?.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (pod.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  // As the server-side printer: a deleted pod whose phase is not yet final is Terminating.
  const phase = pod.status?.phase;
  if (pod.metadata.deletionTimestamp && pod.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return reason;
}

function podRestarts(pod: Obj, now: number): string {
  let restarts = 0;
  let last = 0;
  for (const c of [...(pod.status?.containerStatuses ?? [])]) {
    restarts += c.restartCount ?? 0;
    const finished = Date.parse(c.lastState?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(finished) && finished > last) last = finished;
  }
  return last > 0 && restarts > 0 ? `${restarts} (${age(new Date(last).toISOString(), now)} ago)` : String(restarts);
}

function servicePorts(svc: Obj): string {
  const ports: Obj[] = svc.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

function externalIp(svc: Obj): string {
  const type = svc.spec?.type ?? 'ClusterIP';
  const ext: string[] = [...(svc.spec?.externalIPs ?? [])];
  if (type === 'LoadBalancer') {
    const lb = (svc.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname);
    if (lb.length + ext.length === 0) return '<pending>';
    return [...lb, ...ext].join(',');
  }
  if (type === 'ExternalName') return svc.spec?.externalName ?? '<none>';
  return ext.length ? ext.join(',') : '<none>';
}

function nodeStatus(node: Obj): string {
  const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  const s = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) s.push('SchedulingDisabled');
  return s.join(',');
}

function nodeRoles(node: Obj): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

function nodeAddress(node: Obj, type: string): string {
  return (node.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
}

function subjects(b: Obj, kind: string): string {
  return (b.subjects ?? [])
    .filter((s: Obj) => s.kind === kind)
    .map((s: Obj) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

const workloadWide = [col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)];
function wide(o: Obj, selector = true): Cell[] {
  const { names, images } = containersOf(o.spec?.template?.spec);
  return selector ? [names, images, none(labelSelectorString(o.spec?.selector))] : [names, images];
}

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: (o, now) => {
      const cs: Obj[] = o.status?.containerStatuses ?? [];
      const total = (o.spec?.containers ?? []).length;
      const gates: Obj[] = o.spec?.readinessGates ?? [];
      const gatesReady = gates.filter((g) => (o.status?.conditions ?? []).some((c: Obj) => c.type === g.conditionType && c.status === 'True')).length;
      return [
        o.metadata.name,
        `${cs.filter((c) => c.ready).length}/${total}`,
        podStatus(o),
        podRestarts(o, now),
        age(o.metadata.creationTimestamp, now),
        none(o.status?.podIP),
        none(o.spec?.nodeName),
        none(o.status?.nominatedNodeName),
        gates.length ? `${gatesReady}/${gates.length}` : '<none>',
      ];
    },
  },
  Deployment: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, ...workloadWide],
    cells: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o.metadata.creationTimestamp, now), ...wide(o)],
  },
  ReplicaSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, ...workloadWide],
    cells: (o, now) => [o.metadata.name, o.spec?.replicas ?? 1, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o.metadata.creationTimestamp, now), ...wide(o)],
  },
  StatefulSet: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    cells: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, age(o.metadata.creationTimestamp, now), ...wide(o, false)],
  },
  DaemonSet: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, ...workloadWide],
    cells: (o, now) => {
      const s = o.status ?? {};
      const sel = Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [o.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, none(sel), age(o.metadata.creationTimestamp, now), ...wide(o)];
    },
  },
  Job: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, ...workloadWide],
    cells: (o, now) => {
      const conds: Obj[] = o.status?.conditions ?? [];
      const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
      const state = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : has('Suspended') ? 'Suspended' : 'Running';
      const start = Date.parse(o.status?.startTime ?? '');
      const end = Date.parse(o.status?.completionTime ?? '') || now;
      const duration = Number.isNaN(start) ? '' : age(new Date(start).toISOString(), end);
      return [o.metadata.name, state, `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}`, duration, age(o.metadata.creationTimestamp, now), ...wide(o)];
    },
  },
  CronJob: {
    columns: [NAME, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), AGE, ...workloadWide],
    cells: (o, now) => {
      const { names, images } = containersOf(o.spec?.jobTemplate?.spec?.template?.spec);
      const last = o.status?.lastScheduleTime;
      return [o.metadata.name, o.spec?.schedule ?? '', none(o.spec?.timeZone), Boolean(o.spec?.suspend), (o.status?.active ?? []).length, last ? age(last, now) : '<none>', age(o.metadata.creationTimestamp, now), names, images, none(labelSelectorString(o.spec?.jobTemplate?.spec?.selector))];
    },
  },
  Service: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.type ?? 'ClusterIP',
      none(o.spec?.clusterIP),
      externalIp(o),
      servicePorts(o),
      age(o.metadata.creationTimestamp, now),
      none(Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',')),
    ],
  },
  Node: {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells: (o, now) => {
      const info = o.status?.nodeInfo ?? {};
      return [o.metadata.name, nodeStatus(o), nodeRoles(o), age(o.metadata.creationTimestamp, now), info.kubeletVersion ?? '', nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'), info.osImage ?? '<unknown>', info.kernelVersion ?? '<unknown>', info.containerRuntimeVersion ?? '<unknown>'];
    },
  },
  Namespace: {
    columns: [NAME, col('Status'), AGE],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? 'Active', age(o.metadata.creationTimestamp, now)],
  },
  ConfigMap: {
    columns: [NAME, col('Data', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o.metadata.creationTimestamp, now)],
  },
  Secret: {
    columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length, age(o.metadata.creationTimestamp, now)],
  },
  ServiceAccount: {
    columns: [NAME, col('Secrets', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, age(o.metadata.creationTimestamp, now)],
  },
  PersistentVolume: {
    columns: [NAME, col('Capacity'), col('Access Modes'), col('Reclaim Policy'), col('Status'), col('Claim'), col('StorageClass'), col('VolumeAttributesClass'), col('Reason'), AGE, col('VolumeMode', 'string', 1)],
    cells: (o, now) => {
      const ref = o.spec?.claimRef;
      return [o.metadata.name, o.spec?.capacity?.storage ?? '', accessModes(o.spec?.accessModes), o.spec?.persistentVolumeReclaimPolicy ?? 'Retain', o.status?.phase ?? 'Available', ref ? `${ref.namespace}/${ref.name}` : '', o.spec?.storageClassName ?? '', none(o.spec?.volumeAttributesClassName), o.status?.reason ?? '', age(o.metadata.creationTimestamp, now), o.spec?.volumeMode ?? 'Filesystem'];
    },
  },
  PersistentVolumeClaim: {
    columns: [NAME, col('Status'), col('Volume'), col('Capacity'), col('Access Modes'), col('StorageClass'), col('VolumeAttributesClass'), AGE, col('VolumeMode', 'string', 1)],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? 'Pending', o.spec?.volumeName ?? '', o.status?.capacity?.storage ?? '', accessModes(o.status?.accessModes), o.spec?.storageClassName ?? '', none(o.spec?.volumeAttributesClassName), age(o.metadata.creationTimestamp, now), o.spec?.volumeMode ?? 'Filesystem'],
  },
  Ingress: {
    columns: [NAME, col('Class'), col('Hosts'), col('Address'), col('Ports'), AGE],
    cells: (o, now) => {
      const hosts = (o.spec?.rules ?? []).map((r: Obj) => r.host).filter(Boolean);
      const addr = (o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).join(',');
      return [o.metadata.name, none(o.spec?.ingressClassName), hosts.length ? hosts.join(',') : '*', addr, (o.spec?.tls ?? []).length ? '80, 443' : '80', age(o.metadata.creationTimestamp, now)];
    },
  },
  IngressClass: {
    columns: [NAME, col('Controller'), col('Parameters'), AGE],
    cells: (o, now) => [o.metadata.name, o.spec?.controller ?? '', none(o.spec?.parameters?.name), age(o.metadata.creationTimestamp, now)],
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'string', 1), { ...NAME, priority: 1 }],
    cells: (o, now) => {
      const inv = o.involvedObject ?? {};
      const last = o.lastTimestamp || o.eventTime || o.metadata.creationTimestamp;
      return [age(last, now), o.type ?? '', o.reason ?? '', `${(inv.kind ?? '').toLowerCase()}/${inv.name ?? ''}`, inv.fieldPath ?? '', o.source?.component ?? o.reportingComponent ?? '', o.message ?? '', age(o.firstTimestamp || last, now), String(o.count ?? 1), o.metadata.name];
    },
  },
  EndpointSlice: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    cells: (o, now) => {
      const addrs = (o.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
      const ports = (o.ports ?? []).map((p: Obj) => p.port).join(',');
      return [o.metadata.name, o.addressType ?? 'IPv4', ports || '<unset>', addrs.length ? addrs.slice(0, 3).join(',') + (addrs.length > 3 ? ` + ${addrs.length - 3} more...` : '') : '<unset>', age(o.metadata.creationTimestamp, now)];
    },
  },
  Endpoints: {
    columns: [NAME, col('Endpoints'), AGE],
    cells: (o, now) => {
      const list = (o.subsets ?? []).flatMap((s: Obj) => (s.addresses ?? []).flatMap((a: Obj) => (s.ports ?? [{ port: '' }]).map((p: Obj) => `${a.ip}:${p.port}`)));
      return [o.metadata.name, list.length ? list.join(',') : '<none>', age(o.metadata.creationTimestamp, now)];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [NAME, col('Reference'), col('Targets'), col('MinPods', 'string'), col('MaxPods', 'integer'), col('Replicas', 'integer'), AGE],
    cells: (served, now) => {
      // Printed from the stored shape whichever version the rows were read at, as the server prints from its internal one.
      const o: Obj = served.apiVersion === 'autoscaling/v1' ? hpaFromV1(served) : served;
      const ref = o.spec?.scaleTargetRef ?? {};
      const metric = (o.spec?.metrics ?? [])[0]?.resource;
      const current = (o.status?.currentMetrics ?? [])[0]?.resource?.current?.averageUtilization;
      const targets = metric ? `cpu: ${current === undefined ? '<unknown>' : `${current}%`}/${metric.target?.averageUtilization ?? '?'}%` : '<none>';
      return [o.metadata.name, `${ref.kind}/${ref.name}`, targets, String(o.spec?.minReplicas ?? 1), o.spec?.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, age(o.metadata.creationTimestamp, now)];
    },
  },
  PodDisruptionBudget: {
    columns: [NAME, col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), AGE],
    cells: (o, now) => [o.metadata.name, 'minAvailable' in (o.spec ?? {}) ? String(o.spec.minAvailable) : 'N/A', 'maxUnavailable' in (o.spec ?? {}) ? String(o.spec.maxUnavailable) : 'N/A', o.status?.disruptionsAllowed ?? 0, age(o.metadata.creationTimestamp, now)],
  },
  NetworkPolicy: {
    columns: [NAME, col('Pod-Selector'), AGE],
    cells: (o, now) => [o.metadata.name, labelSelectorString(o.spec?.podSelector) || '<none>', age(o.metadata.creationTimestamp, now)],
  },
  StorageClass: {
    columns: [NAME, col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion', 'boolean'), AGE],
    cells: (o, now) => {
      const isDefault = o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
      return [isDefault ? `${o.metadata.name} (default)` : o.metadata.name, o.provisioner ?? '', o.reclaimPolicy ?? 'Delete', o.volumeBindingMode ?? 'Immediate', Boolean(o.allowVolumeExpansion), age(o.metadata.creationTimestamp, now)];
    },
  },
  PriorityClass: {
    columns: [NAME, col('Value', 'integer'), col('Global-Default', 'boolean'), AGE, col('PreemptionPolicy')],
    cells: (o, now) => [o.metadata.name, o.value ?? 0, Boolean(o.globalDefault), age(o.metadata.creationTimestamp, now), o.preemptionPolicy ?? 'PreemptLowerPriority'],
  },
  RuntimeClass: {
    columns: [NAME, col('Handler'), AGE],
    cells: (o, now) => [o.metadata.name, o.handler ?? '', age(o.metadata.creationTimestamp, now)],
  },
  Role: { columns: [NAME, col('Created At', 'date')], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''] },
  ClusterRole: { columns: [NAME, col('Created At', 'date')], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''] },
  CustomResourceDefinition: { columns: [NAME, col('Created At', 'date')], cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''] },
  RoleBinding: {
    columns: [NAME, col('Role'), AGE, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    cells: (o, now) => [o.metadata.name, `${o.roleRef?.kind}/${o.roleRef?.name}`, age(o.metadata.creationTimestamp, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
  },
  ClusterRoleBinding: {
    columns: [NAME, col('Role'), AGE, col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
    cells: (o, now) => [o.metadata.name, `${o.roleRef?.kind}/${o.roleRef?.name}`, age(o.metadata.creationTimestamp, now), subjects(o, 'User'), subjects(o, 'Group'), subjects(o, 'ServiceAccount')],
  },
};

function accessModes(modes: string[] | undefined): string {
  const short: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
  return (modes ?? []).map((m) => short[m] ?? m).join(',');
}

function cellFromPath(o: Obj, c: PrinterColumn, now: number): Cell {
  const values = jsonPath(o, c.jsonPath);
  if (values.length === 0) return '<none>';
  const v = values[0];
  if (c.type === 'date') return age(v, now);
  if (typeof v === 'object') return JSON.stringify(v);
  if (c.type === 'integer' || c.type === 'number') return typeof v === 'number' ? v : Number(v);
  if (c.type === 'boolean') return Boolean(v);
  return values.map(String).join(',');
}

function customPrinter(columns: PrinterColumn[]): Printer {
  const cols = columns.length ? columns : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  return {
    columns: [NAME, ...cols.map((c) => ({ name: c.name, type: c.type === 'date' ? 'string' : c.type, format: c.format ?? '', description: c.description ?? c.name, priority: c.priority ?? 0 }))],
    cells: (o, now) => [o.metadata.name, ...cols.map((c) => cellFromPath(o, c, now))],
  };
}

function printerFor(type: ResourceType): Printer {
  if (type.crd) return customPrinter(type.printerColumns ?? []);
  return PRINTERS[type.kind] ?? { columns: [NAME, AGE], cells: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)] };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(o: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(type: ResourceType, objects: KubeObject[], listMeta: Record<string, unknown>, include: IncludeObject = 'Metadata'): KubeObject {
  const printer = printerFor(type);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: printer.columns,
    rows: objects.map((o) => ({
      cells: printer.cells(o, now),
      object: include === 'None' ? undefined : include === 'Object' ? o : partialMetadata(o),
    })),
  };
}
