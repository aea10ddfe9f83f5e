import { Agent, type RequestOptions } from 'node:https';
import type { Cluster, KubeConfig, RequestContext } from '@kubernetes/client-node';

/** Distinct TLS identities kept at once: clusters × the portal's own credentials, a handful in practice. */
const MAX_AGENTS = 64;

const agents = new Map<string, Agent>();

type TlsMaterial = string | Buffer | Array<string | Buffer> | undefined;

function material(v: TlsMaterial | unknown): string {
  if (v === undefined || v === null) return '';
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (Array.isArray(v)) return v.map(material).join(',');
  return String(v);
}

/**
 * A keep-alive agent for requests to `host` with these TLS options, shared by
 * every request that presents the same identity. client-node builds a new agent
 * (and so a new connection, TLS handshake and secure context) for each request;
 * a paged LIST of a large cluster then pays a handshake per page. Credentials
 * that travel in headers (tokens, impersonation) stay per request: only the
 * connection is shared, exactly as with one client-go transport per identity.
 */
export function pooledAgent(host: string, opts: RequestOptions): Agent {
  const key = [host, opts.ca, opts.cert, opts.key, opts.pfx, opts.passphrase, opts.rejectUnauthorized, opts.servername].map(material).join('|');
  let agent = agents.get(key);
  if (agent) {
    // Most recently used last: the first entry is the one to let go when the pool is full.
    agents.delete(key);
    agents.set(key, agent);
    return agent;
  }
  agent = new Agent({
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    pfx: opts.pfx,
    passphrase: opts.passphrase,
    rejectUnauthorized: opts.rejectUnauthorized,
    servername: opts.servername,
    keepAlive: true,
    scheduling: 'lifo',
    // An idle pooled connection is closed after this; a request in progress (a watch) is not affected.
    timeout: 5_000,
  });
  agents.set(key, agent);
  // Let the least recently used go: its requests in progress (watches) go on, its idle connections time out.
  if (agents.size > MAX_AGENTS) agents.delete(agents.keys().next().value as string);
  return agent;
}

/**
 * Gives a call of client-node's API clients the pooled connection of its identity: the library makes a new
 * agent for every call (so every access review, namespace list or version probe paid a TLS handshake); its
 * TLS options are kept, the agent is swapped. Proxied clusters keep the library's own agent.
 */
export function shareConnection(context: RequestContext, cluster: Cluster | null): void {
  const agent = context.getAgent();
  if (!cluster || cluster.proxyUrl || !cluster.server.startsWith('https:') || !(agent instanceof Agent)) return;
  context.setAgent(pooledAgent(new URL(cluster.server).host, agent.options as RequestOptions));
}

/** `kc`, its API clients' calls made over pooled connections (see shareConnection). */
export function sharingConnections(kc: KubeConfig): KubeConfig {
  const apply = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (context: RequestContext) => {
    await apply(context);
    shareConnection(context, kc.getCurrentCluster());
  };
  return kc;
}
