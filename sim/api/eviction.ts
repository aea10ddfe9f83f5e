/**
 * `POST pods/{name}/eviction` (policy/v1 Eviction; v1beta1 too): a delete that honours
 * PodDisruptionBudgets. A pod that is not running or already being deleted, or that no
 * budget selects, is simply deleted (gracefully). With one budget the eviction is
 * refused with 429 unless it allows a disruption, which it then uses up (recorded in
 * `status.disruptedPods` until the disruption controller sees the pod go); an unready
 * pod may go while the budget is met. More than one budget is an error, as on a real
 * apiserver.
 */
import { mediaType, parseText, readBody } from '../body';
import { budgetsFor, PDBS } from '../controllers/disruption';
import { isPodReady, nowIso, type Obj } from '../controllers/runtime';
import { badRequest, notFound, status, StatusError } from '../status';
import type { KubeObject } from '../types';
import type { ResourceRequest } from './context';
import { deleteOptionsFromJson, evictionFromProtobuf, unwrapProtobuf, validateDeleteOptions } from './deleteOptions';
import type { DeleteOptions } from '../deletion';
import { sendJson } from './respond';
import { deleteObject } from './write';

const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];
const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

async function readEviction(r: ResourceRequest): Promise<{ name?: string; deleteOptions: DeleteOptions }> {
  const buf = await readBody(r.req);
  if (buf.length === 0) throw badRequest('the body of the request was empty');
  const type = mediaType(r.req);
  if (type === 'application/vnd.kubernetes.protobuf') {
    const { apiVersion, kind, raw } = unwrapProtobuf(buf);
    if (kind !== 'Eviction' || !EVICTION_VERSIONS.includes(apiVersion)) throw badRequest(`expected an Eviction of policy/v1, got ${kind || 'no kind'} (${apiVersion || 'no apiVersion'})`);
    const e = evictionFromProtobuf(raw);
    return { name: e.name, deleteOptions: e.deleteOptions ?? {} };
  }
  const body = parseText(buf.toString('utf8'), type.includes('yaml')) as Obj;
  if (!body || typeof body !== 'object' || body.kind !== 'Eviction' || !EVICTION_VERSIONS.includes(body.apiVersion)) {
    throw badRequest(`expected an Eviction of policy/v1, got ${body?.kind ?? 'no kind'} (${body?.apiVersion ?? 'no apiVersion'})`);
  }
  return { name: body.metadata?.name, deleteOptions: body.deleteOptions === undefined || body.deleteOptions === null ? {} : deleteOptionsFromJson(body.deleteOptions) };
}

function tooManyRequests(cause: string): StatusError {
  return new StatusError(status(429, 'TooManyRequests', REFUSED, { causes: [{ reason: 'DisruptionBudget', message: cause }] }));
}

/** Pods whose eviction disrupts nothing more: not running, or already going. */
function disruptsNothing(pod: KubeObject): boolean {
  const phase = (pod.status as Obj)?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || Boolean(pod.metadata.deletionTimestamp);
}

export async function handleEviction(r: ResourceRequest): Promise<void> {
  if (r.req.method !== 'POST') throw new StatusError(status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
  const { name, deleteOptions } = await readEviction(r);
  if (name !== undefined && name !== '' && name !== r.name) throw badRequest(`name in URL does not match name in Eviction object`);
  validateDeleteOptions(deleteOptions);
  const dryRun = (deleteOptions.dryRun ?? []).includes('All');
  const { store } = r.ctx;
  const pod = store.get('/pods', r.namespace, r.name!);
  if (!pod) throw notFound('pods', '', r.name!);
  if (!disruptsNothing(pod)) {
    const budgets = budgetsFor(store, pod);
    if (budgets.length > 1) throw new StatusError(status(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'));
    if (budgets.length === 1) spendBudget(r, budgets[0], pod, dryRun);
  }
  deleteObject(r, pod, deleteOptions, dryRun);
  sendJson(r.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** Checks the budget allows this eviction and, unless it is an unready pod the budget can spare, takes one disruption from it. */
function spendBudget(r: ResourceRequest, pdb: KubeObject, pod: KubeObject, dryRun: boolean): void {
  const st = (pdb.status ?? {}) as Obj;
  const spec = (pdb.spec ?? {}) as Obj;
  if (!isPodReady(pod)) {
    if (spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return;
    if ((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0) return;
  }
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) throw tooManyRequests(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
  if ((st.disruptionsAllowed ?? 0) <= 0) throw tooManyRequests(`The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
  if (dryRun) return;
  const allowed = st.disruptionsAllowed - 1;
  const next: Obj = { ...st, disruptionsAllowed: allowed, disruptedPods: { ...(st.disruptedPods ?? {}), [pod.metadata.name!]: nowIso() } };
  if (allowed === 0) {
    next.conditions = (st.conditions ?? []).map((c: Obj) => (c.type === 'DisruptionAllowed' ? { ...c, status: 'False', reason: 'InsufficientPods', lastTransitionTime: c.status === 'False' ? c.lastTransitionTime : nowIso() } : c));
  }
  r.ctx.store.update(PDBS, { ...pdb, metadata: { ...pdb.metadata }, status: next });
}
