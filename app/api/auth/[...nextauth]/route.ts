import NextAuth from 'next-auth';
import { sameOriginCallback } from '@/server/auth/callbackUrl';
import { errorResponse, HttpError, isHttpError } from '@/server/http/errors';
import { readJsonObject } from '@/server/http/requestBody';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

/**
 * A `callbackUrl` in the query that is not on this portal is refused here:
 * next-auth would otherwise answer it with its "Configuration" error page.
 * (One in a form body is sent to the portal's root by the redirect callback.)
 */
function foreignCallback(request: Request): string | null {
  const url = new URL(request.url);
  const callback = url.searchParams.get('callbackUrl');
  if (callback === null) return null;
  const host = request.headers.get('host');
  const origins = [url.origin, getRuntime().config.publicOrigin, host && `http://${host}`, host && `https://${host}`].filter((o): o is string => Boolean(o));
  return origins.some((origin) => sameOriginCallback(callback, origin)) ? null : callback;
}

/**
 * next-auth reads a POST body sent as JSON with `request.json()`, and answers
 * an empty 500 when that throws. Its forms only ever carry strings, so a JSON
 * body is held to the same here: one object whose values are strings.
 * Checked on a copy; next-auth still reads the original.
 */
async function checkJsonBody(request: Request): Promise<void> {
  if (request.method !== 'POST' || !request.headers.get('content-type')?.includes('application/json')) return;
  const body = await readJsonObject(request.clone(), { expected: 'a JSON object of strings, such as {"username": "alice", "csrfToken": "…"}' });
  const field = Object.keys(body).find((name) => typeof body[name] !== 'string');
  if (field !== undefined) throw new HttpError(400, `the field "${field}" must be a string`);
}

const handler: Handler = async (request, context) => {
  const requestId = request.headers.get('x-request-id') ?? undefined;
  if (foreignCallback(request) !== null) {
    return errorResponse(400, 'callbackUrl must be a page of this portal (a path such as /clusters)', { requestId });
  }
  try {
    await checkJsonBody(request);
  } catch (err) {
    if (isHttpError(err)) return errorResponse(err.status, err.message, { requestId });
    throw err;
  }
  return (NextAuth(getRuntime().auth.options) as Handler)(request, context);
};

export { handler as GET, handler as POST };
