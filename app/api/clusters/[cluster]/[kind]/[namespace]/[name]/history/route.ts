import { rolloutHistory } from '@/server/api/rollback';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** A Deployment's, StatefulSet's or DaemonSet's rollout history, newest first, read as the person. */
export const GET = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ actor, params, requestId }) => {
  const revisions = await rolloutHistory({ live: getRuntime().live, ...params, token: params.kind, actor, requestId });
  return Response.json({ revisions }, { headers: { 'Cache-Control': 'no-store' } });
});
