import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Actor } from '../../lib/actor';
import { HttpError } from '../http/errors';

export interface ResourceCheck {
  verb: string;
  /** "" for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** Absent: cluster-wide. */
  namespace?: string;
  name?: string;
}

interface Entry {
  allowed: Promise<boolean>;
  expiresAt: number;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Answers "may this person do this?" with SubjectAccessReview, asked with the
 * portal's own identity. Answers are cached per (user, groups, check) for a
 * short time and the whole cache is dropped whenever RBAC changes.
 */
export class AccessReviewer {
  private cache = new Map<string, Entry>();
  private generation = 0;
  private readonly invalidationListeners = new Set<() => void>();
  /** Whether the RBAC watch is known current, so a change would reach `invalidate` in time. */
  private rbacCurrent = false;
  private staleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: { ttlMs?: number; staleTtlMs?: number; concurrency?: number; maxEntries?: number } = {},
  ) {
    this.staleTimer = this.startStaleRechecks();
  }

  /** How long an answer is reused: the configured TTL while RBAC changes are known to arrive, the short one otherwise. */
  private get ttlMs(): number {
    const ttl = this.options.ttlMs ?? 10_000;
    return this.rbacCurrent ? ttl : Math.min(ttl, this.staleTtlMs);
  }

  private get staleTtlMs(): number {
    return this.options.staleTtlMs ?? 10_000;
  }

  /**
   * The RBAC watch became (or stopped being) known current. While it is not,
   * a revocation might not be seen: cached answers live only for the short
   * TTL, and every open channel is re-checked on that TTL (fail closed).
   */
  setRbacCurrent(current: boolean): void {
    if (current === this.rbacCurrent) return;
    this.rbacCurrent = current;
    clearInterval(this.staleTimer);
    this.staleTimer = undefined;
    if (!current) {
      this.invalidate();
      this.staleTimer = this.startStaleRechecks();
    }
  }

  private startStaleRechecks(): NodeJS.Timeout {
    const timer = setInterval(() => this.invalidate(), this.staleTtlMs);
    timer.unref();
    return timer;
  }

  /** Stops the re-checks (the cluster is gone). */
  stop(): void {
    clearInterval(this.staleTimer);
    this.staleTimer = undefined;
    this.rbacCurrent = true;
  }

  /** Forget every cached answer (RBAC changed). */
  invalidate(): void {
    this.generation++;
    this.cache = new Map();
    for (const listener of this.invalidationListeners) listener();
  }

  /** Called after every invalidation (RBAC changed): open streams re-check what their people may see. */
  onInvalidate(listener: () => void): () => void {
    this.invalidationListeners.add(listener);
    return () => this.invalidationListeners.delete(listener);
  }

  can(actor: Actor, check: ResourceCheck): Promise<boolean> {
    const key = JSON.stringify([actor.name, [...actor.groups].sort(), check.verb, check.group, check.resource, check.subresource ?? '', check.namespace ?? '', check.name ?? '']);
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > now) return hit.allowed;

    const generation = this.generation;
    const allowed = this.review(actor, check);
    const entry = { allowed, expiresAt: now + this.ttlMs };
    if (this.cache.size >= (this.options.maxEntries ?? 100_000)) this.cache.clear();
    this.cache.set(key, entry);
    // A failed review is not an answer: don't keep it. An answer from before an invalidation is not kept either.
    allowed.then(
      () => generation !== this.generation && this.cache.get(key) === entry && this.cache.delete(key),
      () => this.cache.get(key) === entry && this.cache.delete(key),
    );
    return allowed;
  }

  /**
   * Which of `namespaces` the actor may `verb` the resource in. Cluster-wide
   * permission answers at once; otherwise one review per namespace, in
   * parallel with a bound.
   */
  async allowedNamespaces(actor: Actor, check: Omit<ResourceCheck, 'namespace' | 'name'>, namespaces: string[]): Promise<{ all: boolean; allowed: string[]; denied: string[] }> {
    if (await this.can(actor, check)) return { all: true, allowed: [...namespaces], denied: [] };
    const answers = await mapBounded(namespaces, this.options.concurrency ?? 8, (namespace) => this.can(actor, { ...check, namespace }));
    return {
      all: false,
      allowed: namespaces.filter((_, i) => answers[i]),
      denied: namespaces.filter((_, i) => !answers[i]),
    };
  }

  private async review(actor: Actor, check: ResourceCheck): Promise<boolean> {
    const api = this.kubeConfig.makeApiClient(AuthorizationV1Api);
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: actor.name,
        groups: [...actor.groups, 'system:authenticated'],
        resourceAttributes: {
          verb: check.verb,
          group: check.group,
          resource: check.resource,
          subresource: check.subresource,
          namespace: check.namespace,
          name: check.name,
        },
      },
    };
    const result = await api.createSubjectAccessReview({ body }).catch((err: { code?: number; message?: string }) => {
      // Without an answer nobody can be shown anything: say why, as a service problem rather than a crash.
      throw new HttpError(
        503,
        `cannot check access: the portal's SubjectAccessReview failed (${err.code ?? err.message ?? 'no answer'}); its identity needs create on subjectaccessreviews.authorization.k8s.io`,
        { 'Retry-After': '5' },
      );
    });
    return result.status?.allowed === true;
  }
}
