import { ACTOR_HEADER, decodeActor, type Actor } from '../../lib/actor';
import { log } from '../log';
import { errorResponse, isHttpError } from './errors';

export interface RouteContext<P> {
  request: Request;
  actor: Actor;
  requestId: string;
  params: P;
}

export interface RouteOptions {
  /** Non-streaming routes answer 504 when the handler takes longer; null for streams. */
  timeoutMs?: number | null;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Wraps a route handler: the actor (resolved by the custom server), a timeout
 * for non-streaming routes, and an error boundary that answers JSON with the
 * request id — a throwing handler never takes the process down.
 */
export function route<P = Record<string, never>>(
  handler: (ctx: RouteContext<P>) => Promise<Response>,
  options: RouteOptions = {},
): (request: Request, context: { params: Promise<P> }) => Promise<Response> {
  const timeoutMs = options.timeoutMs === undefined ? DEFAULT_TIMEOUT_MS : options.timeoutMs;
  return async (request, context) => {
    const requestId = request.headers.get('x-request-id') ?? 'unknown';
    const actor = decodeActor(request.headers.get(ACTOR_HEADER));
    if (!actor) return errorResponse(401, 'not signed in (or the session expired): sign in again', { requestId });
    let timer: NodeJS.Timeout | undefined;
    try {
      const params = (await context.params) ?? ({} as P);
      const work = handler({ request, actor, requestId, params });
      if (timeoutMs === null) return await work;
      const timeout = new Promise<Response>((resolve) => {
        timer = setTimeout(
          () => resolve(errorResponse(504, `the request took longer than ${timeoutMs / 1000} s and was abandoned`, { requestId })),
          timeoutMs,
        );
      });
      return await Promise.race([work, timeout]);
    } catch (err) {
      if (isHttpError(err)) return errorResponse(err.status, err.message, { requestId, headers: err.headers });
      log.error({ requestId, actor: actor.name, err }, 'route handler failed');
      return errorResponse(500, `internal error (request id ${requestId})`, { requestId });
    } finally {
      clearTimeout(timer);
    }
  };
}
