/** Kubernetes Status errors, worded as the apiserver words them. */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** An error that the HTTP layer turns into a Status response. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

export function status(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) s.details = details;
  return s;
}

/** `pods "web" not found` */
export function notFound(resource: string, group: string, name: string): StatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new StatusError(status(404, 'NotFound', `${qualified} "${name}" not found`, { name, group: group || undefined, kind: resource }));
}

/** `pods "web" already exists` */
export function alreadyExists(resource: string, group: string, name: string): StatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new StatusError(status(409, 'AlreadyExists', `${qualified} "${name}" already exists`, { name, group: group || undefined, kind: resource }));
}

/** Optimistic-concurrency failure on update. */
export function conflict(resource: string, group: string, name: string, why: string): StatusError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new StatusError(
    status(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": ${why}`, { name, group: group || undefined, kind: resource }),
  );
}

export function badRequest(message: string): StatusError {
  return new StatusError(status(400, 'BadRequest', message));
}

/** `Pod "x" is invalid: metadata.name: Required value: name or generateName is required` */
export function invalid(kind: string, group: string, name: string, causes: Required<Pick<StatusCause, 'field' | 'message'>>[] & StatusCause[]): StatusError {
  const list = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const message = `${qualifiedKind} "${name}" is invalid: ${causes.length > 1 ? `[${list}]` : list}`;
  return new StatusError(
    status(422, 'Invalid', message, {
      name,
      group: group || undefined,
      kind,
      causes: causes.map((c: StatusCause) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field })),
    }),
  );
}

export function unauthorized(): StatusError {
  return new StatusError(status(401, 'Unauthorized', 'Unauthorized'));
}

/**
 * `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "ns"`
 * (name may be empty for collection requests: `pods is forbidden: …`).
 */
export function forbidden(message: string, details?: StatusDetails): StatusError {
  return new StatusError(status(403, 'Forbidden', message, details));
}

export function tooLarge(message = 'Request entity too large: limit is 3145728'): StatusError {
  return new StatusError(status(413, 'RequestEntityTooLarge', message));
}

export function gone(message: string): StatusError {
  return new StatusError(status(410, 'Expired', message));
}

export function methodNotAllowed(): StatusError {
  return new StatusError(status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
}

export function unsupportedMediaType(): StatusError {
  return new StatusError(status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`));
}

export function internal(message: string): StatusError {
  return new StatusError(status(500, 'InternalError', `Internal error occurred: ${message}`));
}

/** The apiserver's answer for a path nothing serves. */
export function pathNotFound(): StatusError {
  return new StatusError(status(404, 'NotFound', 'the server could not find the requested resource', { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] }));
}
