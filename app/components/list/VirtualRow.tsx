'use client';

import { memo } from 'react';
import type { Row } from '@/lib/kinds/types';
import { AGE_COLUMN, NAME_COLUMN, NAMESPACE_COLUMN } from '@/lib/ui/rowOrder';
import { Cell } from './Cell';
import { UsageCell } from '../usage/LatestUsage';
import type { TableColumn } from './VirtualTable';

/**
 * One row on screen. Memoised: when a batch of changes arrives, only the rows
 * whose data (or place, or selection) changed render again, not every row in view.
 */
export const VirtualRow = memo(function VirtualRow({
  row,
  index,
  top,
  height,
  active,
  columns,
  template,
  now,
  href,
  onSelect,
  onOpen,
  onPin,
}: {
  row: Row;
  index: number;
  top: number;
  height: number;
  active: boolean;
  columns: TableColumn[];
  template: string;
  now: number;
  href: string;
  onSelect: (index: number) => void;
  onOpen: (href: string) => void;
  /** Opens the table's one "Pin to yard" panel for this row, below `button`; absent, the row has no action. */
  onPin?: (index: number, button: HTMLElement) => void;
}) {
  return (
    <div
      id={`row-${row.uid}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={active}
      className={`vrow${active ? ' vrow-active' : ''}`}
      data-row={row.namespace ? `${row.namespace}/${row.name}` : row.name}
      style={{ gridTemplateColumns: template, transform: `translateY(${top}px)`, height }}
      onClick={() => onSelect(index)}
    >
      {columns.map(({ column, align }) => (
        <div key={column.id} role="gridcell" className={column.id === NAME_COLUMN && onPin ? 'row-name' : align === 'right' ? 'right' : undefined}>
          {column.id === NAME_COLUMN ? (
            <>
              <a
                href={href}
                className="row-link"
                tabIndex={-1}
                onClick={(e) => {
                  if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                  e.preventDefault();
                  onOpen(href);
                }}
              >
                {row.name}
              </a>
              {onPin ? (
                // A plain button per row (the panel itself is the table's, one for all rows); in the Tab order only on the active row.
                <button
                  type="button"
                  className="ghost row-action"
                  tabIndex={active ? 0 : -1}
                  aria-haspopup="dialog"
                  aria-label={`Pin ${row.name} to a yard…`}
                  title="Pin to yard…"
                  onClick={(e) => {
                    e.stopPropagation();
                    onSelect(index);
                    onPin(index, e.currentTarget);
                  }}
                >
                  <span aria-hidden="true">⋯</span>
                </button>
              ) : null}
            </>
          ) : column.id === NAMESPACE_COLUMN ? (
            row.namespace ?? ''
          ) : column.type === 'usage' ? (
            <UsageCell rowKey={row.namespace ? `${row.namespace}/${row.name}` : row.name} resource={column.id.startsWith('memory') ? 'memory' : 'cpu'} value={row.cells[column.id]} />
          ) : column.id === AGE_COLUMN ? (
            <Cell column={column} value={row.createdAt ?? null} now={now} />
          ) : (
            <Cell column={column} value={row.cells[column.id]} tone={row.tone} now={now} />
          )}
        </div>
      ))}
    </div>
  );
});
