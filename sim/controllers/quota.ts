/**
 * ResourceQuota status, roughly as the quota controller counts it: `status.hard` is the
 * spec's, `status.used` counts, for each resource the quota names, the namespace's
 * objects (`pods`, `services`, `configmaps`, `secrets`, `persistentvolumeclaims`,
 * `count/<resource>[.<group>]`) and sums the requests and limits of its pods that have
 * not finished (`requests.cpu`, `limits.memory`, `cpu`, …) and of its claims
 * (`requests.storage`). Quotas are not enforced on writes.
 */
import type { Store, StoreEvent } from '../store';
import { quantity } from './hpa';
import { isPodFinished, PODS, PVCS, WorkQueue, withStatus, writeIfChanged, type Obj } from './runtime';

export const QUOTAS = '/resourcequotas';
const COUNTED: Record<string, string> = {
  pods: PODS,
  services: '/services',
  configmaps: '/configmaps',
  secrets: '/secrets',
  persistentvolumeclaims: PVCS,
  replicationcontrollers: '/replicationcontrollers',
};

export class ResourceQuotaController {
  private queue: WorkQueue;

  constructor(
    private readonly store: Store,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns) => this.sync(ns));
    for (const q of store.iterate(QUOTAS)) this.queue.add(q.metadata.namespace, '');
  }

  onEvent(e: StoreEvent): void {
    const ns = e.object.metadata.namespace;
    if (!ns || e.key === '/events') return;
    if (e.key === QUOTAS && e.type !== 'DELETED' && JSON.stringify(e.object.spec) === JSON.stringify(e.previous?.spec) && e.previous) return;
    if (e.key === QUOTAS || this.store.count(QUOTAS) > 0) this.queue.add(ns, '');
  }

  private used(namespace: string, resource: string): string | undefined {
    const key = resource.startsWith('count/') ? countKey(resource.slice(6)) : COUNTED[resource];
    if (key) return String(this.store.list(key, namespace).filter((o) => key !== PODS || !isPodFinished(o)).length);
    const m = resource.match(/^(requests\.|limits\.)?(cpu|memory|ephemeral-storage|storage)$/);
    if (!m) return undefined;
    const field = m[1] === 'limits.' ? 'limits' : 'requests';
    const name = m[2];
    let milli = 0;
    if (name === 'storage') for (const c of this.store.list(PVCS, namespace)) milli += quantity((c.spec as Obj)?.resources?.requests?.storage);
    else for (const p of this.store.list(PODS, namespace)) if (!isPodFinished(p)) for (const c of (p.spec as Obj)?.containers ?? []) milli += quantity(c.resources?.[field]?.[name]);
    return name === 'cpu' ? (milli % 1000 === 0 ? String(milli / 1000) : `${Math.round(milli)}m`) : bytes(milli / 1000);
  }

  private sync(namespace: string): void {
    for (const q of this.store.list(QUOTAS, namespace)) {
      const hard: Record<string, string> = { ...((q.spec as Obj)?.hard ?? {}) };
      const used: Record<string, string> = {};
      for (const r of Object.keys(hard)) {
        const u = this.used(namespace, r);
        if (u !== undefined) used[r] = u;
      }
      writeIfChanged(this.store, QUOTAS, q, withStatus(q, { hard, used }));
    }
  }
}

/** `count/deployments.apps` → `apps/deployments`; `count/pods` → `/pods`. */
function countKey(resource: string): string {
  const dot = resource.indexOf('.');
  return dot < 0 ? `/${resource}` : `${resource.slice(dot + 1)}/${resource.slice(0, dot)}`;
}

function bytes(n: number): string {
  if (n === 0) return '0';
  for (const [unit, size] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) if (n % size === 0) return `${n / size}${unit}`;
  return String(Math.round(n));
}
