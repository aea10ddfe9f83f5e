import type { KubeConfig } from '@kubernetes/client-node';
import type { Actor } from '../../lib/actor';
import { HttpError } from '../http/errors';
import { kubeConfigActingAs } from '../kube/actingAs';
import { KubeError, kubeJson } from '../kube/kubeRequest';
import type { ResourceCheck } from './accessReviewer';

/** Kubernetes' answer to "may I?": allowed or not, with its reason when it gives one. */
export interface SelfAnswer {
  allowed: boolean;
  /** The authorizer's reason or evaluation error; often empty for a plain "no". */
  reason?: string;
}

interface Entry {
  answer: Promise<SelfAnswer>;
  expiresAt: number;
}

interface SelfSubjectAccessReview {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

/**
 * Asks Kubernetes what a person may do, as that person: a
 * SelfSubjectAccessReview made with their impersonation headers, so the
 * answer is exactly what their own request would meet (RBAC, webhooks, any
 * authorizer). Answers are kept briefly per person and check: a page that
 * asks about six actions on every visit costs six reviews per short while,
 * and a revoked permission shows within that while (the server enforces on
 * every request regardless).
 */
export class SelfAccess {
  private cache = new Map<string, Entry>();

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: { ttlMs?: number; maxEntries?: number } = {},
  ) {}

  ask(actor: Actor, check: ResourceCheck): Promise<SelfAnswer> {
    const key = JSON.stringify([actor.name, [...actor.groups].sort(), check.verb, check.group, check.resource, check.subresource ?? '', check.namespace ?? '', check.name ?? '']);
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > now) return hit.answer;
    const answer = this.review(actor, check);
    const entry = { answer, expiresAt: now + (this.options.ttlMs ?? 10_000) };
    if (this.cache.size >= (this.options.maxEntries ?? 10_000)) this.dropExpired(now);
    this.cache.set(key, entry);
    // A failed review is not an answer: ask again next time.
    answer.catch(() => this.cache.get(key) === entry && this.cache.delete(key));
    return answer;
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
    if (this.cache.size >= (this.options.maxEntries ?? 10_000)) this.cache.clear();
  }

  private async review(actor: Actor, check: ResourceCheck): Promise<SelfAnswer> {
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: {
          verb: check.verb,
          group: check.group,
          resource: check.resource,
          ...(check.subresource ? { subresource: check.subresource } : {}),
          ...(check.namespace ? { namespace: check.namespace } : {}),
          ...(check.name ? { name: check.name } : {}),
        },
      },
    };
    const review = await kubeJson<SelfSubjectAccessReview>(kubeConfigActingAs(this.kubeConfig, actor), {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: 10_000,
    }).catch((err: unknown) => {
      if (err instanceof KubeError) throw new HttpError(err.status >= 400 && err.status < 600 ? err.status : 502, err.message);
      throw err;
    });
    const reason = review.status?.reason || review.status?.evaluationError || undefined;
    return { allowed: review.status?.allowed === true, ...(reason ? { reason } : {}) };
  }
}
