import { randomUUID } from 'node:crypto';
import type { NextAuthOptions } from 'next-auth';
import credentialsModule from 'next-auth/providers/credentials';
import { DEMO_USERS } from '../../lib/demoUsers';
import { log } from '../log';
import type { AuthSettings } from './authSettings';
import { sameOriginCallback } from './callbackUrl';
import { groupsFromClaim, isSafeIdentity } from './identity';
import type { Revocations } from './revocations';

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
 * next-auth configured for Crowsnest: JWT sessions in encrypted cookies (no
 * login state in any process), a session id for revocation, and groups carried
 * in the token for impersonation.
 */
export function buildAuthOptions(settings: AuthSettings, revocations: Revocations): NextAuthOptions {
  return {
    secret: settings.secret,
    session: { strategy: 'jwt', maxAge: settings.sessionMaxAgeSeconds },
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
          delete token.picture;
        }
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
        const sid = typeof token?.sid === 'string' ? token.sid : undefined;
        const exp = typeof token?.exp === 'number' ? token.exp : Date.now() / 1000 + settings.sessionMaxAgeSeconds;
        if (sid) await revocations.revoke(sid, exp);
        log.info({ user: token?.name }, 'signed out; session revoked');
      },
    },
    logger: {
      error: (code, metadata) => log.warn({ code, detail: metadata instanceof Error ? metadata.message : undefined }, 'sign-in error'),
      warn: (code) => log.debug({ code }, 'sign-in warning'),
      debug: () => undefined,
    },
  };
}
