/**
 * `POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token` (TokenRequest,
 * authentication.k8s.io/v1): checks the request as the apiserver does and answers 201
 * with the token and its expiry.
 */
import type { ResourceRequest } from '../api/context';
import { sendJson } from '../api/respond';
import { decodeBody } from '../api/write';
import { mediaType, readBody } from '../body';
import { badRequest, conflict, invalid, methodNotAllowed, notFound } from '../status';
import type { KubeObject } from '../types';
import { decodeProtobufBody } from './protobuf';
import { DEFAULT_EXPIRATION_SECONDS, issuerFor, MIN_EXPIRATION_SECONDS, type BoundObject } from './serviceAccountTokens';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const MAX_EXPIRATION_SECONDS = 2 ** 32;

export async function handleTokenRequest(r: ResourceRequest): Promise<void> {
  if (r.req.method !== 'POST') throw methodNotAllowed();
  const body = (await requestBody(r)) as Obj;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the object provided is unrecognized: expected a TokenRequest');
  if (body.kind !== undefined && body.kind !== 'TokenRequest') throw badRequest(`TokenRequest in version "v1" cannot be handled as a ${body.kind}`);
  const name = r.name!;
  const sa = r.ctx.store.get('/serviceaccounts', r.namespace, name);
  if (!sa) throw notFound('serviceaccounts', '', name);
  const spec: Obj = body.spec ?? {};
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const causes: { field: string; message: string; reason?: string }[] = [];
  if (typeof expirationSeconds !== 'number' || !Number.isInteger(expirationSeconds)) causes.push({ field: 'spec.expirationSeconds', message: `Invalid value: ${JSON.stringify(expirationSeconds)}: must be an integer` });
  else if (expirationSeconds < MIN_EXPIRATION_SECONDS) causes.push({ field: 'spec.expirationSeconds', message: 'Invalid value: "": may not specify a duration less than 10 minutes' });
  else if (expirationSeconds > MAX_EXPIRATION_SECONDS) causes.push({ field: 'spec.expirationSeconds', message: 'Invalid value: "": may not specify a duration larger than 2^32 seconds' });
  const audiences: unknown = spec.audiences ?? [];
  if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string')) causes.push({ field: 'spec.audiences', message: 'Invalid value: audiences must be a list of strings' });
  const bound = boundObject(r, spec.boundObjectRef, causes);
  if (causes.length) throw invalid('TokenRequest', 'authentication.k8s.io', name, causes);
  const { token, claims } = issuerFor(r.ctx.store).issue(sa, { audiences: audiences as string[], expirationSeconds, bound });
  const answer: KubeObject = {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: r.namespace, creationTimestamp: null as unknown as string },
    spec: { audiences: claims.aud, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: new Date(claims.exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
  };
  sendJson(r.res, 201, answer);
}

/** The body as JSON, YAML or (what kubectl sends) protobuf. */
async function requestBody(r: ResourceRequest): Promise<unknown> {
  if (mediaType(r.req) !== 'application/vnd.kubernetes.protobuf') return decodeBody(r);
  return decodeProtobufBody(await readBody(r.req));
}

/** The object a token is bound to (it stops working when that object goes). */
function boundObject(r: ResourceRequest, ref: Obj, causes: { field: string; message: string }[]): BoundObject | undefined {
  if (!ref) return undefined;
  const kinds: Record<string, string> = { Pod: '/pods', Secret: '/secrets', Node: '/nodes' };
  const key = kinds[ref.kind];
  if (!key) {
    causes.push({ field: 'spec.boundObjectRef.kind', message: `Unsupported value: "${ref.kind ?? ''}": supported values: "Pod", "Secret", "Node"` });
    return undefined;
  }
  const obj = r.ctx.store.get(key, ref.kind === 'Node' ? undefined : r.namespace, String(ref.name ?? ''));
  if (!obj) throw notFound(key.slice(1), '', String(ref.name ?? ''));
  if (ref.uid && ref.uid !== obj.metadata.uid) {
    throw conflict(key.slice(1), '', String(ref.name), `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return { kind: ref.kind, name: obj.metadata.name!, uid: obj.metadata.uid! };
}
