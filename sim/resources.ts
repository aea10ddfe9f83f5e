/**
 * The resource registry: every kind the simulator serves, as data.
 * Built-in kinds are declared once below; custom resources are added and removed
 * at run time when CustomResourceDefinitions come and go.
 */
import { hpaFromV1, hpaToV1 } from './autoscalingV1';
import { eventsV1 } from './eventsV1';
import type { KubeObject } from './types';

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** A subresource as discovery lists it: what it answers with and which verbs it takes. */
export interface Subresource {
  name: string;
  /** The kind the subresource speaks; group and version default to the parent's. */
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceType {
  group: string;
  /** Versions served; the first is the preferred (storage) version. */
  versions: string[];
  resource: string;
  kind: string;
  namespaced: boolean;
  singular: string;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  status: boolean;
  scale?: ScaleSubresource;
  /** Custom resources: the CRD that defines them, and its printer columns. */
  crd?: string;
  printerColumns?: PrinterColumn[];
  /** Field selectors beyond metadata.name / metadata.namespace. */
  fields?: Record<string, (obj: Record<string, unknown>) => string>;
  /** Subresources other than status and scale (pods/log, serviceaccounts/token, …), for discovery. */
  subresources?: Subresource[];
  /**
   * A second face of another resource's objects (events.k8s.io Events are core Events):
   * where they are stored, and how a stored object reads in this resource's shape.
   */
  view?: { storage: string; read(o: KubeObject): KubeObject };
  /**
   * One stored object served at several versions (HPAs at autoscaling/v1 and v2): how
   * the stored shape (the first version's) reads at another version, and how an object
   * written at that version is stored.
   */
  conversion?: { read(o: KubeObject, version: string): KubeObject; write(o: KubeObject, version: string): KubeObject };
}

export const CRUD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CLUSTER_NAMESPACE_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** Where a resource lives in the store: the group and plural, version-independent (or the resource it is a view of). */
export function storageKey(t: Pick<ResourceType, 'group' | 'resource' | 'view'>): string {
  return t.view?.storage ?? `${t.group}/${t.resource}`;
}

/** How the registry knows a resource: its own group and plural. */
function registryKey(t: Pick<ResourceType, 'group' | 'resource'>): string {
  return `${t.group}/${t.resource}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function fieldText(path: string, fallback = ''): (obj: Record<string, unknown>) => string {
  return (obj) => {
    const v = at(obj, path);
    return v === undefined || v === null ? fallback : String(v);
  };
}

interface Decl {
  g: string;
  v: string | string[];
  r: string;
  k: string;
  ns: boolean;
  short?: string[];
  all?: boolean;
  status?: boolean;
  scale?: boolean;
  verbs?: string[];
  fields?: ResourceType['fields'];
  sub?: Subresource[];
  view?: ResourceType['view'];
  conversion?: ResourceType['conversion'];
}

const podFields: ResourceType['fields'] = {
  'spec.nodeName': fieldText('spec.nodeName'),
  'spec.restartPolicy': fieldText('spec.restartPolicy'),
  'spec.schedulerName': fieldText('spec.schedulerName'),
  'spec.serviceAccountName': fieldText('spec.serviceAccountName'),
  'spec.hostNetwork': fieldText('spec.hostNetwork', 'false'),
  'status.phase': fieldText('status.phase'),
  'status.podIP': fieldText('status.podIP'),
  'status.nominatedNodeName': fieldText('status.nominatedNodeName'),
};

/** What a pod serves besides status: streams, eviction. */
const podSubresources: Subresource[] = [
  { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { name: 'log', kind: 'Pod', verbs: ['get'] },
  { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
];

const eventFields: ResourceType['fields'] = {
  'involvedObject.kind': fieldText('involvedObject.kind'),
  'involvedObject.namespace': fieldText('involvedObject.namespace'),
  'involvedObject.name': fieldText('involvedObject.name'),
  'involvedObject.uid': fieldText('involvedObject.uid'),
  'involvedObject.apiVersion': fieldText('involvedObject.apiVersion'),
  'involvedObject.resourceVersion': fieldText('involvedObject.resourceVersion'),
  'involvedObject.fieldPath': fieldText('involvedObject.fieldPath'),
  reason: fieldText('reason'),
  reportingComponent: fieldText('reportingComponent'),
  source: fieldText('source.component'),
  type: fieldText('type'),
};

const BUILTIN: Decl[] = [
  { g: '', v: 'v1', r: 'namespaces', k: 'Namespace', ns: false, short: ['ns'], status: true, verbs: CLUSTER_NAMESPACE_VERBS, fields: { 'status.phase': fieldText('status.phase') } },
  { g: '', v: 'v1', r: 'nodes', k: 'Node', ns: false, short: ['no'], status: true, fields: { 'spec.unschedulable': fieldText('spec.unschedulable', 'false') } },
  { g: '', v: 'v1', r: 'pods', k: 'Pod', ns: true, short: ['po'], all: true, status: true, fields: podFields, sub: podSubresources },
  { g: '', v: 'v1', r: 'events', k: 'Event', ns: true, short: ['ev'], fields: eventFields },
  { g: 'events.k8s.io', v: 'v1', r: 'events', k: 'Event', ns: true, short: ['ev'], verbs: ['get', 'list', 'watch'], view: { storage: '/events', read: eventsV1 } },
  { g: '', v: 'v1', r: 'resourcequotas', k: 'ResourceQuota', ns: true, short: ['quota'], status: true },
  { g: '', v: 'v1', r: 'limitranges', k: 'LimitRange', ns: true, short: ['limits'] },
  { g: '', v: 'v1', r: 'services', k: 'Service', ns: true, short: ['svc'], all: true, status: true },
  { g: '', v: 'v1', r: 'endpoints', k: 'Endpoints', ns: true, short: ['ep'] },
  { g: '', v: 'v1', r: 'configmaps', k: 'ConfigMap', ns: true, short: ['cm'] },
  { g: '', v: 'v1', r: 'secrets', k: 'Secret', ns: true, fields: { type: fieldText('type') } },
  { g: '', v: 'v1', r: 'serviceaccounts', k: 'ServiceAccount', ns: true, short: ['sa'], sub: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }] },
  { g: '', v: 'v1', r: 'persistentvolumes', k: 'PersistentVolume', ns: false, short: ['pv'], status: true },
  { g: '', v: 'v1', r: 'persistentvolumeclaims', k: 'PersistentVolumeClaim', ns: true, short: ['pvc'], status: true },
  { g: 'discovery.k8s.io', v: 'v1', r: 'endpointslices', k: 'EndpointSlice', ns: true },
  { g: 'apps', v: 'v1', r: 'deployments', k: 'Deployment', ns: true, short: ['deploy'], all: true, status: true, scale: true },
  { g: 'apps', v: 'v1', r: 'replicasets', k: 'ReplicaSet', ns: true, short: ['rs'], all: true, status: true, scale: true },
  { g: 'apps', v: 'v1', r: 'statefulsets', k: 'StatefulSet', ns: true, short: ['sts'], all: true, status: true, scale: true },
  { g: 'apps', v: 'v1', r: 'daemonsets', k: 'DaemonSet', ns: true, short: ['ds'], all: true, status: true },
  { g: 'apps', v: 'v1', r: 'controllerrevisions', k: 'ControllerRevision', ns: true },
  { g: 'coordination.k8s.io', v: 'v1', r: 'leases', k: 'Lease', ns: true },
  { g: 'batch', v: 'v1', r: 'jobs', k: 'Job', ns: true, all: true, status: true },
  { g: 'batch', v: 'v1', r: 'cronjobs', k: 'CronJob', ns: true, short: ['cj'], all: true, status: true },
  { g: 'autoscaling', v: ['v2', 'v1'], r: 'horizontalpodautoscalers', k: 'HorizontalPodAutoscaler', ns: true, short: ['hpa'], all: true, status: true, conversion: { read: hpaToV1, write: hpaFromV1 } },
  { g: 'policy', v: 'v1', r: 'poddisruptionbudgets', k: 'PodDisruptionBudget', ns: true, short: ['pdb'], status: true },
  { g: 'networking.k8s.io', v: 'v1', r: 'ingresses', k: 'Ingress', ns: true, short: ['ing'], status: true },
  { g: 'networking.k8s.io', v: 'v1', r: 'ingressclasses', k: 'IngressClass', ns: false },
  { g: 'networking.k8s.io', v: 'v1', r: 'networkpolicies', k: 'NetworkPolicy', ns: true, short: ['netpol'] },
  { g: 'storage.k8s.io', v: 'v1', r: 'storageclasses', k: 'StorageClass', ns: false, short: ['sc'] },
  { g: 'scheduling.k8s.io', v: 'v1', r: 'priorityclasses', k: 'PriorityClass', ns: false, short: ['pc'] },
  { g: 'node.k8s.io', v: 'v1', r: 'runtimeclasses', k: 'RuntimeClass', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'roles', k: 'Role', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'rolebindings', k: 'RoleBinding', ns: true },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterroles', k: 'ClusterRole', ns: false },
  { g: 'rbac.authorization.k8s.io', v: 'v1', r: 'clusterrolebindings', k: 'ClusterRoleBinding', ns: false },
  { g: 'metrics.k8s.io', v: 'v1beta1', r: 'pods', k: 'PodMetrics', ns: true, verbs: ['get', 'list'] },
  { g: 'metrics.k8s.io', v: 'v1beta1', r: 'nodes', k: 'NodeMetrics', ns: false, verbs: ['get', 'list'] },
  { g: 'apiextensions.k8s.io', v: 'v1', r: 'customresourcedefinitions', k: 'CustomResourceDefinition', ns: false, short: ['crd', 'crds'], status: true },
];

const SCALE: ScaleSubresource = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

function fromDecl(d: Decl): ResourceType {
  return {
    group: d.g,
    versions: Array.isArray(d.v) ? d.v : [d.v],
    resource: d.r,
    kind: d.k,
    namespaced: d.ns,
    singular: d.k.toLowerCase(),
    shortNames: d.short ?? [],
    categories: d.all ? ['all'] : [],
    verbs: d.verbs ?? CRUD_VERBS,
    status: d.status ?? false,
    scale: d.scale ? SCALE : undefined,
    fields: d.fields,
    subresources: d.sub,
    view: d.view,
    conversion: d.conversion,
  };
}

/** A create-only resource served by the auth module (access reviews). */
export function reviewType(resource: string, r: { group: string; version: string; kind: string; namespaced: boolean }): ResourceType {
  return {
    group: r.group,
    versions: [r.version],
    resource,
    kind: r.kind,
    namespaced: r.namespaced,
    singular: r.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: ['create'],
    status: false,
  };
}

/** All resource types, looked up by group/version/plural and by storage key. */
export class Registry {
  private types = new Map<string, ResourceType>();
  /** Called after any change, so discovery and OpenAPI can refresh their hashes. */
  generation = 0;

  constructor(extra: ResourceType[] = []) {
    for (const d of BUILTIN) this.add(fromDecl(d));
    for (const t of extra) this.add(t);
  }

  add(t: ResourceType): void {
    this.types.set(registryKey(t), t);
    this.generation++;
  }

  remove(key: string): void {
    if (this.types.delete(key)) this.generation++;
  }

  /** By `group/plural`. */
  byKey(key: string): ResourceType | undefined {
    return this.types.get(key);
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    const t = this.types.get(`${group}/${resource}`);
    return t && t.versions.includes(version) ? t : undefined;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Group → versions, with the core group as "". Groups in a stable order, core first. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.types.values()) {
      const vs = out.get(t.group) ?? [];
      for (const v of t.versions) if (!vs.includes(v)) vs.push(v);
      out.set(t.group, vs);
    }
    return out;
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.versions.includes(version));
  }

  /** Find by kind (used by the scenario loader and generic helpers). */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return this.all().find((t) => t.group === group && t.kind === kind && t.versions.includes(version));
  }
}
