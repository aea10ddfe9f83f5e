import { forbidden, type StatusError } from '../status';
import type { AuthorizationAttributes, UserInfo } from '../types';

/** `User "bob" cannot get resource "pods" in API group "" in the namespace "kube-system"` */
export function forbiddenSentence(user: UserInfo, attrs: AuthorizationAttributes): string {
  const who = `User "${user.username}"`;
  if (attrs.type === 'nonResource') return `${who} cannot ${attrs.verb} path "${attrs.path}"`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return `${who} cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${where}`;
}

/**
 * The apiserver's 403, worded exactly as Kubernetes words it:
 * `pods "web" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "kube-system"`,
 * `pods is forbidden: …` for collections, `forbidden: User "x" cannot get path "/foo"` for
 * non-resource paths. A non-empty `reason` is appended after a colon, as the apiserver does.
 */
export function forbiddenError(user: UserInfo, attrs: AuthorizationAttributes, reason = ''): StatusError {
  const sentence = forbiddenSentence(user, attrs) + (reason ? `: ${reason}` : '');
  if (attrs.type === 'nonResource') return forbidden(`forbidden: ${sentence}`, {});
  const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource;
  const name = attrs.name ?? '';
  const subject = name ? `${qualified} "${name}"` : qualified;
  const details = { ...(name ? { name } : {}), ...(attrs.group ? { group: attrs.group } : {}), kind: attrs.resource };
  return forbidden(`${subject} is forbidden: ${sentence}`, details);
}
