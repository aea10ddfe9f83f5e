/**
 * Turns a request path into what it asks for: a non-resource path (discovery,
 * version, OpenAPI, health) or a resource request with the attributes the
 * authorizer needs, the way the apiserver's RequestInfo does.
 */

export type Route =
  | { type: 'health'; path: string }
  | { type: 'nonResource'; path: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      resource: string;
      namespace?: string;
      name?: string;
      subresource?: string;
      /** `/api/v1/watch/...` legacy watch paths. */
      legacyWatch: boolean;
    }
  | { type: 'notFound'; path: string };

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function route(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (HEALTH.has(path) || /^\/(healthz|livez|readyz)\/.+/.test(path)) return { type: 'health', path };
  const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length <= 2) return { type: 'nonResource', path };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length <= 3) return { type: 'nonResource', path };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { type: 'nonResource', path };
  }
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) {
      rest = rest.slice(2);
    } else {
      // `/namespaces/foo` and `/namespaces/foo/status` are the namespace object itself.
      return { type: 'resource', group, version, resource: 'namespaces', name: rest[1], subresource: rest[2], legacyWatch };
    }
  }
  if (rest.length === 0 || rest.length > 3) return { type: 'notFound', path };
  return { type: 'resource', group, version, resource: rest[0], namespace, name: rest[1], subresource: rest[2], legacyWatch };
}
