import NextAuth from 'next-auth';
import { sameOriginCallback } from '@/server/auth/callbackUrl';
import { errorResponse } from '@/server/http/errors';
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

const handler: Handler = (request, context) => {
  if (foreignCallback(request) !== null) {
    return Promise.resolve(errorResponse(400, 'callbackUrl must be a page of this portal (a path such as /clusters)', { requestId: request.headers.get('x-request-id') ?? undefined }));
  }
  return (NextAuth(getRuntime().auth.options) as Handler)(request, context);
};

export { handler as GET, handler as POST };
