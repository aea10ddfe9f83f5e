import { readJsonObject } from '@/server/http/requestBody';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';
import { deleteYard, renameYard, yardOf } from '@/server/yard/yardApi';

export const dynamic = 'force-dynamic';

const noStore = { 'Cache-Control': 'no-store' };

export const GET = route<{ yard: string }>(async ({ actor, params }) => Response.json(await yardOf(getRuntime().yards, actor, params.yard), { headers: noStore }));

/** `{title}` → renamed (audited). */
export const PATCH = route<{ yard: string }>(async ({ request, actor, params }) => {
  const body = await readJsonObject(request, { expected: 'a JSON object such as {"title": "Incident 42"}' });
  return Response.json(await renameYard(getRuntime().yards, actor, params.yard, body), { headers: noStore });
});

/** Deletes a yard made at run time, with its layout (audited). */
export const DELETE = route<{ yard: string }>(async ({ actor, params }) => Response.json(await deleteYard(getRuntime().yards, actor, params.yard), { headers: noStore }));
