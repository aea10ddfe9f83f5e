'use client';

import { useVirtualizer } from '@tanstack/react-virtual';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { PinPanel, type PinTarget } from '../yard/PinPanel';
import type { Column, Row } from '@/lib/kinds/types';
import type { SortKey } from '@/lib/ui/rowOrder';
import { useNow } from '../live/useNow';
import { VirtualRow } from './VirtualRow';

export interface TableColumn {
  column: Column;
  width: string;
  align?: 'right';
}

const ROW_HEIGHT = 34;

/**
 * The list body: only the rows in view (plus a few) are in the DOM, whatever the
 * list's length. Arrow keys, Page Up/Down, Home/End move the active row; Enter opens it.
 * `rows` may be changed in place between renders (it is read, never kept); rows
 * are keyed by their place, and each renders again only when its data changed.
 */
export function VirtualTable({
  label,
  columns,
  rows,
  sort,
  onSort,
  hrefOf,
  pinTargetOf,
}: {
  label: string;
  columns: TableColumn[];
  rows: Row[];
  sort: SortKey;
  onSort: (column: string) => void;
  hrefOf: (row: Row) => string;
  /** What a row's "Pin to yard…" action pins; absent, rows have no action. */
  pinTargetOf?: (row: Row) => PinTarget;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const now = useNow();
  const [active, setActive] = useState(0);
  // Keys are places (the default): a key per uid would make the virtualizer measure every row again on each change.
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render only, never memoised
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const open = useCallback((href: string) => router.push(href), [router]);
  const template = columns.map((c) => c.width).join(' ');
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));
  // One panel for the whole table, opened by a row's action: rows stay a few plain elements each.
  const [pinning, setPinning] = useState<{ target: PinTarget; left: number; top: number } | null>(null);
  const pinOpener = useRef<HTMLElement | null>(null);
  const current = useRef({ rows, pinTargetOf });
  useEffect(() => {
    current.current = { rows, pinTargetOf };
  });
  const onPin = useCallback((index: number, button: HTMLElement) => {
    const { rows: now, pinTargetOf: targetOf } = current.current;
    if (!targetOf || !now[index]) return;
    const box = button.getBoundingClientRect();
    pinOpener.current = button;
    setPinning({ target: targetOf(now[index]), left: Math.max(8, Math.min(box.left, window.innerWidth - 300)), top: box.bottom + 4 });
  }, []);
  const closePin = useCallback((returnFocus: boolean) => {
    setPinning(null);
    if (returnFocus) scroller.current?.focus();
  }, []);

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
          if (e.target !== e.currentTarget) return; // a row's own button keeps its keys
          const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
          if (e.key === 'ArrowDown') move(activeIndex + 1);
          else if (e.key === 'ArrowUp') move(activeIndex - 1);
          else if (e.key === 'PageDown') move(activeIndex + page);
          else if (e.key === 'PageUp') move(activeIndex - page);
          else if (e.key === 'Home') move(0);
          else if (e.key === 'End') move(rows.length - 1);
          else if (e.key === 'Enter' && rows[activeIndex]) open(hrefOf(rows[activeIndex]));
          else return;
          e.preventDefault();
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <VirtualRow
                key={item.key}
                row={row}
                index={item.index}
                top={item.start}
                height={ROW_HEIGHT}
                active={item.index === activeIndex}
                columns={columns}
                template={template}
                now={now}
                href={hrefOf(row)}
                onSelect={setActive}
                onOpen={open}
                onPin={pinTargetOf ? onPin : undefined}
              />
            );
          })}
        </div>
      </div>
      {pinning ? (
        <div className="row-pin">
          <PinPanel target={pinning.target} onClose={closePin} opener={pinOpener} style={{ left: pinning.left, top: pinning.top }} />
        </div>
      ) : null}
    </div>
  );
}
