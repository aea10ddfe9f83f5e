import { groupsFromClaim, isSafeIdentity } from './identity';

/**
 * What a Crowsnest session token says, once decrypted. `signedInAt` is set
 * once, at sign-in, and carried unchanged through every refresh: a session
 * ends `CROWSNEST_SESSION_MAX_AGE_SECONDS` after it, whatever happened since.
 */
export interface SessionClaims {
  name: string;
  /** Identifies the session (for revocation); the same in every refreshed copy. */
  sid: string;
  groups: string[];
  /** When the person signed in, in whole epoch seconds. */
  signedInAt: number;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The claims of a decrypted token, or null when one is missing or malformed (such a token is no session). */
export function readSessionClaims(payload: unknown): SessionClaims | null {
  if (!payload || typeof payload !== 'object') return null;
  const { name, sid, groups, signedInAt } = payload as Record<string, unknown>;
  if (!isSafeIdentity(name) || typeof sid !== 'string' || !sid) return null;
  if (typeof signedInAt !== 'number' || !Number.isInteger(signedInAt) || signedInAt <= 0) return null;
  return { name, sid, groups: groupsFromClaim(groups), signedInAt };
}

/** The absolute end of a session, in epoch seconds: no refresh moves it. */
export function sessionEndsAt(claims: Pick<SessionClaims, 'signedInAt'>, maxAgeSeconds: number): number {
  return claims.signedInAt + maxAgeSeconds;
}

export function hasSessionEnded(claims: Pick<SessionClaims, 'signedInAt'>, maxAgeSeconds: number, nowMs = Date.now()): boolean {
  return nowMs >= sessionEndsAt(claims, maxAgeSeconds) * 1000;
}
