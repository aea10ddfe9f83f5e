'use client';

import useSWR from 'swr';
import type { Column, KindGroup } from '@/lib/kinds/types';
import { readError } from './live/snapshots';

/** One kind as `GET /api/clusters/{c}/kinds` describes it. */
export interface KindInfo {
  token: string;
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  alias: KindGroup;
  title: string;
  columns: Column[];
  stream: boolean;
  state: 'streaming' | 'polling' | 'disabled';
  reason?: string;
}

async function fetchKinds(url: string): Promise<KindInfo[]> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw await readError(res);
  return ((await res.json()) as { kinds: KindInfo[] }).kinds;
}

/** The kinds of a cluster (built-in and custom), refreshed now and then: CRDs come and go. None on pages outside a cluster. */
export function useKinds(cluster: string) {
  return useSWR<KindInfo[]>(cluster ? `/api/clusters/${encodeURIComponent(cluster)}/kinds` : null, fetchKinds, { refreshInterval: 60_000, revalidateOnFocus: false });
}
