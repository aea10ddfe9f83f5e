import { describe, expect, it } from 'vitest';
import { readAuthSettings } from '@/server/auth/authSettings';
import { hasSessionEnded, readSessionClaims, sessionEndsAt } from '@/server/auth/sessionClaims';

const claims = { name: 'alice', sid: 's-1', groups: ['team-a'], signedInAt: 1_700_000_000 };

describe('session claims', () => {
  it('reads a token’s claims, and refuses one without its sign-in time or session id', () => {
    expect(readSessionClaims({ ...claims, exp: 1, iat: 1 })).toEqual(claims);
    expect(readSessionClaims({ ...claims, signedInAt: undefined })).toBeNull();
    expect(readSessionClaims({ ...claims, signedInAt: '1700000000' })).toBeNull();
    expect(readSessionClaims({ ...claims, sid: '' })).toBeNull();
    expect(readSessionClaims({ ...claims, name: 'alice\nbob' })).toBeNull();
    expect(readSessionClaims(null)).toBeNull();
  });

  it('ends a session exactly its lifetime after sign-in', () => {
    expect(sessionEndsAt(claims, 60)).toBe(claims.signedInAt + 60);
    expect(hasSessionEnded(claims, 60, (claims.signedInAt + 59.999) * 1000)).toBe(false);
    expect(hasSessionEnded(claims, 60, (claims.signedInAt + 60) * 1000)).toBe(true);
  });

  it('takes a lifetime of at least 5 seconds', () => {
    const env = { NEXTAUTH_SECRET: 's'.repeat(40) };
    expect(readAuthSettings({ ...env, CROWSNEST_SESSION_MAX_AGE_SECONDS: '5' }).sessionMaxAgeSeconds).toBe(5);
    expect(() => readAuthSettings({ ...env, CROWSNEST_SESSION_MAX_AGE_SECONDS: '4' })).toThrow(/≥ 5/);
    expect(readAuthSettings(env).sessionMaxAgeSeconds).toBe(12 * 60 * 60);
  });
});
