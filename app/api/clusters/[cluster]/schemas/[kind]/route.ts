import { kindSchema } from '@/server/api/schemas';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** The kind's OpenAPI v3 schema as the cluster serves it, read as the person: what the YAML editor completes and checks against. */
export const GET = route<{ cluster: string; kind: string }>(async ({ actor, params }) => {
  const schema = await kindSchema(getRuntime().live, params.cluster, params.kind, actor);
  return Response.json(schema, { headers: { 'Cache-Control': 'private, max-age=300' } });
});
