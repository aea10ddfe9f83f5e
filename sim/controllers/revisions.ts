/**
 * ControllerRevisions (apps/v1), as the StatefulSet and DaemonSet controllers keep
 * them: one per pod template a workload has had, named `<workload>-<hash>`, owned by
 * the workload, labelled with the hash, numbered in order; an old template coming back
 * gets the next number again. Beyond revisionHistoryLimit the oldest are deleted.
 */
import type { Store } from '../store';
import type { KubeObject } from '../types';
import { ownerRefTo, type Obj, type OwnerIndex } from './runtime';

export const CONTROLLER_REVISIONS = 'apps/controllerrevisions';

export function recordRevision(store: Store, owners: OwnerIndex, workload: KubeObject, name: string, hash: string): KubeObject {
  const owned = owners.owned(store, CONTROLLER_REVISIONS, workload);
  const latest = Math.max(0, ...owned.map((r) => Number(r.revision ?? 0)));
  const labels = { ...((workload.spec as Obj)?.selector?.matchLabels ?? {}), 'controller.kubernetes.io/hash': hash };
  const existing = owned.find((r) => r.metadata.name === name);
  if (existing) {
    if (Number(existing.revision ?? 0) === latest) return existing;
    return store.update(CONTROLLER_REVISIONS, { ...existing, metadata: { ...existing.metadata }, revision: latest + 1 });
  }
  const template = structuredClone((workload.spec as Obj)?.template ?? {});
  const created = store.create(CONTROLLER_REVISIONS, {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: { name, namespace: workload.metadata.namespace, labels, ownerReferences: [ownerRefTo(workload)] },
    data: { spec: { template: { ...template, $patch: 'replace' } } },
    revision: latest + 1,
  });
  const limit = Number((workload.spec as Obj)?.revisionHistoryLimit ?? 10);
  const old = owners
    .owned(store, CONTROLLER_REVISIONS, workload)
    .filter((r) => r.metadata.name !== name)
    .sort((a, b) => Number(a.revision ?? 0) - Number(b.revision ?? 0));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) store.delete(CONTROLLER_REVISIONS, r.metadata.namespace, r.metadata.name!);
  return created;
}
