import type { ObjectAccess } from '@/lib/access';
import { objectAccess } from '@/server/api/access';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Which actions on this object the person may take, as Kubernetes answers them (refusals with its wording). */
export const GET = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ actor, params }) => {
  const actions = await objectAccess(getRuntime().live, params.cluster, params.kind, params.namespace, params.name, actor);
  const body: ObjectAccess = { actions };
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
});
