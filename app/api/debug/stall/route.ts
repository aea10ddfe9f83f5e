import { errorResponse } from '@/server/http/errors';
import { route } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/**
 * Holds the event loop for `?ms=` (at most 2000) on purpose, to prove load
 * shedding. Exists only when the server runs with CROWSNEST_TEST_ROUTES=1
 * (the test suite); otherwise 404.
 */
export const POST = route(async ({ request, requestId }) => {
  if (process.env.CROWSNEST_TEST_ROUTES !== '1') return errorResponse(404, 'not found', { requestId });
  const ms = Math.min(2000, Math.max(0, Number(new URL(request.url).searchParams.get('ms')) || 0));
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* busy on purpose */
  }
  return Response.json({ stalledMs: ms });
});
