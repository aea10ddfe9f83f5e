import { isAction, runAction } from '@/server/api/actions';
import { parseRevision, rollback } from '@/server/api/rollback';
import { HttpError } from '@/server/http/errors';
import { readJsonObject } from '@/server/http/requestBody';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** `POST …/{name}/scale {replicas}`, `/restart`, `/cordon {unschedulable}`, `/suspend {suspend}`, `/rollback {revision}` — as the person. */
export const POST = route<{ cluster: string; kind: string; namespace: string; name: string; action: string }>(async ({ request, actor, params, requestId }) => {
  if (params.action === 'rollback') {
    const { revision } = await readJsonObject(request, { expected: 'a JSON object such as {"revision": 2}' });
    return Response.json(await rollback({ live: getRuntime().live, ...params, token: params.kind, actor, requestId }, parseRevision(revision)), { headers: { 'Cache-Control': 'no-store' } });
  }
  if (!isAction(params.action)) throw new HttpError(404, `unknown action "${params.action}" (scale, restart, cordon, suspend)`);
  const body = await readJsonObject(request, { emptyIsObject: true, expected: 'a JSON object such as {"replicas": 3}' });
  const object = await runAction({ live: getRuntime().live, ...params, token: params.kind, actor, requestId }, params.action, body);
  return Response.json(object, { headers: { 'Cache-Control': 'no-store' } });
});
