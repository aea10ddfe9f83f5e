import type { CellValue, Column, Tone } from '@/lib/kinds/types';
import { formatAge } from '@/lib/ui/age';
import { formatBytes, quantityOrNull } from '@/lib/ui/units';

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
    case 'list':
      return <>{Array.isArray(value) ? value.join(', ') : String(value)}</>;
    default:
      return <>{Array.isArray(value) ? value.join(', ') : String(value)}</>;
  }
}
