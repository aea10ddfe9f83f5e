import { readJsonObject } from '@/server/http/requestBody';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';
import { createYard, listYards } from '@/server/yard/yardApi';

export const dynamic = 'force-dynamic';

const noStore = { 'Cache-Control': 'no-store' };

/** The yards the person may open: their own first, then team yards. */
export const GET = route(async ({ actor }) => Response.json(await listYards(getRuntime().yards, actor), { headers: noStore }));

/** `{id, title?, editGroups, viewGroups?}` → a new team yard (audited). */
export const POST = route(async ({ request, actor }) => {
  const body = await readJsonObject(request, { expected: 'a JSON object such as {"id": "incident-42", "editGroups": ["team-a"]}' });
  return Response.json(await createYard(getRuntime().yards, actor, body), { status: 201, headers: noStore });
});
