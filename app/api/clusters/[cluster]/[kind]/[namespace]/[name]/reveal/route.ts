import { revealSecretValue } from '@/server/api/objects';
import { HttpError } from '@/server/http/errors';
import { readJsonObject } from '@/server/http/requestBody';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** `POST …/secrets/{ns}/{name}/reveal {key}`: one decoded value, read as the person, audited, never cached. */
export const POST = route<{ cluster: string; kind: string; namespace: string; name: string }>(async ({ request, actor, params, requestId }) => {
  if (params.kind !== 'secrets') throw new HttpError(404, 'only Secret values can be revealed');
  const { key } = await readJsonObject(request, { expected: 'JSON: {"key": "<name of the value>"}' });
  if (typeof key !== 'string' || key === '' || key.length > 253) throw new HttpError(400, 'key must be the name of one of the secret’s values');
  const value = await revealSecretValue(getRuntime().live, params.cluster, params.namespace, params.name, key, actor, requestId);
  return Response.json({ key, value }, { headers: { 'Cache-Control': 'no-store' } });
});
