/**
 * The HTTP front door. Every request goes: route → authenticate (401) → impersonate →
 * authorize (403) → handle. Health checks need no credentials; discovery, version and
 * OpenAPI need any authenticated user.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, forbiddenError, handleReview, handleTokenRequest, impersonate, reviewResources } from './auth/index';
import type { ResourceRequest, SimContext } from './api/context';
import { handleList } from './api/list';
import { queryFlag } from './api/query';
import { sendError, sendJson, sendStatus, sendText } from './api/respond';
import { handleSubresource } from './api/subresources';
import { handleMetrics, METRICS_GROUP } from './metrics';
import { handleWatch } from './api/watch';
import { handleExecRequest } from './exec/handler';
import { handlePodLog } from './logs/handler';
import { decodeBody, handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './api/write';
import { checkBody } from './api/objects';
import { includeObject, served } from './api/list';
import { wanted } from './api/respond';
import { partialMetadata, toTable } from './table';
import { aggregatedContentType, aggregatedDiscovery, aggregatedVersionWanted, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import type { OpenApi } from './openapi';
import { route } from './router';
import { badRequest, methodNotAllowed, notFound, pathNotFound, StatusError, status, unauthorized } from './status';
import type { KubeObject, UserInfo } from './types';

export interface Handler {
  (req: IncomingMessage, res: ServerResponse): void;
}

function verbFor(method: string, hasName: boolean, watch: boolean): string | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

export function createHandler(ctx: SimContext, tokens: Map<string, UserInfo>, openapi: OpenApi): Handler {
  async function nonResource(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
    const host = String(req.headers.host ?? '127.0.0.1');
    const send = (doc: object | undefined) => (doc ? sendJson(res, 200, doc) : sendStatus(res, pathNotFound().status));
    if (path === '/version') return send(SERVER_VERSION);
    if (path === '/api' || path === '/apis') {
      const aggregated = aggregatedVersionWanted(String(req.headers.accept ?? ''));
      if (aggregated) return sendTyped(res, aggregatedContentType(aggregated), JSON.stringify(aggregatedDiscovery(ctx.registry, path, aggregated)));
    }
    if (path === '/api') return send(apiVersions(host));
    if (path === '/apis') return send(apiGroupList(ctx.registry));
    let m = path.match(/^\/api\/([^/]+)$/);
    if (m) return send(apiResourceList(ctx.registry, '', m[1]));
    m = path.match(/^\/apis\/([^/]+)$/);
    if (m) return send(apiGroupDoc(ctx.registry, m[1]));
    m = path.match(/^\/apis\/([^/]+)\/([^/]+)$/);
    if (m) return send(apiResourceList(ctx.registry, m[1], m[2]));
    if (path === '/openapi/v2') {
      const accept = String(req.headers.accept ?? '');
      if (accept && !/(^|,)\s*(application\/json|\*\/\*|application\/\*)\s*(;|,|$)/.test(accept)) {
        return sendStatus(res, status(406, 'NotAcceptable', `only the following media types are accepted: application/json`));
      }
      return sendTyped(res, 'application/json', openapi.v2());
    }
    if (path === '/openapi/v3') return send(openapi.index());
    m = path.match(/^\/openapi\/v3\/(.+)$/);
    if (m) {
      const text = openapi.document(m[1]);
      if (!text) return send(undefined);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'public, immutable' });
      res.end(text);
      return;
    }
    send(undefined);
  }

  async function review(r: ResourceRequest): Promise<void> {
    if (r.verb !== 'create' || r.name) throw methodNotAllowed();
    const body = checkBody(r, await decodeBody(r));
    sendJson(r.res, 201, handleReview(r.type.resource, body, r.user, ctx.authz, r.namespace));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const target = route(url.pathname);
    if (target.type === 'health') return sendText(res, 200, 'ok');
    const authenticated = authenticate(req.headers, tokens);
    if (!authenticated) throw unauthorized();
    const user = impersonate(authenticated, req.headersDistinct, ctx.authz);
    if (target.type === 'nonResource') return nonResource(req, res, target.path);
    if (target.type === 'notFound') throw pathNotFound();
    const type = ctx.registry.find(target.group, target.version, target.resource);
    if (!type) throw pathNotFound();
    const query = url.searchParams;
    const watch = target.legacyWatch || queryFlag(query, 'watch');
    const verb = verbFor(req.method ?? 'GET', target.name !== undefined, watch && !target.subresource);
    if (!verb) throw methodNotAllowed();
    if (!type.namespaced && target.namespace !== undefined) throw pathNotFound();
    if (type.namespaced && target.namespace === undefined) {
      if (target.name !== undefined) throw pathNotFound();
      if (verb !== 'list' && verb !== 'watch' && !(verb === 'create' && reviewResources[type.resource])) throw methodNotAllowed();
    }
    const podStream = type.group === '' && type.resource === 'pods' && ['log', 'exec', 'attach', 'portforward'].includes(target.subresource ?? '');
    const eviction = type.group === '' && type.resource === 'pods' && target.subresource === 'eviction';
    const tokenRequest = type.group === '' && type.resource === 'serviceaccounts' && target.subresource === 'token';
    if (target.subresource && !((target.subresource === 'status' && type.status) || (target.subresource === 'scale' && type.scale) || podStream || eviction || tokenRequest)) throw pathNotFound();
    if (!type.verbs.includes(verb) && !(target.subresource && ['get', 'update', 'patch'].includes(verb))) throw methodNotAllowed();
    const attrs = {
      type: 'resource' as const,
      verb,
      group: type.group,
      version: target.version,
      resource: type.resource,
      subresource: target.subresource,
      namespace: target.namespace,
      name: target.name,
    };
    if (!ctx.authz.authorize(user, attrs).allowed) throw forbiddenError(user, attrs);
    const r: ResourceRequest = { ctx, req, res, user, verb, type, version: target.version, namespace: target.namespace, name: target.name, subresource: target.subresource, query };
    if (reviewResources[type.resource] && type.group === reviewResources[type.resource].group) return review(r);
    if (podStream && target.subresource === 'log') return handlePodLog(r);
    if (podStream) return handleExecRequest(r);
    if (tokenRequest) return handleTokenRequest(r);
    if (type.group === METRICS_GROUP) return handleMetrics(r);
    if (target.subresource) return handleSubresource(r);
    switch (verb) {
      case 'get': {
        const o = ctx.store.get(`${type.group}/${type.resource}`, target.namespace, target.name!);
        if (!o) throw notFound(type.resource, type.group, target.name!);
        return sendGet(r, served(r, o));
      }
      case 'list':
        return handleList(r);
      case 'watch':
        return handleWatch(r);
      case 'create':
        if (target.name !== undefined) throw methodNotAllowed();
        return handleCreate(r);
      case 'update':
        return handleUpdate(r);
      case 'patch':
        return handlePatch(r);
      case 'delete':
        return handleDelete(r);
      case 'deletecollection':
        return handleDeleteCollection(r);
    }
    throw badRequest(`unsupported verb ${verb}`);
  }

  return (req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(req, res, err instanceof StatusError || err instanceof Error ? err : new StatusError(status(500, 'InternalError', String(err))));
    });
  };
}


/** A JSON document with its own Content-Type (aggregated discovery, OpenAPI); the answer varies with Accept. */
function sendTyped(res: ServerResponse, contentType: string, text: string): void {
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), Vary: 'Accept', 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

function sendGet(r: ResourceRequest, o: KubeObject): void {
  const want = wanted(r.req);
  if (want.table) return sendJson(r.res, 200, toTable(r.type, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject(r)));
  if (want.partial) return sendJson(r.res, 200, partialMetadata(o));
  sendJson(r.res, 200, o);
}
