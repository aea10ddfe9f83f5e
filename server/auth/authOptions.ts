import { randomUUID } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import { encode } from 'next-auth/jwt';
import credentialsModule from 'next-auth/providers/credentials';
import { DEMO_USERS } from '../../lib/demoUsers';
import { log } from '../log';
import type { AuthSettings } from './authSettings';
import { sameOriginCallback } from './callbackUrl';
import { groupsFromClaim, isSafeIdentity } from './identity';
import type { Revocations } from './revocations';
import { hasSessionEnded, nowSeconds, readSessionClaims, sessionEndsAt } from './sessionClaims';

// next-auth ships CommonJS; loaded as ESM outside Next's bundler, its default export arrives wrapped.
const CredentialsProvider =
  (credentialsModule as unknown as { default?: typeof credentialsModule }).default ?? credentialsModule;

interface SignedInUser {
  id: string;
  name: string;
  email?: string | null;
  groups: string[];
}

function devProvider() {
  return CredentialsProvider({
    id: 'dev',
    name: 'Demo user',
    credentials: { username: { label: 'Username', type: 'text' } },
    async authorize(credentials): Promise<SignedInUser | null> {
      const user = DEMO_USERS.find((u) => u.name === credentials?.username);
      return user ? { id: user.name, name: user.name, groups: [...user.groups] } : null;
    },
  });
}

function oidcProvider(oidc: NonNullable<AuthSettings['oidc']>) {
  return {
    id: 'oidc',
    name: 'SSO',
    type: 'oauth' as const,
    wellKnown: `${oidc.issuer}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    idToken: true,
    checks: ['pkce' as const, 'state' as const],
    authorization: { params: { scope: oidc.scopes } },
    profile(profile: Record<string, unknown>): SignedInUser {
      const candidates = [profile.preferred_username, profile.email, profile.name, profile.sub];
      const name = candidates.find(isSafeIdentity);
      if (!name) throw new Error('the identity provider sent no usable user name');
      return {
        id: String(profile.sub),
        name,
        email: typeof profile.email === 'string' ? profile.email : null,
        groups: groupsFromClaim(profile[oidc.groupsClaim]),
      };
    },
  };
}

/**
 * Thrown from the jwt callback when a session asked to be refreshed has ended
 * (signed out, or past its lifetime): next-auth then answers with no session
 * and clears the cookie instead of issuing a fresh one.
 */
class SessionEndedError extends Error {}

/** Revocations outlive the session's end by this much, so a replica whose clock runs behind still refuses it. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * next-auth configured for Crowsnest: JWT sessions in encrypted cookies (no
 * login state in any process), a session id for revocation, groups carried
 * in the token for impersonation, and a fixed lifetime counted from sign-in:
 * a refresh (`GET /api/auth/session`) re-issues the cookie but never moves its
 * end, and a session that was signed out or has ended gets no new cookie.
 */
export function buildAuthOptions(settings: AuthSettings, revocations: Revocations): NextAuthOptions {
  const maxAge = settings.sessionMaxAgeSeconds;
  return {
    secret: settings.secret,
    // `updateAge` is left alone: next-auth reads it only for database sessions, and a session here does not slide.
    session: { strategy: 'jwt', maxAge },
    jwt: {
      maxAge,
      // Every token next-auth writes, at sign-in and on each refresh, expires when its session ends.
      encode: (params) => {
        const claims = readSessionClaims(params.token);
        const left = claims ? sessionEndsAt(claims, maxAge) - nowSeconds() : maxAge;
        return encode({ ...params, maxAge: Math.max(0, Math.min(left, maxAge)) });
      },
    },
    providers: settings.mode === 'oidc' && settings.oidc ? [oidcProvider(settings.oidc)] : [devProvider()],
    pages: { signIn: '/signin', error: '/signin' },
    callbacks: {
      // next-auth's own check throws on a URL it cannot parse (a 500); anything not on this portal goes to its root.
      async redirect({ url, baseUrl }) {
        return sameOriginCallback(url, baseUrl) ?? `${baseUrl}/`;
      },
      async jwt({ token, user }) {
        if (user) {
          const signedIn = user as SignedInUser;
          token.sid = randomUUID();
          token.name = signedIn.name;
          token.groups = groupsFromClaim(signedIn.groups);
          token.signedInAt = nowSeconds();
          delete token.picture;
          return token;
        }
        // A refresh of an existing session.
        const claims = readSessionClaims(token);
        if (!claims) throw new SessionEndedError('the session token lacks its claims');
        if (hasSessionEnded(claims, maxAge)) throw new SessionEndedError('the session has reached its lifetime');
        let revoked = false;
        try {
          revoked = await revocations.isRevoked(claims.sid);
        } catch (err) {
          // The copy issued carries the same end as the one presented, so it grants nothing more;
          // every request made with it is still checked (and refused with 503 until the list answers).
          log.warn({ err: (err as Error).message }, 'could not check a refreshed session against the sign-out list');
        }
        if (revoked) throw new SessionEndedError('the session was signed out');
        return token;
      },
      async session({ session, token }) {
        session.user = { name: typeof token.name === 'string' ? token.name : '', email: session.user?.email ?? null };
        (session as unknown as { groups: string[] }).groups = groupsFromClaim(token.groups);
        return session;
      },
    },
    events: {
      async signIn({ user }) {
        log.info({ user: user.name, groups: (user as SignedInUser).groups }, 'signed in');
      },
      async signOut({ token }) {
        // Denied until the session's absolute end: every copy of it, refreshed or not, is dead by then anyway.
        const claims = readSessionClaims(token);
        if (claims) await revocations.revoke(claims.sid, sessionEndsAt(claims, maxAge) + CLOCK_SKEW_SECONDS);
        log.info({ user: token?.name }, 'signed out; session revoked');
      },
    },
    logger: {
      error: (code, metadata) => {
        if (metadata instanceof SessionEndedError) log.info({ why: metadata.message }, 'session refresh refused');
        else log.warn({ code, detail: metadata instanceof Error ? metadata.message : undefined }, 'sign-in error');
      },
      warn: (code) => log.debug({ code }, 'sign-in warning'),
      debug: () => undefined,
    },
  };
}
