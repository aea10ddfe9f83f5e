import type { CellValue, Column, Tone } from '@/lib/kinds/types';
import { formatAge } from '@/lib/ui/age';
import { formatBytes, formatCpu, quantityOrNull } from '@/lib/ui/units';

/** One cell of a list, rendered as text (React escapes it) in the way its column type says. */
export function Cell({ column, value, tone, now }: { column: Column; value: CellValue | undefined; tone?: Tone; now: number }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  switch (column.type) {
    case 'age':
      return <span title={String(value)}>{formatAge(String(value), now)}</span>;
    case 'status':
      return <span className={`status tone-${tone ?? 'neutral'}`}>{String(value)}</span>;
    case 'memory': {
      const bytes = quantityOrNull(value);
      return bytes === null ? <>{String(value)}</> : <span title={String(value)}>{formatBytes(bytes)}</span>;
    }
    case 'usage': {
      // Outside a list's live usage (e.g. a detail page's key fields): what usage is measured against.
      const format = column.id.startsWith('memory') ? formatBytes : formatCpu;
      const levels = (Array.isArray(value) ? value : [String(value)]).map((v) => quantityOrNull(v));
      const text = (n: number | null) => (n === null ? 'none' : format(n));
      return <>{levels.length === 1 ? `allocatable ${text(levels[0])}` : `request ${text(levels[0])} · limit ${text(levels[1])}`}</>;
    }
    case 'list':
      return <>{Array.isArray(value) ? value.join(', ') : String(value)}</>;
    default:
      return <>{Array.isArray(value) ? value.join(', ') : String(value)}</>;
  }
}
