/** LIST: selectors, resourceVersion rules, limit/continue paging, and Table or metadata-only output. */
import { badRequest, gone } from '../status';
import { parseFieldSelector, parseLabelSelector, matches, type Filter } from '../selectors';
import { partialMetadata, toTable, type IncludeObject } from '../table';
import { apiVersionOf, storageKey } from '../resources';
import type { KubeObject } from '../types';
import type { ResourceRequest } from './context';
import { sendJson, wanted } from './respond';
import { invalidParam, parseResourceVersion, waitForResourceVersion } from './versions';

interface ContinueToken {
  rv: number;
  start: string;
}

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Continue tokens have the apiserver's shape: unpadded base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":"ns/name"}`. */
const TOKEN_VERSION = 'meta.k8s.io/v1';

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, rv: t.rv, start: t.start })).toString('base64url');
}

/** A token that cannot be read is a 400, worded as the apiserver's storage layer words it. */
function decodeContinue(raw: string): ContinueToken {
  const refuse = (why: string) => badRequest(`invalid continue token: continue key is not valid${why}`);
  const bad = raw.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0 || raw.length % 4 === 1) throw refuse(`: illegal base64 data at input byte ${bad >= 0 ? bad : raw.length - 1}`);
  let t: unknown;
  try {
    t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw refuse(': invalid character looking for beginning of value');
  }
  const token = (t && typeof t === 'object' ? t : {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (token.v !== TOKEN_VERSION) throw refuse(`: server does not recognize this encoded version ${typeof token.v === 'string' ? token.v : ''}`.trimEnd());
  if (typeof token.rv !== 'number' || !Number.isInteger(token.rv) || token.rv <= 0) throw refuse(': incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof token.start !== 'string' || token.start === '') throw refuse(': encoded start key empty (version meta.k8s.io/v1)');
  return { rv: token.rv, start: token.start };
}

export function filterFor(r: ResourceRequest): Filter {
  const fields = parseFieldSelector(r.query.get('fieldSelector'), r.type);
  return { namespace: r.namespace, labels: parseLabelSelector(r.query.get('labelSelector')), fields };
}

/** Whether the request speaks a version other than the one its kind is stored at, through a conversion. */
function converted(r: Pick<ResourceRequest, 'type' | 'version'>): boolean {
  return r.type.conversion !== undefined && r.version !== r.type.versions[0];
}

/** The object as served at the requested version (custom resources may be served at several). */
export function served(r: Pick<ResourceRequest, 'type' | 'version'>, o: KubeObject): KubeObject {
  const apiVersion = apiVersionOf(r.type.group, r.version);
  if (r.type.view) o = r.type.view.read(o);
  if (converted(r)) o = r.type.conversion!.read(o, r.version);
  return o.apiVersion === apiVersion ? o : { ...o, apiVersion };
}

/** An object written at the request's version, in the shape it is stored in. */
export function toStorage(r: Pick<ResourceRequest, 'type' | 'version'>, o: KubeObject): KubeObject {
  return converted(r) ? r.type.conversion!.write(o, r.version) : o;
}

export function includeObject(r: ResourceRequest): IncludeObject {
  const v = r.query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export async function handleList(r: ResourceRequest): Promise<void> {
  const { store } = r.ctx;
  const q = r.query;
  const filter = filterFor(r);
  const rvRaw = q.get('resourceVersion');
  const rv = parseResourceVersion(rvRaw);
  const match = q.get('resourceVersionMatch');
  if (q.get('sendInitialEvents') !== null) throw invalidParam('sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list', 'sendInitialEvents');
  if (match) {
    if (match !== 'Exact' && match !== 'NotOlderThan') throw invalidParam(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`, 'resourceVersionMatch');
    if (rv === undefined) throw invalidParam('resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', 'resourceVersionMatch');
    if (match === 'Exact' && rv === 0) throw invalidParam('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"', 'resourceVersionMatch');
  }
  const cont = q.get('continue');
  if (cont && rv !== undefined && rv !== 0) throw invalidParam('resourceVersion: Forbidden: specifying resource version is not allowed when using continue', 'resourceVersion');
  if (rv !== undefined && rv > 0) await waitForResourceVersion(r.ctx, rv);
  if (match === 'Exact' && rv !== undefined && rv !== store.currentRv()) {
    // History of whole lists is not kept: only the current state can be listed exactly.
    throw gone(`too old resource version: ${rv} (${store.currentRv()})`);
  }

  let listRv = store.currentRv();
  let after: string | undefined;
  if (cont) {
    const token = decodeContinue(cont);
    if (token.rv < store.oldestResourceVersion()) throw gone(EXPIRED_CONTINUE);
    listRv = token.rv;
    after = token.start;
  }
  // Every page of a list is read at the first page's resourceVersion.
  const objects = (from?: string) => store.iterateAt(storageKey(r.type), listRv, r.namespace, from);
  const limitRaw = Number(q.get('limit') ?? '0');
  const limit = Number.isFinite(limitRaw) && limitRaw > 0 ? Math.floor(limitRaw) : 0;

  const items: KubeObject[] = [];
  let more = false;
  let lastKey = '';
  for (const o of objects(after)) {
    if (!matches(filter, o)) continue;
    if (limit && items.length === limit) {
      more = true;
      break;
    }
    items.push(served(r, o));
    lastKey = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  }
  const listMeta: Record<string, unknown> = { resourceVersion: String(listRv) };
  if (more) {
    listMeta.continue = encodeContinue({ rv: listRv, start: lastKey });
    if (filter.labels.length === 0 && filter.fields.length === 0) {
      listMeta.remainingItemCount = store.countAt(storageKey(r.type), listRv, r.namespace, lastKey);
    }
  }
  const want = wanted(r.req);
  if (want.table) return sendJson(r.res, 200, toTable(r.type, items, listMeta, includeObject(r)));
  if (want.partial) {
    return sendJson(r.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: items.map(partialMetadata) });
  }
  sendJson(r.res, 200, { kind: `${r.type.kind}List`, apiVersion: apiVersionOf(r.type.group, r.version), metadata: listMeta, items });
}
