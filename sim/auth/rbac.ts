import type { AuthorizationAttributes, Decision, KubeObject, RbacSource, UserInfo } from '../types';
import type { PolicyRule, Subject } from './bootstrap';
import { MASTERS } from './users';

/** A rule as SelfSubjectRulesReview reports it. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface RuleSet {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
}

/** A rule that applies to a user, with the RBAC sentence naming where it came from. */
interface GrantedRule {
  rule: PolicyRule;
  source: string;
}

const EVERYTHING: RuleSet = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
};

/**
 * Kubernetes RBAC over the store's current Roles, ClusterRoles and bindings. Members of
 * system:masters are always allowed (as the apiserver's privileged-group authorizer does).
 * When the source reports a generation, the rules granted to a (user, namespace) pair are
 * memoised until the next RBAC change; otherwise every call reads the source afresh.
 */
export class RbacAuthorizer {
  private cachedGeneration: number | undefined;
  private cache = new Map<string, GrantedRule[]>();

  constructor(private readonly source: RbacSource) {}

  authorize(user: UserInfo, attrs: AuthorizationAttributes): Decision {
    if (user.groups.includes(MASTERS)) return { allowed: true, reason: '' };
    const namespace = attrs.type === 'resource' ? (attrs.namespace ?? '') : '';
    for (const { rule, source } of this.granted(user, namespace)) {
      if (ruleAllows(rule, attrs)) return { allowed: true, reason: `RBAC: allowed by ${source}` };
    }
    return { allowed: false, reason: '' };
  }

  /** What SelfSubjectRulesReview reports: the rules that apply in `namespace` ("" = cluster-wide only). */
  rules(user: UserInfo, namespace: string): RuleSet {
    const out: RuleSet = { resourceRules: [], nonResourceRules: [] };
    if (user.groups.includes(MASTERS)) {
      out.resourceRules.push(...structuredClone(EVERYTHING.resourceRules));
      out.nonResourceRules.push(...structuredClone(EVERYTHING.nonResourceRules));
    }
    for (const { rule } of this.granted(user, namespace)) {
      if (rule.resources?.length) {
        const r: ResourceRule = { verbs: [...rule.verbs] };
        r.apiGroups = [...(rule.apiGroups ?? [])];
        r.resources = [...rule.resources];
        if (rule.resourceNames?.length) r.resourceNames = [...rule.resourceNames];
        out.resourceRules.push(r);
      }
      if (rule.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs] });
    }
    return out;
  }

  private granted(user: UserInfo, namespace: string): GrantedRule[] {
    const generation = this.source.generation?.();
    if (generation === undefined) return this.collect(user, namespace);
    if (generation !== this.cachedGeneration) {
      this.cache.clear();
      this.cachedGeneration = generation;
    }
    const key = JSON.stringify([user.username, [...user.groups].sort(), namespace]);
    let found = this.cache.get(key);
    if (!found) {
      found = this.collect(user, namespace);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, found);
    }
    return found;
  }

  /** ClusterRoleBindings first, then RoleBindings of the namespace, as RBAC visits them. */
  private collect(user: UserInfo, namespace: string): GrantedRule[] {
    const out: GrantedRule[] = [];
    let clusterRoles: Map<string, KubeObject> | undefined;
    const clusterRole = (name: string) => {
      clusterRoles ??= new Map(this.source.clusterRoles().map((r) => [r.metadata.name ?? '', r]));
      return clusterRoles.get(name);
    };

    for (const binding of this.source.clusterRoleBindings()) {
      const subject = matchingSubject(binding, user, '');
      if (!subject) continue;
      const ref = roleRef(binding);
      if (ref?.kind !== 'ClusterRole') continue;
      const role = clusterRole(ref.name);
      if (!role) continue;
      const source = `ClusterRoleBinding "${binding.metadata.name}" of ClusterRole "${ref.name}" to ${describeSubject(subject, '')}`;
      for (const rule of policyRules(role)) out.push({ rule, source });
    }

    if (!namespace) return out;
    let roles: Map<string, KubeObject> | undefined;
    for (const binding of this.source.roleBindings(namespace)) {
      const subject = matchingSubject(binding, user, namespace);
      if (!subject) continue;
      const ref = roleRef(binding);
      if (!ref) continue;
      let role: KubeObject | undefined;
      if (ref.kind === 'ClusterRole') role = clusterRole(ref.name);
      else if (ref.kind === 'Role') {
        roles ??= new Map(this.source.roles(namespace).map((r) => [r.metadata.name ?? '', r]));
        role = roles.get(ref.name);
      }
      if (!role) continue;
      const source = `RoleBinding "${binding.metadata.name}/${namespace}" of ${ref.kind} "${ref.name}" to ${describeSubject(subject, namespace)}`;
      for (const rule of policyRules(role)) out.push({ rule, source });
    }
    return out;
  }
}

function roleRef(binding: KubeObject): { kind: string; name: string } | undefined {
  const ref = binding.roleRef as { kind?: unknown; name?: unknown } | undefined;
  if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') return undefined;
  return { kind: ref.kind, name: ref.name };
}

function policyRules(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]).filter((r) => r && Array.isArray(r.verbs)) : [];
}

function matchingSubject(binding: KubeObject, user: UserInfo, bindingNamespace: string): Subject | undefined {
  const subjects = Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
  return subjects.find((s) => subjectMatches(s, user, bindingNamespace));
}

export function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return !!namespace && user.username === `system:serviceaccount:${namespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `ServiceAccount "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}

const has = (list: string[] | undefined, value: string) => !!list && (list.includes('*') || list.includes(value));

/** Whether one PolicyRule grants the request (Kubernetes' RuleAllows). */
export function ruleAllows(rule: PolicyRule, attrs: AuthorizationAttributes): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (attrs.type === 'nonResource') {
    return (rule.nonResourceURLs ?? []).some(
      (url) => url === '*' || url === attrs.path || (url.endsWith('*') && attrs.path.startsWith(url.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, attrs.group)) return false;
  const sub = attrs.subresource ?? '';
  const combined = sub ? `${attrs.resource}/${sub}` : attrs.resource;
  const resourceOk = (rule.resources ?? []).some((r) => r === '*' || r === combined || (sub !== '' && r === `*/${sub}`));
  if (!resourceOk) return false;
  if (!rule.resourceNames?.length) return true;
  return !!attrs.name && rule.resourceNames.includes(attrs.name);
}
