import type { YardSummary } from '@/lib/yard/model';
import { readError } from '../live/snapshots';

/** The yards the person may open: their own first, then team yards. */
export async function fetchYards(url: string): Promise<YardSummary[]> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await readError(res);
  return (await res.json()) as YardSummary[];
}

export const YARDS_URL = '/api/yards';

export function yardUrl(id: string): string {
  return `${YARDS_URL}/${encodeURIComponent(id)}`;
}

/** Creates, renames or deletes a yard as the person (the CSRF header every mutation needs); the portal's refusal is thrown. */
export async function changeYard(url: string, method: 'POST' | 'PATCH' | 'DELETE', body?: unknown): Promise<YardSummary> {
  const res = await fetch(url, {
    method,
    headers: { 'X-Crowsnest-CSRF': '1', Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await readError(res);
  return (await res.json()) as YardSummary;
}
