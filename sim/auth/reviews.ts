import { badRequest, invalid } from '../status';
import type { AuthorizationAttributes, KubeObject, UserInfo } from '../types';
import type { RbacAuthorizer } from './rbac';

export interface ReviewResource {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
}

const AUTHZ = 'authorization.k8s.io';
const AUTHN = 'authentication.k8s.io';

/** The create-only review resources the simulator serves, by plural name. */
export const reviewResources: Record<string, ReviewResource> = {
  subjectaccessreviews: { group: AUTHZ, version: 'v1', kind: 'SubjectAccessReview', namespaced: false },
  localsubjectaccessreviews: { group: AUTHZ, version: 'v1', kind: 'LocalSubjectAccessReview', namespaced: true },
  selfsubjectaccessreviews: { group: AUTHZ, version: 'v1', kind: 'SelfSubjectAccessReview', namespaced: false },
  selfsubjectrulesreviews: { group: AUTHZ, version: 'v1', kind: 'SelfSubjectRulesReview', namespaced: false },
  selfsubjectreviews: { group: AUTHN, version: 'v1', kind: 'SelfSubjectReview', namespaced: false },
};

interface AccessSpec {
  resourceAttributes?: Record<string, unknown> | null;
  nonResourceAttributes?: Record<string, unknown> | null;
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
}

type Cause = { field: string; message: string };

/**
 * Answers one review create: returns the object with its status filled in (the caller
 * answers 201). Invalid requests throw StatusErrors worded as the apiserver words them.
 */
export function handleReview(resource: string, body: KubeObject, requester: UserInfo, authz: RbacAuthorizer, namespace?: string): KubeObject {
  const info = reviewResources[resource];
  if (!info) throw badRequest(`unknown review resource "${resource}"`);
  const metadata = isObject(body?.metadata) ? { ...body.metadata } : {};
  const base = { apiVersion: `${info.group}/${info.version}`, kind: info.kind, metadata };
  const spec = (isObject(body?.spec) ? body.spec : {}) as Record<string, unknown>;

  switch (resource) {
    case 'selfsubjectreviews': {
      const userInfo: Record<string, unknown> = { username: requester.username };
      if (requester.uid) userInfo.uid = requester.uid;
      userInfo.groups = [...requester.groups];
      if (requester.extra && Object.keys(requester.extra).length) userInfo.extra = structuredClone(requester.extra);
      return { ...base, status: { userInfo } };
    }

    case 'selfsubjectrulesreviews': {
      const ns = typeof spec.namespace === 'string' ? spec.namespace : '';
      if (!ns) throw badRequest('no namespace on request');
      const rules = authz.rules(requester, ns);
      return { ...base, spec: { namespace: ns }, status: { ...rules, incomplete: false } };
    }

    case 'selfsubjectaccessreviews': {
      const access = spec as AccessSpec;
      const causes = attributeCauses(access);
      if (causes.length) throw invalid(info.kind, info.group, metadata.name ?? '', causes);
      return { ...base, spec: access, status: decide(authz, requester, access) };
    }

    case 'subjectaccessreviews': {
      const access = spec as AccessSpec;
      const causes = [...attributeCauses(access), ...subjectCauses(access)];
      if (causes.length) throw invalid(info.kind, info.group, metadata.name ?? '', causes);
      return { ...base, spec: access, status: decide(authz, subjectOf(access), access) };
    }

    case 'localsubjectaccessreviews': {
      if (!namespace) throw badRequest('namespace is required on this type: ');
      if (!metadata.namespace) metadata.namespace = namespace;
      if (metadata.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      const access = spec as AccessSpec;
      const causes = [...attributeCauses(access), ...subjectCauses(access)];
      const attrNamespace = access.resourceAttributes?.namespace ?? '';
      if (access.resourceAttributes && attrNamespace !== namespace) {
        causes.push({ field: 'spec.resourceAttributes.namespace', message: `Invalid value: ${JSON.stringify(attrNamespace)}: must match metadata.namespace` });
      }
      if (access.nonResourceAttributes) {
        causes.push({ field: 'spec.nonResourceAttributes', message: `Invalid value: ${JSON.stringify(access.nonResourceAttributes)}: disallowed on this kind of request` });
      }
      if (causes.length) throw invalid(info.kind, info.group, metadata.name ?? '', causes);
      return { ...base, spec: access, status: decide(authz, subjectOf(access), access) };
    }
  }
  throw badRequest(`unknown review resource "${resource}"`);
}

function decide(authz: RbacAuthorizer, user: UserInfo, spec: AccessSpec): Record<string, unknown> {
  const decision = authz.authorize(user, toAttributes(spec));
  const status: Record<string, unknown> = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  return status;
}

function toAttributes(spec: AccessSpec): AuthorizationAttributes {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    return {
      type: 'resource',
      verb: str(r.verb),
      group: str(r.group),
      version: str(r.version),
      resource: str(r.resource),
      subresource: str(r.subresource),
      namespace: str(r.namespace),
      name: str(r.name),
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { type: 'nonResource', verb: str(n.verb), path: str(n.path) };
}

function subjectOf(spec: AccessSpec): UserInfo {
  const user: UserInfo = { username: spec.user ?? '', groups: Array.isArray(spec.groups) ? [...spec.groups] : [] };
  if (spec.uid) user.uid = spec.uid;
  if (isObject(spec.extra)) user.extra = structuredClone(spec.extra);
  return user;
}

function attributeCauses(spec: AccessSpec): Cause[] {
  const causes: Cause[] = [];
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    causes.push({ field: 'spec.nonResourceAttributes', message: `Invalid value: ${JSON.stringify(spec.nonResourceAttributes)}: cannot be specified in combination with resourceAttributes` });
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    causes.push({ field: 'spec.resourceAttributes', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' });
  }
  return causes;
}

function subjectCauses(spec: AccessSpec): Cause[] {
  if (spec.user || (Array.isArray(spec.groups) && spec.groups.length)) return [];
  return [{ field: 'spec.user', message: `Invalid value: ${JSON.stringify(spec.user ?? '')}: at least one of user or group must be specified` }];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
