import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from '../types';

export type BuiltinUserName = 'admin' | 'alice' | 'bob' | 'carol';

export interface BuiltinUser {
  name: BuiltinUserName;
  token: string;
  user: UserInfo;
}

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const MASTERS = 'system:masters';

const BUILTIN_GROUPS: Record<BuiltinUserName, string[]> = {
  admin: [MASTERS, AUTHENTICATED],
  alice: ['platform-admins', AUTHENTICATED],
  bob: ['team-a', AUTHENTICATED],
  carol: [AUTHENTICATED],
};

/** The simulator's demo users, each with a fresh random bearer token. */
export function builtinUsers(): BuiltinUser[] {
  return (Object.keys(BUILTIN_GROUPS) as BuiltinUserName[]).map((name) => ({
    name,
    token: `${name}-${randomBytes(24).toString('base64url')}`,
    user: { username: name, groups: [...BUILTIN_GROUPS[name]] },
  }));
}

/**
 * Bearer-token authentication: `Authorization: Bearer <token>`. Returns null when the
 * header is missing, malformed or names an unknown token (the caller answers 401).
 */
export function authenticate(headers: IncomingHttpHeaders, tokens: Map<string, UserInfo>): UserInfo | null {
  const header = headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return null;
  const user = tokens.get(match[1]);
  if (!user) return null;
  return { ...user, groups: [...user.groups], ...(user.extra ? { extra: cloneExtra(user.extra) } : {}) };
}

export function cloneExtra(extra: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, [...v]]));
}

const SA_PREFIX = 'system:serviceaccount:';

/** `system:serviceaccount:ns:name` → {namespace, name}; anything else → null. */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | null {
  if (!username.startsWith(SA_PREFIX)) return null;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  return { namespace: parts[0], name: parts[1] };
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** The groups every service account of a namespace belongs to. */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
}
