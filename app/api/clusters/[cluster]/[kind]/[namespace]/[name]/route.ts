import { readObject } from '@/server/api/objects';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** The object, read as the person; Secret values redacted. `_` is the namespace of cluster-scoped objects. */
export const GET = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ actor, params }) => {
  const object = await readObject(getRuntime().live, params.cluster, params.kind, params.namespace, params.name, actor);
  return Response.json(object, { headers: { 'Cache-Control': 'no-store' } });
});
