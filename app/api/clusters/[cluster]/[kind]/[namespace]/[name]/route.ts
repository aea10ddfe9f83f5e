import { checkMayReplace, deleteObject, oneEditAtATime } from '@/server/api/actions';
import { parseEditMode, replaceObject } from '@/server/api/edits';
import { KubeStatusError, kubeStatusResponse, warningHeaders } from '@/server/api/kubeWrite';
import { readObject } from '@/server/api/objects';
import { parseManifest, readBodyText } from '@/server/http/requestBody';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** The object, read as the person; Secret values redacted. `_` is the namespace of cluster-scoped objects. */
export const GET = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ actor, params }) => {
  const object = await readObject(getRuntime().live, params.cluster, params.kind, params.namespace, params.name, actor);
  return Response.json(object, { headers: { 'Cache-Control': 'no-store' } });
});

/** Deletes the object as the person (CSRF header required by the request path). */
export const DELETE = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ actor, params, requestId }) => {
  await deleteObject({ live: getRuntime().live, ...params, token: params.kind, actor, requestId });
  return Response.json({ status: 'deleted' });
});

/**
 * Replaces the object with the edited YAML or JSON in the body, as the person;
 * `?dryRun=All` runs every check without storing. Unknown fields are errors
 * (strict field validation); Kubernetes' refusal is answered verbatim with its
 * causes, its warnings as `Warning` headers.
 */
export const PUT = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ request, actor, params, requestId }) => {
  const target = { live: getRuntime().live, ...params, token: params.kind, actor, requestId };
  const mode = parseEditMode(new URL(request.url));
  // Who may not update the object gets Kubernetes' refusal before the body is read or parsed.
  await checkMayReplace(target);
  try {
    const { object, warnings } = await oneEditAtATime(actor, async () => replaceObject(target, parseManifest(await readBodyText(request), request.headers.get('content-type')), mode));
    return Response.json(object, { headers: warningHeaders(warnings, { 'Cache-Control': 'no-store' }) });
  } catch (err) {
    if (err instanceof KubeStatusError) return kubeStatusResponse(err, requestId);
    throw err;
  }
});
