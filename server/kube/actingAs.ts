import type { RequestOptions } from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import type { Actor } from '../../lib/actor';
import { isSafeIdentity } from '../auth/identity';
import { HttpError } from '../http/errors';
import { shareConnection } from './agentPool';

type HeaderValue = string | string[];

/** Printable ASCII: what a header value carries the same way to every HTTP stack. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

/**
 * Why `actor` cannot be impersonated, or null. Kubernetes reads impersonation
 * header values as they are, without any decoding (only `Impersonate-Extra-*`
 * keys are percent-encoded), and Node can only write header text as one byte
 * per character: `山` cannot be sent at all, and `ë` would arrive as a lone
 * Latin-1 byte, not the UTF-8 name RBAC bindings hold — another identity.
 * So such a name or group is refused with a message saying so, not guessed at.
 */
export function impersonationProblem(actor: Actor): string | null {
  if (!isSafeIdentity(actor.name)) return `cannot act as this user in Kubernetes: the user name is not a safe header value`;
  if (!HEADER_SAFE.test(actor.name)) {
    return `cannot act as "${actor.name}" in Kubernetes: the user name has characters outside printable ASCII, which an Impersonate-User header cannot carry; ask the identity provider's administrators for an ASCII user name`;
  }
  const group = actor.groups.find((g) => !HEADER_SAFE.test(g));
  if (group !== undefined) {
    return `cannot act as "${actor.name}" in Kubernetes: the group "${group}" has characters outside printable ASCII, which an Impersonate-Group header cannot carry; ask the identity provider's administrators for ASCII group names`;
  }
  return null;
}

function impersonationHeaders(actor: Actor): Array<[string, string]> {
  // Names and groups were checked at sign-in; check again here, where they become headers.
  const problem = impersonationProblem(actor);
  if (problem) throw new HttpError(403, problem);
  const pairs: Array<[string, string]> = [['Impersonate-User', actor.name]];
  for (const group of actor.groups) if (isSafeIdentity(group)) pairs.push(['Impersonate-Group', group]);
  return pairs;
}

/**
 * A KubeConfig whose every call is made as `actor`: the portal authenticates
 * with its own credentials and adds Impersonate-User and one Impersonate-Group
 * header line per group (never comma-joined, which Kubernetes would read as
 * one group). Covers the generated API clients and the fetch/WebSocket paths
 * (watch, logs, exec).
 */
class ActingAsKubeConfig extends KubeConfig {
  constructor(private readonly actor: Actor) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    shareConnection(context, this.getCurrentCluster());
    const pairs = impersonationHeaders(this.actor);
    const original = context.getHeaders.bind(context);
    // node-fetch sends a list of pairs as separate header lines.
    context.getHeaders = () => {
      const headers = Object.entries(original()).filter(([name]) => !name.toLowerCase().startsWith('impersonate-'));
      return [...headers, ...pairs] as unknown as Record<string, string>;
    };
  }

  override async applyToHTTPSOptions(opts: RequestOptions & { headers?: Record<string, HeaderValue> }): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const headers: Record<string, HeaderValue> = { ...(opts.headers as Record<string, HeaderValue> | undefined) };
    for (const name of Object.keys(headers)) if (name.toLowerCase().startsWith('impersonate-')) delete headers[name];
    const pairs = impersonationHeaders(this.actor);
    headers['Impersonate-User'] = pairs[0][1];
    const groups = pairs.slice(1).map(([, group]) => group);
    if (groups.length > 0) headers['Impersonate-Group'] = groups;
    opts.headers = headers;
  }
}

/** The cluster's kubeconfig, acting as `actor` for everything done on their behalf. */
export function kubeConfigActingAs(base: KubeConfig, actor: Actor): KubeConfig {
  const kc = new ActingAsKubeConfig(actor);
  kc.loadFromOptions({
    clusters: base.clusters,
    users: base.users,
    contexts: base.contexts,
    currentContext: base.currentContext,
  });
  return kc;
}
