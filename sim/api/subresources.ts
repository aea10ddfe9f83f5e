/** The `status` and `scale` subresources, and pods' `eviction`. */
import { jsonPath } from '../jsonpath';
import { storageKey } from '../resources';
import { labelSelectorString } from '../selectors';
import { methodNotAllowed, notFound, conflict } from '../status';
import type { KubeObject } from '../types';
import type { ResourceRequest } from './context';
import { served, toStorage } from './list';
import { checkBody, prepareUpdate } from './objects';
import { sendJson } from './respond';
import { commitUpdate, decodeBody, patchValue } from './write';
import { handleEviction } from './eviction';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

function existing(r: ResourceRequest): KubeObject {
  const o = r.ctx.store.get(storageKey(r.type), r.namespace, r.name!);
  if (!o) throw notFound(r.type.resource, r.type.group, r.name!);
  return o;
}

function setPath(obj: Obj, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
  cur[parts[parts.length - 1]] = value;
}

function toScale(r: ResourceRequest, o: KubeObject): KubeObject {
  const s = r.type.scale!;
  const replicas = Number(jsonPath(o, s.specReplicasPath)[0] ?? (r.type.crd ? 0 : 1));
  const current = Number(jsonPath(o, s.statusReplicasPath)[0] ?? 0);
  let selector = s.labelSelectorPath ? jsonPath(o, s.labelSelectorPath)[0] : undefined;
  if (typeof selector !== 'string') selector = labelSelectorString((o.spec as Obj)?.selector);
  const { name, namespace, uid, resourceVersion, creationTimestamp } = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas },
    status: { replicas: current, selector: selector as string },
  };
}

async function writeScale(r: ResourceRequest, patch: boolean): Promise<void> {
  const old = existing(r);
  const before = toScale(r, old);
  const raw = patch ? await patchValue(r, before) : await decodeBody(r);
  const scale = checkBody(r, raw, 'Scale', 'autoscaling/v1');
  const rv = scale.metadata.resourceVersion;
  if (rv && rv !== old.metadata.resourceVersion) {
    throw conflict(r.type.resource, r.type.group, r.name!, 'the object has been modified; please apply your changes to the latest version and try again');
  }
  const replicas = Number((scale.spec as Obj)?.replicas ?? 0);
  const next = structuredClone(old) as Obj;
  setPath(next, r.type.scale!.specReplicasPath, replicas);
  delete next.metadata.resourceVersion;
  const updated = commitUpdate(r, old, prepareUpdate(r.type, old, next), false);
  sendJson(r.res, 200, toScale(r, updated));
}

export async function handleSubresource(r: ResourceRequest): Promise<void> {
  const method = r.req.method;
  if (r.subresource === 'eviction' && r.type.group === '' && r.type.resource === 'pods') return handleEviction(r);
  if (r.subresource === 'scale' && r.type.scale) {
    if (method === 'GET') return sendJson(r.res, 200, toScale(r, existing(r)));
    if (method === 'PUT') return writeScale(r, false);
    if (method === 'PATCH') return writeScale(r, true);
    throw methodNotAllowed();
  }
  if (r.subresource === 'status' && r.type.status) {
    if (method === 'GET') return sendJson(r.res, 200, served(r, existing(r)));
    const old = existing(r);
    const body = toStorage(r, checkBody(r, method === 'PATCH' ? await patchValue(r, served(r, old)) : await decodeBody(r)));
    if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed();
    const next = prepareUpdate(r.type, old, body, { subresource: 'status' });
    return sendJson(r.res, 200, served(r, commitUpdate(r, old, next, false)));
  }
  throw notFound(`${r.type.resource}/${r.subresource}`, r.type.group, r.name ?? '');
}
