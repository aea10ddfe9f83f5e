/**
 * A resource kind, as data: where it lives in the API, how one object becomes
 * the small row a list shows, and the columns of that list. Server (informers,
 * snapshots, streams), routes, UI and tests all read kinds from the registry
 * in `lib/kinds/index.ts`; adding a kind is one file plus its registration line.
 */

/** The groups of the sidebar and of CROWSNEST_WATCH_STREAMS. */
export type KindGroup = 'core' | 'workloads' | 'networking' | 'storage' | 'cluster' | 'config' | 'custom';

/** A JSON object from the API server, untyped on purpose: projections read it defensively. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }>;
  };
  [field: string]: unknown;
};

export type CellValue = string | number | boolean | null | string[];

/** How a list renders a column's cells. */
export type ColumnType =
  | 'text'
  | 'number'
  /** An ISO timestamp, shown as a relative age that ticks. */
  | 'age'
  /** A status word, coloured by `Row.tone`. */
  | 'status'
  | 'list'
  /** A memory quantity (`32853120Ki`), shown in binary units (`31.3 GiB`). */
  | 'memory'
  /**
   * Live usage from metrics.k8s.io, which the list adds beside the row; the cell holds
   * what it is measured against as quantities: `[request, limit]` of a pod, `[allocatable]` of a node.
   */
  | 'usage';

export interface Column {
  /** Key of the cell in `Row.cells`. */
  id: string;
  title: string;
  type: ColumnType;
  /** 0: always shown; 1: shown in the wide view only (like kubectl's priority). */
  priority?: 0 | 1;
}

/** How a row's status reads at a glance. */
export type Tone = 'ok' | 'progress' | 'warning' | 'error' | 'done' | 'neutral';

export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

/**
 * One object as a list shows it: identity, the few metadata fields every list
 * needs, and the kind's own cells. Never a whole object, never a secret value.
 */
export interface Row {
  uid: string;
  name: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
  resourceVersion?: string;
  createdAt?: string;
  labels?: Record<string, string>;
  owners?: OwnerRef[];
  /** Cells keyed by `Column.id`. */
  cells: Record<string, CellValue>;
  tone?: Tone;
}

export interface KindDefinition {
  /** The URL token: `pods`, `deployments`, or `<plural>.<group>` for custom resources. */
  token: string;
  /** API group, "" for core. */
  group: string;
  version: string;
  /** The object kind, e.g. `Pod`. */
  kind: string;
  /** Plural resource name in the API path. */
  plural: string;
  namespaced: boolean;
  alias: KindGroup;
  /** Human title for navigation, e.g. `Pods`. */
  title: string;
  columns: Column[];
  /**
   * For custom resource kinds only: the name of the CustomResourceDefinition the kind
   * was made from, so the server can drop the kind (and its informer) when that CRD
   * is deleted, and rebuild it when the CRD changes. Undefined for built-in kinds.
   */
  crdName?: string;
  /** Object → row. Must tolerate missing fields: objects come from any cluster. */
  project(object: KubeObject): Row;
}
