import type { IncomingHttpHeaders } from 'node:http';
import { badRequest } from '../status';
import type { AuthorizationAttributes, UserInfo } from '../types';
import { forbiddenError } from './forbidden';
import type { RbacAuthorizer } from './rbac';
import { AUTHENTICATED, parseServiceAccountUsername, serviceAccountGroups, UNAUTHENTICATED } from './users';

const USER = 'impersonate-user';
const UID = 'impersonate-uid';
const GROUP = 'impersonate-group';
const EXTRA_PREFIX = 'impersonate-extra-';

/** Headers as Node gives them (`req.headers`) or one array per name (`req.headersDistinct`). */
export type HeaderBag = IncomingHttpHeaders | NodeJS.Dict<string[]>;

/**
 * Applies `Impersonate-*` headers the way the apiserver does: every requested identity
 * piece (the user or service account, each group, each extra value, the uid) must be
 * allowed as verb `impersonate` for the requester, else a Kubernetes-worded 403 is
 * thrown. Returns the requester unchanged when no impersonation is requested.
 *
 * Like the apiserver, every header line is one value: a group named `a,b` is one group,
 * never `a` and `b`. Pass `req.headersDistinct` (Node joins repeated lines of `req.headers`
 * with commas, which cannot be told apart from a comma inside a value). Values with control
 * characters are refused.
 */
export function impersonate(requester: UserInfo, headers: HeaderBag, authz: RbacAuthorizer): UserInfo {
  const userValues = values(headers, USER);
  const uidValues = values(headers, UID);
  const groups = values(headers, GROUP);
  const extra: Record<string, string[]> = {};
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith(EXTRA_PREFIX)) continue;
    const key = decodeExtraKey(lower.slice(EXTRA_PREFIX.length));
    extra[key] = [...(extra[key] ?? []), ...values(headers, name)];
  }
  const extraKeys = Object.keys(extra);

  if (userValues.length === 0 && uidValues.length === 0 && groups.length === 0 && extraKeys.length === 0) return requester;
  if (userValues.length > 1) throw badRequest(`only one Impersonate-User header may be given, got ${userValues.length}`);
  if (uidValues.length > 1) throw badRequest(`only one Impersonate-Uid header may be given, got ${uidValues.length}`);
  const username = userValues[0] ?? '';
  if (!username) {
    const asked = [groups.length ? `groups ${JSON.stringify(groups)}` : '', extraKeys.length ? `extra ${JSON.stringify(extraKeys)}` : '', uidValues.length ? 'uid' : '']
      .filter(Boolean)
      .join(', ');
    throw badRequest(`requested ${asked} without impersonating a user`);
  }

  const check = (attrs: AuthorizationAttributes) => {
    const decision = authz.authorize(requester, attrs);
    if (!decision.allowed) throw forbiddenError(requester, attrs, decision.reason);
  };
  const resource = (resource: string, name: string, more: { group?: string; namespace?: string; subresource?: string } = {}): AuthorizationAttributes => ({
    type: 'resource',
    verb: 'impersonate',
    group: '',
    resource,
    name,
    ...more,
  });

  let finalGroups: string[] = [];
  const serviceAccount = parseServiceAccountUsername(username);
  if (serviceAccount) {
    check(resource('serviceaccounts', serviceAccount.name, { namespace: serviceAccount.namespace }));
    if (groups.length === 0) finalGroups = serviceAccountGroups(serviceAccount.namespace);
  } else {
    check(resource('users', username));
  }
  for (const group of groups) check(resource('groups', group));
  for (const key of extraKeys) {
    for (const value of extra[key]) {
      check(resource('userextras', value, { group: 'authentication.k8s.io', subresource: key }));
    }
  }
  const uid = uidValues[0];
  if (uid !== undefined) check(resource('uids', uid, { group: 'authentication.k8s.io' }));

  finalGroups = [...finalGroups, ...groups];
  if (username === 'system:anonymous') {
    if (!finalGroups.includes(UNAUTHENTICATED)) finalGroups.push(UNAUTHENTICATED);
  } else if (!finalGroups.includes(AUTHENTICATED) && !finalGroups.includes(UNAUTHENTICATED)) {
    finalGroups.push(AUTHENTICATED);
  }

  const result: UserInfo = { username, groups: finalGroups };
  if (uid !== undefined) result.uid = uid;
  if (extraKeys.length) result.extra = extra;
  return result;
}

/** All values of one header, case-insensitively: one per header line, commas and all. */
function values(headers: HeaderBag, name: string): string[] {
  const out: string[] = [];
  for (const [key, raw] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || raw === undefined) continue;
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (/[\u0000-\u001f\u007f]/.test(item)) throw badRequest(`invalid ${name} header value: control characters are not allowed`);
      const value = item.trim();
      if (value) out.push(value);
    }
  }
  return out;
}

/** Extra keys are percent-encoded in header names (`Impersonate-Extra-example.com%2fscopes`). */
function decodeExtraKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
