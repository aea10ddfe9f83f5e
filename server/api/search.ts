import type { Actor } from '../../lib/actor';
import { HttpError } from '../http/errors';
import type { ClusterLive } from '../live/clusterLive';
import { isVisible, resolveView } from '../live/view';

/** The kinds the command palette searches. */
export const SEARCH_KINDS = ['deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'jobs', 'pods', 'services', 'ingresses', 'configmaps', 'secrets', 'pvcs', 'nodes', 'namespaces'];

export interface SearchHit {
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  tone?: string;
}

/**
 * Finds objects by a part of their name across kinds, in the rows the person
 * may see. Exact names first, then prefixes, then the rest; at most `limit`.
 */
export async function search(live: ClusterLive, actor: Actor, query: string, limit = 50): Promise<SearchHit[]> {
  const q = query.trim().toLowerCase();
  if (q.length < 1 || q.length > 100) throw new HttpError(400, 'q must be 1 to 100 characters');
  const scored: Array<{ hit: SearchHit; score: number }> = [];
  await Promise.all(
    SEARCH_KINDS.map(async (token) => {
      const kind = live.kind(token);
      if (!kind) return;
      const state = await live.kindState(kind).catch(() => null);
      if (!state || state.state === 'disabled') return;
      const view = await resolveView(live, actor, kind, { namespaces: null, selector: [] });
      if (view.empty) return;
      const { mirror, release } = await live.acquire(token).catch(() => ({ mirror: null, release: () => undefined }));
      try {
        if (!mirror) return;
        for (const row of mirror.all()) {
          const name = row.name.toLowerCase();
          const at = name.indexOf(q);
          if (at === -1 || !isVisible(view, row)) continue;
          const score = name === q ? 0 : at === 0 ? 1 : 2;
          scored.push({ hit: { kind: token, namespace: row.namespace, name: row.name, uid: row.uid, tone: row.tone }, score });
        }
      } finally {
        release();
      }
    }),
  );
  scored.sort((a, b) => a.score - b.score || a.hit.name.length - b.hit.name.length || a.hit.name.localeCompare(b.hit.name));
  return scored.slice(0, limit).map((s) => s.hit);
}
