import type { KubeObject } from '../../lib/kinds/types';
import { HttpError } from '../http/errors';
import { kubeConfigActingAs } from '../kube/actingAs';
import { log } from '../log';
import { objectPath, resolveKind, type Target } from './actions';
import { kubeWrite, type WriteAnswer } from './kubeWrite';
import { refuseRedactedSecret } from './secretRedaction';

/** How an edit is sent: for real, or as Kubernetes' dry run (every check and admission, nothing stored). */
export interface EditMode {
  dryRun: boolean;
}

/** `?dryRun=All` (the only value Kubernetes knows), absent, or a 400 naming the bad value. */
export function parseEditMode(url: URL): EditMode {
  const values = url.searchParams.getAll('dryRun');
  const bad = values.find((v) => v !== 'All');
  if (bad !== undefined) throw new HttpError(400, `dryRun: Unsupported value: "${bad}": supported values: "All"`);
  return { dryRun: values.length > 0 };
}

/**
 * Replaces the object with an edited version (parsed at the edge) as the person.
 * The edit must keep its kind, name and namespace; a stale resourceVersion is
 * Kubernetes' 409 Conflict, passed on verbatim. A Secret still holding the
 * redaction marker is refused before it reaches Kubernetes.
 *
 * Sent with `fieldValidation=Strict`: a misspelt or unknown field is an error
 * naming it, never silently dropped. Kubernetes' refusal keeps its causes
 * (KubeStatusError) and an accepted write its warnings.
 */
export async function replaceObject(t: Target, body: Record<string, unknown>, mode: EditMode = { dryRun: false }): Promise<WriteAnswer<KubeObject>> {
  const kind = resolveKind(t.live, t.cluster, t.token, t.namespace);
  const edited = body as KubeObject;
  if (edited.kind === undefined) throw new HttpError(400, `the edit has no kind: it must be a ${kind.kind}`);
  if (edited.kind !== kind.kind) throw new HttpError(400, `the edit is a ${String(edited.kind)}, not a ${kind.kind}`);
  if (edited.metadata?.name !== t.name) throw new HttpError(400, `the edit renames the object to "${String(edited.metadata?.name)}": create a new one instead`);
  if (kind.namespaced && edited.metadata?.namespace !== undefined && edited.metadata.namespace !== t.namespace) {
    throw new HttpError(400, `the edit moves the object to namespace "${edited.metadata.namespace}": that is not possible`);
  }
  if (!edited.metadata?.resourceVersion) throw new HttpError(400, 'the edit must keep metadata.resourceVersion, so a change made meanwhile is not overwritten');
  if (kind.kind === 'Secret' && !kind.group) refuseRedactedSecret(edited);
  const kc = kubeConfigActingAs(t.live.cluster(t.cluster).cluster.kubeConfig, t.actor);
  const answer = await kubeWrite<KubeObject>(kc, {
    method: 'PUT',
    path: objectPath(kind, t.namespace, t.name),
    query: { fieldValidation: 'Strict', dryRun: mode.dryRun ? 'All' : undefined },
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(edited),
    timeoutMs: 15_000,
  });
  if (!mode.dryRun) {
    log.info({ audit: true, requestId: t.requestId, actor: t.actor.name, cluster: t.cluster, kind: t.token, namespace: t.namespace, name: t.name, resourceVersion: answer.object.metadata?.resourceVersion }, 'object replaced');
  }
  return answer;
}
