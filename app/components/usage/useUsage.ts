'use client';

import useSWR from 'swr';
import type { UsageResponse } from '@/lib/usage';
import { readError } from '../live/snapshots';

/** The query of `GET /api/clusters/{cluster}/usage`; absent parameters are left out. */
export interface UsageParams {
  kind: 'pods' | 'nodes';
  namespaces?: string;
  name?: string;
  labelSelector?: string;
  group?: 'object' | 'container' | 'sum';
  latest?: boolean;
}

export function usageUrl(cluster: string, params: UsageParams): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '' || value === false) continue;
    query.set(key, value === true ? '1' : String(value));
  }
  return `/api/clusters/${encodeURIComponent(cluster)}/usage?${query}`;
}

async function fetchUsage(url: string): Promise<UsageResponse> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await readError(res);
  return (await res.json()) as UsageResponse;
}

/** The poll interval: the cluster's sample interval (5 s until it is known). One function for every call, so a re-render does not restart SWR's timer. */
const pollInterval = (latest: UsageResponse | undefined) => (latest ? latest.intervalSeconds * 1000 : 5000);

const retryUnlessRefused = (err: unknown) => !(err && typeof err === 'object' && 'status' in err && [400, 401, 403, 404].includes((err as { status: number }).status));

/**
 * Usage series, polled at the cluster's sample interval: a sample arrives at most
 * that often, so one request per interval shows each as it lands, through any
 * replica, authorised afresh each time, without holding one of the person's
 * capped streams open. `null` asks for nothing.
 */
export function useUsage(cluster: string, params: UsageParams | null) {
  return useSWR<UsageResponse>(params ? usageUrl(cluster, params) : null, fetchUsage, {
    refreshInterval: pollInterval,
    revalidateOnFocus: true,
    shouldRetryOnError: retryUnlessRefused,
    keepPreviousData: true,
  });
}
