import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './redis';

export interface OidcUser {
  groups?: string[];
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on a loopback
 * port, with one confidential client and its built-in login page, where any
 * password is accepted for the users given.
 */
export async function startOidcProvider({
  redirectUris,
  users,
}: {
  redirectUris: string[];
  users: Record<string, OidcUser>;
}): Promise<{ issuer: string; clientId: string; clientSecret: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'crowsnest';
  const clientSecret = 'crowsnest-test-client-secret';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'], groups: ['groups'] },
    // Claims go into the ID token, which is what the portal reads.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ['a-cookie-signing-key-for-tests-only'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, sub) {
      const user = users[sub];
      if (!user) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, preferred_username: sub, name: sub, email: `${sub}@example.test`, ...(user.groups ? { groups: user.groups } : {}) };
        },
      };
    },
  });
  const server: Server = provider.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
