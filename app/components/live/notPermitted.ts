import type { RowSet } from '@/lib/ui/rowSet';
import { ApiError } from './snapshots';

/**
 * Kubernetes' reason when the person may not list a kind at all (in any
 * namespace asked for), from the rows' errors or the snapshot's refusal;
 * undefined when they may see at least part of it. A refused kind is "not
 * permitted", never a count of 0.
 */
export function notPermitted(rows: RowSet | undefined, error: unknown): string | undefined {
  const refusal = rows?.errors.find((e) => e.code === 403 && !e.namespace);
  if (refusal && rows!.size === 0) return refusal.message;
  if (!rows && error instanceof ApiError && error.status === 403) return error.message;
  return undefined;
}
