'use client';

import { useMemo, useState } from 'react';
import { LabelSelectorError, matchesLabels, parseLabelSelector, type LabelSelector } from '@/lib/labelSelector';
import type { Column, Row } from '@/lib/kinds/types';
import { FreshnessBadge } from '../live/FreshnessBadge';
import { useKindStatus } from '../live/useLive';
import { useRows } from '../live/useRows';
import { useKinds } from '../useKinds';
import { detailPath } from '../urls';
import { useSelection } from '../useSelection';
import { sortRows, type SortKey } from './sortRows';
import { VirtualTable, type TableColumn } from './VirtualTable';
import { NamespaceErrors } from './NamespaceErrors';

const NAME: Column = { id: '__name', title: 'NAME', type: 'text' };
const NAMESPACE: Column = { id: '__namespace', title: 'NAMESPACE', type: 'text' };
const AGE: Column = { id: '__age', title: 'AGE', type: 'age' };

function widthOf(column: Column): string {
  switch (column.type) {
    case 'number':
      return 'minmax(70px, 0.5fr)';
    case 'age':
      return 'minmax(110px, 0.6fr)';
    case 'status':
      return 'minmax(110px, 1fr)';
    default:
      return 'minmax(90px, 1fr)';
  }
}

/** A live list of one kind: snapshot + stream, filter, label selector, sorting, virtualised rows. */
export function KindList({ kind }: { kind: string }) {
  const { cluster, namespaces } = useSelection();
  const { data: kinds } = useKinds(cluster);
  const info = kinds?.find((k) => k.token === kind);
  const { data: set, error } = useRows(cluster, kind, namespaces);
  // While the portal still loads the kind from the cluster, an empty list means "not yet", not "none".
  const syncing = useKindStatus(kind).mode === 'syncing';
  const [filter, setFilter] = useState('');
  const [selectorText, setSelectorText] = useState('');
  const [wide, setWide] = useState(false);
  const [sort, setSort] = useState<SortKey>({ column: '__name', descending: false });

  let selector: LabelSelector = [];
  let selectorError: string | null = null;
  try {
    selector = parseLabelSelector(selectorText.trim());
  } catch (err) {
    selectorError = err instanceof LabelSelectorError ? err.message : String(err);
  }

  const namespaced = info?.namespaced ?? true;
  const columns: TableColumn[] = useMemo(() => {
    const own = (info?.columns ?? []).filter((c) => wide || !c.priority);
    return [
      { column: NAME, width: 'minmax(220px, 2.4fr)' },
      ...(namespaced ? [{ column: NAMESPACE, width: 'minmax(110px, 1fr)' }] : []),
      ...own.map((c) => ({ column: c, width: widthOf(c), align: c.type === 'number' ? ('right' as const) : undefined })),
      { column: AGE, width: 'minmax(64px, 0.5fr)' },
    ];
  }, [info, wide, namespaced]);

  const version = set?.version;
  const selectorKey = selectorError ? '' : selectorText.trim();
  const rows = useMemo(() => {
    if (!set) return [] as Row[];
    const needle = filter.trim().toLowerCase();
    const out: Row[] = [];
    for (const row of set.rows.values()) {
      if (needle && !row.name.toLowerCase().includes(needle) && !(row.namespace ?? '').toLowerCase().includes(needle)) continue;
      if (selector.length > 0 && !matchesLabels(selector, row.labels)) continue;
      out.push(row);
    }
    return sortRows(out, sort, columns.map((c) => c.column));
    // `version` changes whenever the shared Map does; the selector is keyed by its text.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [set, version, filter, selectorKey, sort, columns]);

  const title = info?.title ?? kind;
  return (
    <section className="list-page" aria-labelledby="list-title">
      <div className="page-head">
        <div className="page-title">
          <h1 id="list-title">{title}</h1>
          <span className="muted count-label" data-testid="row-count">
            {set ? (rows.length === set.size ? `${set.size}` : `${rows.length} of ${set.size}`) : ''}
          </span>
          <FreshnessBadge kind={kind} />
        </div>
        <div className="toolbar">
          <input type="search" aria-label="Filter by name" placeholder="Filter by name…" value={filter} onChange={(e) => setFilter(e.target.value)} className="filter" />
          <input
            type="text"
            aria-label="Label selector"
            aria-invalid={selectorError ? true : undefined}
            placeholder="Label selector, e.g. app=web,tier!=db"
            value={selectorText}
            onChange={(e) => setSelectorText(e.target.value)}
            className="selector"
          />
          {info && info.columns.some((c) => c.priority) ? (
            <label className="toggle">
              <input type="checkbox" checked={wide} onChange={(e) => setWide(e.target.checked)} /> Wide
            </label>
          ) : null}
        </div>
      </div>
      {selectorError ? <p className="inline-error" role="alert">{selectorError}</p> : null}
      {set ? <NamespaceErrors errors={set.errors} /> : null}
      {error && !set ? (
        <div className="empty" role="alert">
          <strong>Could not load {title}.</strong> {(error as Error).message}
        </div>
      ) : !set || (syncing && set.size === 0) ? (
        <div className="empty muted" aria-busy="true">
          {syncing ? `Loading ${title.toLowerCase()} from the cluster…` : `Loading ${title}…`}
        </div>
      ) : set.size === 0 ? (
        <div className="empty muted">No {title.toLowerCase()} {namespaces.length ? `in ${namespaces.join(', ')}` : 'here'}.</div>
      ) : (
        <VirtualTable
          label={title}
          columns={columns}
          rows={rows}
          sort={sort}
          onSort={(column) => setSort((s) => (s.column === column ? { column, descending: !s.descending } : { column, descending: false }))}
          hrefOf={(row) => detailPath(cluster, kind, row.namespace, row.name, namespaces)}
        />
      )}
    </section>
  );
}
