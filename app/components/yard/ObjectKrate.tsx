'use client';

import type { PlacedKrate } from './krates';
import { formatAge } from '@/lib/ui/age';
import { Cell } from '../list/Cell';
import { useNow } from '../live/useNow';
import { useKinds } from '../useKinds';
import { KrateError } from './KrateError';
import { useKrateObject } from './useKrateObject';

/** An object's live card: its list row's cells (status, readiness, …) and its labels, as the person looking may read it. */
export function ObjectKrate({ krate }: { krate: PlacedKrate }) {
  const { data: object, error, row } = useKrateObject(krate.cluster, krate.kind, krate.namespace, krate.name);
  const { data: kinds } = useKinds(krate.cluster);
  const now = useNow();
  const info = kinds?.find((k) => k.token === krate.kind);
  if (error) return <KrateError error={error} what={krate.name ?? krate.kind} />;
  if (!object) return <p className="muted" aria-busy="true">Loading…</p>;
  const labels = Object.entries(object.metadata?.labels ?? {});
  const columns = (info?.columns ?? []).filter((c) => c.id !== 'name' && c.id !== 'namespace').slice(0, 6);
  return (
    <div className="krate-object">
      <dl className="krate-facts">
        {row
          ? columns.map((column) => (
              <div key={column.id}>
                <dt>{column.title}</dt>
                <dd>
                  <Cell column={column} value={row.cells[column.id]} tone={row.tone} now={now} />
                </dd>
              </div>
            ))
          : (
              <div>
                <dt>Age</dt>
                <dd>{formatAge(object.metadata?.creationTimestamp as string | undefined, now)}</dd>
              </div>
            )}
      </dl>
      {labels.length ? (
        <ul className="krate-labels" aria-label="Labels">
          {labels.map(([k, v]) => (
            <li key={k} className="tag mono">
              {k}={v}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
