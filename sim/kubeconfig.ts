/** The kubeconfig the simulator writes: one https cluster, one context and user per built-in user. */
import { stringify } from 'yaml';
import type { BuiltinUser } from './auth/index';

export const CLUSTER_NAME = 'crowsnest-sim';

const CERT_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The certificate covers loopback names only; for any other host the kubeconfig
 * skips verification (the simulator holds nothing worth protecting).
 */
export function kubeconfigFor(url: string, users: BuiltinUser[], caCert: string, currentContext = 'admin'): string {
  const host = new URL(url).hostname;
  const cluster: Record<string, unknown> = { server: url };
  if (CERT_HOSTS.has(host)) cluster['certificate-authority-data'] = Buffer.from(caCert).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: CLUSTER_NAME, cluster }],
    users: users.map((u) => ({ name: u.name, user: { token: u.token } })),
    contexts: users.map((u) => ({ name: u.name, context: { cluster: CLUSTER_NAME, user: u.name, namespace: 'default' } })),
    'current-context': currentContext,
  };
  return stringify(doc);
}
