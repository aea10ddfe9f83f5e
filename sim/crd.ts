/**
 * CustomResourceDefinitions: turning a CRD into a served resource type, checking it,
 * filling its status, and keeping the registry in step with the store.
 */
import { CRUD_VERBS, storageKey, type Registry, type ResourceType } from './resources';
import { invalid } from './status';
import type { Store } from './store';
import type { KubeObject } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** The resource type a CRD defines (served versions only; storage version first). */
export function typeFromCrd(crd: KubeObject): ResourceType | undefined {
  const spec: Obj = crd.spec;
  if (!spec?.group || !spec?.names?.plural || !spec?.names?.kind) return undefined;
  const versions: Obj[] = (spec.versions ?? []).filter((v: Obj) => v.served !== false);
  if (versions.length === 0) return undefined;
  versions.sort((a: Obj, b: Obj) => Number(Boolean(b.storage)) - Number(Boolean(a.storage)));
  const main = versions[0];
  const sub = main.subresources ?? spec.subresources ?? {};
  return {
    group: spec.group,
    versions: versions.map((v: Obj) => v.name),
    resource: spec.names.plural,
    kind: spec.names.kind,
    namespaced: spec.scope !== 'Cluster',
    singular: spec.names.singular ?? String(spec.names.kind).toLowerCase(),
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    verbs: CRUD_VERBS,
    status: Boolean(sub.status),
    scale: sub.scale ? { specReplicasPath: sub.scale.specReplicasPath, statusReplicasPath: sub.scale.statusReplicasPath, labelSelectorPath: sub.scale.labelSelectorPath } : undefined,
    crd: crd.metadata.name,
    printerColumns: main.additionalPrinterColumns ?? spec.additionalPrinterColumns ?? [],
  };
}

/** The checks the apiextensions apiserver makes that clients most often trip on. */
export function validateCrd(crd: KubeObject, old: KubeObject | undefined): void {
  const spec: Obj = crd.spec ?? {};
  const name = crd.metadata.name ?? '';
  const causes: { field: string; message: string; reason?: string }[] = [];
  if (!spec.group) causes.push({ field: 'spec.group', message: 'Required value', reason: 'FieldValueRequired' });
  if (!spec.names?.plural) causes.push({ field: 'spec.names.plural', message: 'Required value', reason: 'FieldValueRequired' });
  if (!spec.names?.kind) causes.push({ field: 'spec.names.kind', message: 'Required value', reason: 'FieldValueRequired' });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') causes.push({ field: 'spec.scope', message: `Unsupported value: "${spec.scope ?? ''}": supported values: "Cluster", "Namespaced"`, reason: 'FieldValueNotSupported' });
  const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) causes.push({ field: 'spec.versions', message: 'Invalid value: must have exactly one version marked as storage version' });
  else if (versions.filter((v) => v.storage).length !== 1) causes.push({ field: 'spec.versions', message: 'Invalid value: must have exactly one version marked as storage version' });
  if (spec.group && spec.names?.plural && name !== `${spec.names.plural}.${spec.group}`) {
    causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group` });
  }
  if (old && spec.group !== (old.spec as Obj)?.group) causes.push({ field: 'spec.group', message: 'Invalid value: field is immutable' });
  if (causes.length) throw invalid('CustomResourceDefinition', 'apiextensions.k8s.io', name, causes);
}

/** Status an established CRD reports. */
export function crdStatus(crd: KubeObject): void {
  const spec: Obj = crd.spec ?? {};
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  crd.status = {
    acceptedNames: { ...spec.names, singular: spec.names?.singular ?? String(spec.names?.kind ?? '').toLowerCase() },
    conditions: [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now },
    ],
    storedVersions: (spec.versions ?? []).filter((v: Obj) => v.storage).map((v: Obj) => v.name),
  };
}

/** Keeps the registry serving exactly the CRDs in the store. Returns the unsubscribe. */
export function syncCrds(store: Store, registry: Registry): () => void {
  const registered = new Map<string, string>(); // CRD name → storage key
  const register = (crd: KubeObject) => {
    const t = typeFromCrd(crd);
    const before = registered.get(crd.metadata.name!);
    if (before && (!t || before !== storageKey(t))) {
      registry.remove(before);
      registered.delete(crd.metadata.name!);
    }
    if (t) {
      registry.add(t);
      registered.set(crd.metadata.name!, storageKey(t));
    }
  };
  for (const crd of store.list(CRD_KEY)) register(crd);
  return store.subscribe((e) => {
    if (e.key !== CRD_KEY) return;
    if (e.type !== 'DELETED') return register(e.object);
    const key = registered.get(e.object.metadata.name!);
    if (!key) return;
    registered.delete(e.object.metadata.name!);
    registry.remove(key);
    // Let every watcher see the CRD's deletion before its objects go.
    queueMicrotask(() => store.dropResource(key));
  });
}
