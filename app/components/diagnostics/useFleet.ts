'use client';

import useSWR from 'swr';
import type { FleetView } from '@/lib/live/fleetView';
import { readError } from '../live/snapshots';

/** How often the open drawer asks for the fleet again. */
const FLEET_REFRESH_MS = 3000;

/** What `/debug/streams` says of the fleet: its view; `single` without Redis; `forbidden` to someone not an admin. */
export type FleetAnswer = { kind: 'fleet'; fleet: FleetView } | { kind: 'single' } | { kind: 'forbidden'; message: string };

async function fetchFleet(url: string): Promise<FleetAnswer> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (res.status === 403) return { kind: 'forbidden', message: (await readError(res)).message };
  if (!res.ok) throw await readError(res);
  const { fleet } = (await res.json()) as { fleet: FleetView | null };
  return fleet ? { kind: 'fleet', fleet } : { kind: 'single' };
}

/** Asks again while the answer can change: not once it said the person may not see it, nor without Redis. */
const refreshInterval = (latest: FleetAnswer | undefined) => (latest?.kind === 'forbidden' || latest?.kind === 'single' ? 0 : FLEET_REFRESH_MS);

/** The fleet as the replica that answers sees it (`/debug/streams`), refreshed while the caller is mounted. */
export function useFleet() {
  return useSWR<FleetAnswer, Error>('/debug/streams', fetchFleet, { refreshInterval, revalidateOnFocus: false, errorRetryInterval: FLEET_REFRESH_MS });
}
