'use client';

import { useCallback, useMemo, useState } from 'react';
import { LabelSelectorError, parseLabelSelector, type LabelSelector } from '@/lib/labelSelector';
import type { Column, Row } from '@/lib/kinds/types';
import { AGE_COLUMN, NAME_COLUMN, NAMESPACE_COLUMN, rowComparator, rowFilter, type SortKey } from '@/lib/ui/rowOrder';
import { SortedRows } from '@/lib/ui/sortedRows';
import { FreshnessBadge } from '../live/FreshnessBadge';
import { useKindStatus } from '../live/useLive';
import { useRows } from '../live/useRows';
import { useKinds } from '../useKinds';
import { detailPath } from '../urls';
import { useSelection } from '../useSelection';
import { VirtualTable, type TableColumn } from './VirtualTable';
import { notPermitted } from '../live/notPermitted';
import { NamespaceErrors } from './NamespaceErrors';
import { LatestUsageProvider } from '../usage/LatestUsage';

const NAME: Column = { id: NAME_COLUMN, title: 'NAME', type: 'text' };
const NAMESPACE: Column = { id: NAMESPACE_COLUMN, title: 'NAMESPACE', type: 'text' };
const AGE: Column = { id: AGE_COLUMN, title: 'AGE', type: 'age' };

function widthOf(column: Column): string {
  switch (column.type) {
    case 'number':
      return 'minmax(70px, 0.5fr)';
    case 'age':
      return 'minmax(110px, 0.6fr)';
    case 'status':
      return 'minmax(110px, 1fr)';
    case 'usage':
      return 'minmax(190px, 1.4fr)';
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
  const refused = notPermitted(set, error);
  // While the portal still loads the kind from the cluster, an empty list means "not yet", not "none".
  const syncing = useKindStatus(kind).mode === 'syncing' || set?.syncing === true;
  const [filter, setFilter] = useState('');
  const [selectorText, setSelectorText] = useState('');
  const [wide, setWide] = useState(false);
  const [sort, setSort] = useState<SortKey>({ column: NAME_COLUMN, descending: false });

  const { selector, selectorError } = useMemo((): { selector: LabelSelector; selectorError: string | null } => {
    try {
      return { selector: parseLabelSelector(selectorText.trim()), selectorError: null };
    } catch (err) {
      return { selector: [], selectorError: err instanceof LabelSelectorError ? err.message : String(err) };
    }
  }, [selectorText]);

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

  // The sorted, filtered rows follow the set delta by delta; only a new filter, order or snapshot sorts them all again.
  const view = useMemo(() => new SortedRows(rowComparator(sort, columns.map((c) => c.column)), rowFilter(filter, selector)), [sort, columns, filter, selector]);
  if (set) view.follow(set);
  const rows: Row[] = view.rows;
  const hrefOf = useCallback((row: Row) => detailPath(cluster, kind, row.namespace, row.name, namespaces), [cluster, kind, namespaces]);
  const pinTargetOf = useCallback((row: Row) => ({ cluster, kind, namespace: row.namespace, name: row.name }), [cluster, kind]);

  const title = info?.title ?? kind;
  return (
    <section className="list-page" aria-labelledby="list-title">
      <div className="page-head">
        <div className="page-title">
          <h1 id="list-title">{title}</h1>
          <span className="muted count-label" data-testid="row-count">
            {refused ? 'not permitted' : set ? (rows.length === set.size ? `${set.size}` : `${rows.length} of ${set.size}`) : ''}
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
      {set && !refused ? <NamespaceErrors errors={set.errors} /> : null}
      {refused ? (
        <div className="empty" role="alert" data-testid="list-not-permitted">
          <strong>Not permitted.</strong> You may not list {title.toLowerCase()} here. Kubernetes said: {refused}
        </div>
      ) : error && !set ? (
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
        <LatestUsageProvider cluster={cluster} kind={columns.some((c) => c.column.type === 'usage') ? kind : ''} namespaces={namespaces}>
          <VirtualTable
            label={title}
            columns={columns}
            rows={rows}
            sort={sort}
            onSort={(column) => setSort((s) => (s.column === column ? { column, descending: !s.descending } : { column, descending: false }))}
            hrefOf={hrefOf}
            pinTargetOf={pinTargetOf}
          />
        </LatestUsageProvider>
      )}
    </section>
  );
}
