/**
 * The faults endpoint (`/sim/faults`, admin token only) and the wrapper that applies
 * faults to every other request. See sim/faults/README.md.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { queryFlag } from '../api/query';
import { sendError, sendJson, sendStatus } from '../api/respond';
import { readBody } from '../body';
import { authenticate } from '../auth/index';
import { badRequest, forbidden, methodNotAllowed, pathNotFound, status, StatusError, unauthorized } from '../status';
import type { UserInfo } from '../types';
import type { Faults, FailStatus } from './faults';

export const FAULTS_PATH = '/sim/faults';
const ADMIN = 'admin';

function isWatchRequest(url: URL): boolean {
  return queryFlag(url.searchParams, 'watch') || /^\/apis?\/(?:[^/]+\/){1,2}watch\//.test(url.pathname);
}

function number(body: Record<string, unknown>, key: string, fallback?: number): number {
  const v = body[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw badRequest(`"${key}" must be a number >= 0`);
  return v;
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = (await readBody(req)).toString('utf8').trim();
  if (!raw) return {};
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw badRequest('the body must be a JSON object');
}

async function endpoint(faults: Faults, tokens: Map<string, UserInfo>, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const user = authenticate(req.headers, tokens);
  if (!user) throw unauthorized();
  if (user.username !== ADMIN) throw forbidden(`forbidden: User "${user.username}" cannot use the simulator's faults endpoint (admin only)`);
  const action = url.pathname.slice(FAULTS_PATH.length).replace(/^\/+|\/+$/g, '');
  if (action === '') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return sendJson(res, 200, faults.snapshot());
  }
  if (action === 'watches') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return sendJson(res, 200, { open: faults.openWatches(), byResource: faults.watchesByResource() });
  }
  if (action === 'log-follows') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return sendJson(res, 200, faults.logFollows());
  }
  if (action === 'exec-sessions') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return sendJson(res, 200, { open: faults.execSessions() });
  }
  if (req.method !== 'POST') throw methodNotAllowed();
  const body = await jsonBody(req);
  const done = (extra: object = {}) => sendJson(res, 200, { action, ...extra, state: faults.snapshot() });
  switch (action) {
    case 'drop-watches':
      return done({ dropped: faults.dropWatches() });
    case 'compact':
      faults.compact();
      return done();
    case 'fail-next': {
      const count = number(body, 'count', 1);
      const code = number(body, 'status', 500);
      if (code !== 500 && code !== 429) throw badRequest('"status" must be 500 or 429');
      faults.failNext(count, code as FailStatus);
      return done();
    }
    case 'latency':
      faults.latency(number(body, 'ms'));
      return done();
    case 'freeze-watches':
      if (typeof body.on !== 'boolean') throw badRequest('"on" must be true or false');
      faults.freezeWatches(body.on);
      return done();
    case 'restart': {
      const seconds = number(body, 'seconds', 5);
      // Answer first, then go down: the caller learns it worked.
      res.once('finish', () => setImmediate(() => faults.restart(seconds)));
      return done({ seconds });
    }
    case 'churn':
      faults.setChurnRate(number(body, 'rate'));
      return done({ rate: body.rate });
    case 'reset':
      faults.reset();
      return done();
    default:
      throw pathNotFound();
  }
}

function injected(code: FailStatus): StatusError {
  if (code === 429) return new StatusError(status(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: 1 }));
  return new StatusError(status(500, 'InternalError', 'Internal error occurred: injected fault (sim/faults fail-next)'));
}

/** Wraps the API handler: the faults endpoint first, then failures, latency and frozen watches. */
export function withFaults(faults: Faults, tokens: Map<string, UserInfo>, handler: RequestListener): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    if (url.pathname === FAULTS_PATH || url.pathname.startsWith(`${FAULTS_PATH}/`)) {
      endpoint(faults, tokens, req, res, url).catch((err) => {
        // Drain an unread body so the keep-alive connection stays usable.
        req.resume();
        sendError(req, res, err);
      });
      return;
    }
    if (/^\/(healthz|livez|readyz)(\/|$)/.test(url.pathname)) return handler(req, res);
    const failure = faults.takeFailure();
    if (failure) {
      req.resume();
      if (failure === 429) res.setHeader('Retry-After', '1');
      return sendStatus(res, injected(failure).status);
    }
    if (isWatchRequest(url)) faults.guardWatch(req, res);
    const delay = faults.latencyMs;
    if (delay > 0) setTimeout(() => handler(req, res), delay);
    else handler(req, res);
  };
}
