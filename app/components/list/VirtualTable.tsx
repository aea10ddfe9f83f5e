'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import type { Column, Row } from '@/lib/kinds/types';
import { useNow } from '../live/useNow';
import { Cell } from './Cell';
import type { SortKey } from './sortRows';

export interface TableColumn {
  column: Column;
  width: string;
  align?: 'right';
}

const ROW_HEIGHT = 34;

/**
 * The list body: only the rows in view (plus a few) are in the DOM, whatever the
 * list's length. Arrow keys, Page Up/Down, Home/End move the active row; Enter opens it.
 */
export function VirtualTable({
  label,
  columns,
  rows,
  sort,
  onSort,
  hrefOf,
}: {
  label: string;
  columns: TableColumn[];
  rows: Row[];
  sort: SortKey;
  onSort: (column: string) => void;
  hrefOf: (row: Row) => string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const now = useNow();
  const [active, setActive] = useState(0);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render only, never memoised
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8, getItemKey: (i) => rows[i]?.uid ?? i });
  const template = columns.map((c) => c.width).join(' ');
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));

  const move = (to: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="vtable" role="grid" aria-label={label} aria-rowcount={rows.length + 1}>
      <div className="vtable-head" role="rowgroup">
        <div className="vrow vrow-head" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map(({ column, align }) => {
            const sorted = sort.column === column.id;
            return (
              <div key={column.id} role="columnheader" aria-sort={sorted ? (sort.descending ? 'descending' : 'ascending') : 'none'} className={align === 'right' ? 'right' : undefined}>
                <button type="button" className="sort" onClick={() => onSort(column.id)}>
                  {column.title}
                  <span aria-hidden="true" className="sort-mark">
                    {sorted ? (sort.descending ? '↓' : '↑') : ''}
                  </span>
                </button>
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scroller}
        className="vtable-body"
        role="rowgroup"
        tabIndex={0}
        aria-label={`${label}: use arrow keys to move, Enter to open`}
        data-testid="list-scroller"
        onKeyDown={(e) => {
          const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
          if (e.key === 'ArrowDown') move(activeIndex + 1);
          else if (e.key === 'ArrowUp') move(activeIndex - 1);
          else if (e.key === 'PageDown') move(activeIndex + page);
          else if (e.key === 'PageUp') move(activeIndex - page);
          else if (e.key === 'Home') move(0);
          else if (e.key === 'End') move(rows.length - 1);
          else if (e.key === 'Enter' && rows[activeIndex]) router.push(hrefOf(rows[activeIndex]));
          else return;
          e.preventDefault();
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                id={`row-${row.uid}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={item.index === activeIndex}
                className={`vrow${item.index === activeIndex ? ' vrow-active' : ''}`}
                data-row={row.namespace ? `${row.namespace}/${row.name}` : row.name}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => setActive(item.index)}
              >
                {columns.map(({ column, align }) => (
                  <div key={column.id} role="gridcell" className={align === 'right' ? 'right' : undefined}>
                    {column.id === '__name' ? (
                      <a href={hrefOf(row)} className="row-link" tabIndex={-1} onClick={(e) => {
                        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                        e.preventDefault();
                        router.push(hrefOf(row));
                      }}>
                        {row.name}
                      </a>
                    ) : column.id === '__namespace' ? (
                      row.namespace ?? ''
                    ) : column.id === '__age' ? (
                      <Cell column={column} value={row.createdAt ?? null} now={now} />
                    ) : (
                      <Cell column={column} value={row.cells[column.id]} tone={row.tone} now={now} />
                    )}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
