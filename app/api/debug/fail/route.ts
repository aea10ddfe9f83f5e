import { errorResponse } from '@/server/http/errors';
import { route } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/**
 * Throws on purpose, to prove the error boundary. Exists only when the server
 * runs with CROWSNEST_TEST_ROUTES=1 (the test suite); otherwise 404.
 */
export const GET = route(async ({ requestId }) => {
  if (process.env.CROWSNEST_TEST_ROUTES !== '1') return errorResponse(404, 'not found', { requestId });
  throw new Error('deliberate failure for the error-boundary test');
});

export const POST = route(async ({ request, requestId }) => {
  if (process.env.CROWSNEST_TEST_ROUTES !== '1') return errorResponse(404, 'not found', { requestId });
  const body = await request.text();
  return Response.json({ received: body.length });
});
