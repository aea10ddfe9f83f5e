import { flatUuid } from './flatText';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { log } from '../log';
import { ACTOR_HEADER, encodeActor, type Actor } from '../../lib/actor';
import { parseTheme, THEME_COOKIE } from '../../lib/ui/theme';
import { endAfterBody, limitBody } from './bodyLimit';
import { errorBody, isHttpError } from './errors';
import type { RateLimiter } from './rateLimiter';
import { parseCookies } from './cookies';
import { sendErrorPage } from './errorPage';
import { nonNormalTarget, undecodablePath } from './requestTarget';
import { applySecurityHeaders } from './securityHeaders';
import { isWatchPath, type StreamConnections } from './streamConnections';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Whether the server can take traffic, and if not, why. */
/** Ready or not; a ready replica may still be `degraded` (serving, with something it depends on away). */
export type Readiness = () => { ready: true; degraded?: string } | { ready: false; reason: string };

export interface HttpServerOptions {
  next: RequestHandler;
  readiness: Readiness;
  resolveActor: (cookieHeader: string | undefined) => Promise<Actor | null>;
  rateLimiter: RateLimiter;
  dev: boolean;
  /** Honour X-Forwarded-For / X-Forwarded-Proto from a proxy in front. */
  trustProxy: boolean;
  /** The portal's public origin when configured (NEXTAUTH_URL); else derived from the Host header. */
  publicOrigin?: string;
  maxBodyBytes?: number;
  /** Prometheus exposition for `/metrics` (no sign-in; scrape it from inside the cluster). */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Open watch connections: registered (and capped per person) before the stream opens. */
  streamConnections?: StreamConnections;
  /** Serves a watch (SSE) request on the Node response itself, after the checks above; without it Next does. */
  serveWatch?: (req: IncomingMessage, res: ServerResponse, actor: Actor, requestId: string) => Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_PAGES = ['/signin'];

/** A caller's request id when it is well formed, else a fresh one. Never trusts arbitrary header text. */
export function requestIdFor(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : flatUuid();
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, message: string, requestId: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(errorBody(status, message, requestId));
}

/**
 * An error answer to a request whose body may still be arriving: written at
 * once, ended (and the connection closed) when the body is over, so the client
 * reads it instead of a reset. `end` is false when the caller ends it.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string, requestId: string, { end = true } = {}): void {
  const body = errorBody(status, message, requestId);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' });
  res.write(body);
  if (end) endAfterBody(req, res);
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function isSecure(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  return trustProxy && req.headers['x-forwarded-proto'] === 'https';
}

function expectedOrigin(req: IncomingMessage, options: HttpServerOptions): string | undefined {
  if (options.publicOrigin) return options.publicOrigin;
  const host = req.headers.host;
  if (!host) return undefined;
  return `${isSecure(req, options.trustProxy) ? 'https' : 'http'}://${host}`;
}

/**
 * The one HTTP server. Every request passes, in order: request id, access log,
 * error boundary, a request target in normal form (else 400), the body limit
 * (counted as the body arrives), security headers; for the API: per-IP rate
 * limit, authentication, CSRF (header + same Origin on mutations). Health
 * probes are answered here; everything else goes to Next with the actor in a
 * header only this server can set.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  return createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFor(req.headers['x-request-id']);
    req.headers['x-request-id'] = requestId;
    res.setHeader('X-Request-ID', requestId);
    const path = (req.url ?? '/').split('?', 1)[0];
    const method = req.method ?? 'GET';
    let actorName: string | undefined;

    res.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { requestId, method, path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10, actor: actorName };
      if (path === '/healthz' || path === '/livez' || path === '/readyz' || path === '/metrics' || path.startsWith('/_next/')) log.debug(line, 'request');
      else log.info(line, 'request');
    });

    try {
      const malformed = nonNormalTarget(req.url);
      if (malformed) return refuse(req, res, 400, `malformed request target: ${malformed}`, requestId);
      const undecodable = undecodablePath(path);
      if (undecodable) {
        // A person followed a broken link: a page that says so, in their theme; a program gets the JSON error.
        if (path.startsWith('/api/') || path.startsWith('/debug/')) return refuse(req, res, 400, `malformed request target: ${undecodable}`, requestId);
        const theme = parseTheme(parseCookies(req.headers.cookie).get(THEME_COOKIE));
        return sendErrorPage(res, 400, 'Bad address', `This address cannot be read: ${undecodable}. Check the link, or start again from the list of clusters.`, requestId, theme);
      }

      // The body limit, from the first byte: declared too large → 413 at once; streamed past it → 413 then, wherever the request is.
      const tooLarge = `request body too large: the limit is ${maxBodyBytes} bytes`;
      if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return refuse(req, res, 413, tooLarge, requestId);
      let answered = false;
      limitBody(
        req,
        maxBodyBytes,
        () => {
          // Next already answering (it streams before reading the body): nothing to tell the client but a closed connection.
          if (res.headersSent) return void req.socket.destroy();
          answered = true;
          refuse(req, res, 413, tooLarge, requestId, { end: false });
        },
        () => {
          if (answered && !res.writableEnded) res.end();
        },
      );

      if (path === '/healthz' || path === '/livez') return plain(res, 200, 'ok');
      if (path === '/metrics' && options.metrics) {
        const { contentType, body } = await options.metrics();
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
        return res.end(body);
      }
      if (path === '/readyz') {
        const state = options.readiness();
        if (!state.ready) return plain(res, 503, `not ready: ${state.reason}`);
        return plain(res, 200, state.degraded ? `ok (degraded: ${state.degraded})` : 'ok');
      }

      const isApi = path === '/api' || path.startsWith('/api/') || path.startsWith('/debug/');
      const isAsset = path.startsWith('/_next/') || path === '/favicon.ico' || path.startsWith('/static/');
      applySecurityHeaders(req, res, { dev: options.dev, secure: isSecure(req, options.trustProxy), isPage: !isApi && !isAsset });

      delete req.headers[ACTOR_HEADER];
      if (isAsset) return await options.next(req, res);

      const isAuthRoute = path.startsWith('/api/auth/');
      if (isApi) {
        const verdict = options.rateLimiter.take(clientAddress(req, options.trustProxy));
        if (!verdict.allowed) {
          return json(res, 429, 'too many requests from this address; slow down', requestId, { 'Retry-After': String(verdict.retryAfterSeconds) });
        }
      }

      const actor = await options.resolveActor(req.headers.cookie);
      if (res.headersSent) return; // the body passed the limit meanwhile
      if (actor) {
        actorName = actor.name;
        req.headers[ACTOR_HEADER] = encodeActor(actor);
      } else if (isApi && !isAuthRoute) {
        return json(res, 401, 'not signed in (or the session expired): sign in again', requestId);
      } else if (!isApi && !PUBLIC_PAGES.includes(path)) {
        const callbackUrl = encodeURIComponent(req.url ?? '/');
        res.writeHead(302, { Location: `/signin?callbackUrl=${callbackUrl}`, 'Cache-Control': 'no-store' });
        return res.end();
      }

      if (isApi && MUTATING.has(method)) {
        const origin = req.headers.origin;
        const expected = expectedOrigin(req, options);
        if (!origin || !expected || origin !== expected) {
          return json(res, 403, `cross-origin request refused: Origin ${origin ? `"${origin}"` : 'missing'} is not this portal's origin`, requestId);
        }
        if (!isAuthRoute && !req.headers['x-crowsnest-csrf']) {
          return json(res, 403, 'missing X-Crowsnest-CSRF header: mutations must come from the Crowsnest UI or say so explicitly', requestId);
        }
      }

      if (actor && method === 'GET' && options.streamConnections && options.serveWatch && isWatchPath(path)) {
        const admission = await options.streamConnections.admit(actor.name, res);
        if ('gone' in admission) return;
        if (!admission.admitted) {
          return json(res, 429, `you already have ${admission.limit} live streams open; close some tabs or wait`, requestId, { 'Retry-After': '10' });
        }
        return await options.serveWatch(req, res, actor, requestId);
      }

      await options.next(req, res);
    } catch (err) {
      if (isHttpError(err)) {
        if (!res.headersSent) json(res, err.status, err.message, requestId, err.headers);
        return;
      }
      log.error({ requestId, err }, 'unhandled error while serving a request');
      if (!res.headersSent) json(res, 500, `internal error (request id ${requestId})`, requestId);
      else res.destroy();
    }
  });
}
