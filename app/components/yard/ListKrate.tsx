'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import type { Row } from '@/lib/kinds/types';
import { Cell } from '../list/Cell';
import { ApiError } from '../live/snapshots';
import { useNow } from '../live/useNow';
import { useRows } from '../live/useRows';
import { useKinds } from '../useKinds';
import { detailPath } from '../urls';
import { KrateError } from './KrateError';
import type { PlacedKrate } from './krates';
import { rowMatches } from './rowFilter';

/** Rows drawn at most; the full list is one click away. */
const SHOWN = 200;

/** A kind's live rows in one namespace (or all), narrowed by a label selector or part of a name. */
export function ListKrate({ krate }: { krate: PlacedKrate }) {
  const { data: set, error } = useRows(krate.cluster, krate.kind, [], { focused: false });
  const { data: kinds } = useKinds(krate.cluster);
  const now = useNow();
  const info = kinds?.find((k) => k.token === krate.kind);
  const rows = useMemo(() => {
    const out: Row[] = [];
    for (const row of set?.rows.values() ?? []) if ((!krate.namespace || row.namespace === krate.namespace) && rowMatches(row, krate.filter)) out.push(row);
    return out.sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
  }, [set, krate.namespace, krate.filter]);
  const refused = set?.errors.find((e) => !e.namespace || e.namespace === krate.namespace);
  if (error) return <KrateError error={error} what={krate.kind} />;
  if (refused && rows.length === 0) return <KrateError error={new ApiError(refused.code, refused.message)} what={krate.kind} />;
  if (!set) return <p className="muted" aria-busy="true">Loading…</p>;
  const columns = (info?.columns ?? []).filter((c) => c.id !== 'name' && c.id !== 'namespace' && c.priority !== 1).slice(0, 3);
  return (
    <div className="krate-list">
      <table className="simple-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            {krate.namespace ? null : <th scope="col">Namespace</th>}
            {columns.map((c) => (
              <th key={c.id} scope="col">
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN).map((row) => (
            <tr key={row.uid}>
              <td>
                <Link href={detailPath(krate.cluster, krate.kind, row.namespace, row.name)}>{row.name}</Link>
              </td>
              {krate.namespace ? null : <td>{row.namespace ?? '—'}</td>}
              {columns.map((c) => (
                <td key={c.id}>
                  <Cell column={c} value={row.cells[c.id]} tone={row.tone} now={now} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        {rows.length === 0 ? 'Nothing matches.' : rows.length > SHOWN ? `${SHOWN} of ${rows.length} shown.` : `${rows.length} shown.`}
      </p>
    </div>
  );
}
