/**
 * Service-account tokens, as the apiserver issues and checks them: TokenRequest
 * (`POST …/serviceaccounts/<name>/token`, what `kubectl create token` sends) returns an
 * RS256 JWT with the Kubernetes claims (`sub` system:serviceaccount:<ns>:<name>, `aud`,
 * `iss`, `exp`, `iat`, `nbf`, `jti`, and `kubernetes.io` naming the namespace, the
 * service account and any bound object). A bearer token that is such a JWT, signed by
 * this simulator, unexpired, meant for the API server's audience, whose service account
 * still exists with the same uid, authenticates as that service account with the groups
 * system:serviceaccounts and system:serviceaccounts:<ns>; RBAC then decides as for users.
 *
 * Each store (one simulated cluster) has its own signing key, made on first use.
 */
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { Store } from '../store';
import type { KubeObject, UserInfo } from '../types';
import { AUTHENTICATED, serviceAccountGroups, serviceAccountUsername } from './users';

export const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
export const ISSUER = API_AUDIENCE;
const SERVICEACCOUNTS = '/serviceaccounts';
/** The shortest and default lifetimes the apiserver allows a requested token. */
export const MIN_EXPIRATION_SECONDS = 600;
export const DEFAULT_EXPIRATION_SECONDS = 3600;

export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  iss: string;
  jti: string;
  sub: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
    node?: { name: string; uid: string };
  };
}

export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

const b64url = (v: Buffer | string) => Buffer.from(v).toString('base64url');

export class TokenIssuer {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly store: Store) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = b64url(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-24));
  }

  /** A signed token for a stored service account. */
  issue(sa: KubeObject, opts: { audiences?: string[]; expirationSeconds?: number; bound?: BoundObject; now?: number } = {}): { token: string; claims: TokenClaims } {
    const now = Math.floor((opts.now ?? Date.now()) / 1000);
    const namespace = sa.metadata.namespace!;
    const name = sa.metadata.name!;
    const claims: TokenClaims = {
      aud: opts.audiences?.length ? [...opts.audiences] : [API_AUDIENCE],
      exp: now + (opts.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS),
      iat: now,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': { namespace, serviceaccount: { name, uid: sa.metadata.uid! } },
      nbf: now,
      sub: serviceAccountUsername(namespace, name),
    };
    if (opts.bound) claims['kubernetes.io'][opts.bound.kind.toLowerCase() as 'pod' | 'secret' | 'node'] = { name: opts.bound.name, uid: opts.bound.uid };
    const head = b64url(JSON.stringify({ alg: 'RS256', kid: this.keyId }));
    const body = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), this.privateKey);
    return { token: `${head}.${body}.${b64url(signature)}`, claims };
  }

  /** The identity a bearer token carries, or undefined when it is not a valid token of this cluster. */
  authenticate(token: string, now = Date.now()): UserInfo | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let claims: TokenClaims;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      if (header.alg !== 'RS256') return undefined;
      if (!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'))) return undefined;
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const seconds = Math.floor(now / 1000);
    if (claims.iss !== ISSUER || !Array.isArray(claims.aud) || !claims.aud.includes(API_AUDIENCE)) return undefined;
    if (typeof claims.exp !== 'number' || claims.exp <= seconds || (typeof claims.nbf === 'number' && claims.nbf > seconds + 60)) return undefined;
    const k8s = claims['kubernetes.io'];
    if (!k8s?.namespace || !k8s.serviceaccount?.name) return undefined;
    const sa = this.store.get(SERVICEACCOUNTS, k8s.namespace, k8s.serviceaccount.name);
    if (!sa || sa.metadata.uid !== k8s.serviceaccount.uid) return undefined;
    const bound = k8s.pod ? ['/pods', k8s.pod] : k8s.secret ? ['/secrets', k8s.secret] : undefined;
    if (bound) {
      const [key, ref] = bound as [string, { name: string; uid: string }];
      if (this.store.get(key, k8s.namespace, ref.name)?.metadata.uid !== ref.uid) return undefined;
    }
    const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
    if (k8s.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
    }
    return {
      username: serviceAccountUsername(k8s.namespace, k8s.serviceaccount.name),
      uid: sa.metadata.uid,
      groups: [...serviceAccountGroups(k8s.namespace), AUTHENTICATED],
      extra,
    };
  }
}

const issuers = new WeakMap<Store, TokenIssuer>();

/** The token issuer of one simulated cluster. */
export function issuerFor(store: Store): TokenIssuer {
  let issuer = issuers.get(store);
  if (!issuer) issuers.set(store, (issuer = new TokenIssuer(store)));
  return issuer;
}

/**
 * The bearer tokens the simulator accepts: the built-in users' fixed tokens, and any
 * service-account token its issuer signed that is still valid. A Map, so everything
 * that looks tokens up (requests, exec upgrades, fault injection) sees both.
 */
export class BearerTokens extends Map<string, UserInfo> {
  constructor(
    private readonly store: Store,
    entries: Iterable<readonly [string, UserInfo]>,
  ) {
    super(entries);
  }

  override get(token: string): UserInfo | undefined {
    return super.get(token) ?? issuerFor(this.store).authenticate(token);
  }
}
