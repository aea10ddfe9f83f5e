import { decode } from 'next-auth/jwt';
import type { Actor } from '../../lib/actor';
import { parseCookies } from '../http/cookies';
import { HttpError } from '../http/errors';
import type { Revocations } from './revocations';
import { hasSessionEnded, readSessionClaims, sessionEndsAt } from './sessionClaims';

export type { Actor };

/** next-auth's session cookie, plain and `__Secure-` (https); large ones are split into `.0`, `.1`, … */
const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export function sessionToken(cookies: Map<string, string>): string | undefined {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    let joined = '';
    for (let i = 0; cookies.has(`${name}.${i}`); i++) joined += cookies.get(`${name}.${i}`);
    if (joined) return joined;
  }
  return undefined;
}

/**
 * The actor of a request, from its session cookie: decrypted, checked against
 * the session's absolute end (sign-in + `sessionMaxAgeSeconds`, whatever the
 * token's own expiry says) and against the revocation list. A missing,
 * garbled, ended or revoked session is `null` (the caller answers 401 or
 * redirects to sign-in); a revocation list that cannot be read is a 503
 * HttpError, never a pass.
 */
export async function actorFromCookieHeader(
  cookieHeader: string | undefined | null,
  { secret, revocations, sessionMaxAgeSeconds }: { secret: string; revocations: Revocations; sessionMaxAgeSeconds: number },
): Promise<Actor | null> {
  const token = sessionToken(parseCookies(cookieHeader));
  if (!token || token.length > 64 * 1024) return null;
  let payload: Awaited<ReturnType<typeof decode>>;
  try {
    payload = await decode({ token, secret });
  } catch {
    return null;
  }
  const claims = readSessionClaims(payload);
  if (!claims || hasSessionEnded(claims, sessionMaxAgeSeconds)) return null;
  let revoked: boolean;
  try {
    revoked = await revocations.isRevoked(claims.sid);
  } catch {
    // Fail closed: a session that cannot be checked is not accepted, and the person is told why.
    throw new HttpError(503, 'your session cannot be checked just now (the sign-out list is unreachable); try again shortly', { 'Retry-After': '5' });
  }
  if (revoked) return null;
  return { name: claims.name, groups: claims.groups, sessionId: claims.sid, sessionEndsAt: sessionEndsAt(claims, sessionMaxAgeSeconds) * 1000 };
}
