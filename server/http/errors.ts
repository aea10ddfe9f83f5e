/**
 * Marks HttpErrors across module instances: Next bundles route handlers apart
 * from the custom server, so an error thrown by a runtime object is not an
 * `instanceof` the route bundle's class. The brand is shared.
 */
const BRAND = Symbol.for('crowsnest.HttpError');

/** An error with an HTTP status and a message the user can act on. */
export class HttpError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function isHttpError(err: unknown): err is HttpError {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** `{error: {code, message}}`, the body of every error the API answers. */
export function errorBody(status: number, message: string, requestId?: string): string {
  return JSON.stringify({ error: { code: status, message, ...(requestId ? { requestId } : {}) } });
}

export function errorResponse(status: number, message: string, { requestId, headers = {} }: { requestId?: string; headers?: Record<string, string> } = {}): Response {
  return new Response(errorBody(status, message, requestId), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });
}
