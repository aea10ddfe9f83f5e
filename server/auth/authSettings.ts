import { ConfigError } from '../config';

export type AuthMode = 'dev' | 'oidc';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  groupsClaim: string;
  /** Scopes asked for; some providers release groups only for a `groups` scope. */
  scopes: string;
}

export interface AuthSettings {
  mode: AuthMode;
  /** Signs and encrypts session cookies; shared by every replica. */
  secret: string;
  oidc?: OidcSettings;
  /** How long a session lasts from sign-in; no refresh extends it. */
  sessionMaxAgeSeconds: number;
}

/** Short enough for tests of session ends; anything shorter is a typo rather than a policy. */
const MIN_SESSION_SECONDS = 5;

type Env = Record<string, string | undefined>;

/**
 * Reads and checks sign-in settings. Called at start-up (a bad setting stops
 * the server with a clear message) and by the next-auth route handler.
 */
export function readAuthSettings(env: Env = process.env): AuthSettings {
  const production = env.NODE_ENV === 'production';
  const rawMode = (env.CROWSNEST_AUTH || (production ? 'oidc' : 'dev')).trim().toLowerCase();
  if (rawMode !== 'dev' && rawMode !== 'oidc') {
    throw new ConfigError(`CROWSNEST_AUTH must be "oidc" or "dev", got "${env.CROWSNEST_AUTH}"`);
  }
  const mode: AuthMode = rawMode;
  if (mode === 'dev' && production && env.CROWSNEST_ALLOW_DEV_AUTH !== '1') {
    throw new ConfigError(
      'CROWSNEST_AUTH=dev signs anyone in as a demo user and is refused when NODE_ENV=production. ' +
        'Configure OIDC (CROWSNEST_AUTH=oidc with OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET), ' +
        'or set CROWSNEST_ALLOW_DEV_AUTH=1 if you really mean it.',
    );
  }
  const secret = env.NEXTAUTH_SECRET ?? '';
  if (!secret) {
    throw new ConfigError(
      'NEXTAUTH_SECRET is not set. Set it to a long random value shared by every replica (e.g. `openssl rand -base64 32`).',
    );
  }
  if (production && secret.length < 32) {
    throw new ConfigError('NEXTAUTH_SECRET is too short: use at least 32 characters in production.');
  }

  const maxAgeRaw = env.CROWSNEST_SESSION_MAX_AGE_SECONDS;
  const sessionMaxAgeSeconds = maxAgeRaw ? Number(maxAgeRaw) : 12 * 60 * 60;
  if (!Number.isInteger(sessionMaxAgeSeconds) || sessionMaxAgeSeconds < MIN_SESSION_SECONDS) {
    throw new ConfigError(`CROWSNEST_SESSION_MAX_AGE_SECONDS must be a whole number of seconds ≥ ${MIN_SESSION_SECONDS}, got "${maxAgeRaw}"`);
  }

  if (mode === 'dev') return { mode, secret, sessionMaxAgeSeconds };

  const missing = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'].filter((name) => !env[name]);
  if (missing.length > 0) throw new ConfigError(`CROWSNEST_AUTH=oidc needs ${missing.join(', ')}`);
  let issuer: URL;
  try {
    issuer = new URL(env.OIDC_ISSUER!);
  } catch {
    throw new ConfigError(`OIDC_ISSUER must be a URL, got "${env.OIDC_ISSUER}"`);
  }
  return {
    mode,
    secret,
    sessionMaxAgeSeconds,
    oidc: {
      issuer: issuer.toString().replace(/\/$/, ''),
      clientId: env.OIDC_CLIENT_ID!,
      clientSecret: env.OIDC_CLIENT_SECRET!,
      groupsClaim: env.OIDC_GROUPS_CLAIM || 'groups',
      scopes: env.OIDC_SCOPES || 'openid profile email',
    },
  };
}
