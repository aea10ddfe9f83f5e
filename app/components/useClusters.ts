'use client';

import useSWR from 'swr';
import type { ClusterSummary } from '@/lib/clusters';

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `${url} answered ${res.status}`);
  }
  return (await res.json()) as T;
}

/** The clusters and their health, refreshed in the background. */
export function useClusters() {
  return useSWR<ClusterSummary[]>('/api/clusters', fetchJson, { refreshInterval: 10_000 });
}
