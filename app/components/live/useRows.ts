'use client';

import { useEffect } from 'react';
import useSWR, { useSWRConfig } from 'swr';
import type { RowSet } from '@/lib/ui/rowSet';
import { fetchSnapshot, rowsKey } from './snapshots';
import { streamManager } from './streamManager';
import { useStreamKinds } from './useLive';

const inFlight = new Map<string, AbortController>();

/**
 * The rows of one selection: SWR fetches the snapshot once, then the tab's stream
 * patches that same cache entry delta by delta (or polling replaces it). The key
 * names the selection, so rows of another selection can never show here; leaving
 * a selection aborts its request in flight.
 */
export function useRows(cluster: string, kind: string, namespaces: readonly string[], { fetchSnapshot: wantsFetch = true, focused = true } = {}) {
  const key = rowsKey(cluster, kind, namespaces);
  const { cache } = useSWRConfig();
  useStreamKinds([kind], focused);
  const swr = useSWR<RowSet>(
    key,
    wantsFetch
      ? async () => {
          inFlight.get(key)?.abort();
          const abort = new AbortController();
          inFlight.set(key, abort);
          // The stream takes this kind on once the snapshot is in, resuming from it instead of sending the rows again.
          const fetched = streamManager().snapshotStarted(cluster, kind, namespaces);
          let set: RowSet | null = null;
          try {
            set = await fetchSnapshot(cluster, kind, namespaces, abort.signal);
            // The stream may have delivered a newer state meanwhile: never go back in time.
            const current = cache.get(key)?.data as RowSet | undefined;
            if (current && set.epoch && current.covers(set.epoch, set.seq)) return current;
            return set;
          } finally {
            fetched(set);
            if (inFlight.get(key) === abort) inFlight.delete(key);
          }
        }
      : null,
    // Fetched again on every mount, however soon (rows kept from an earlier visit are not patched while away):
    // the page preloaded that answer, and the stream resumes from it.
    { revalidateOnMount: wantsFetch, dedupingInterval: 0, revalidateOnFocus: false, revalidateOnReconnect: false, revalidateIfStale: false, shouldRetryOnError: false, compare: (a, b) => a === b },
  );
  useEffect(() => () => inFlight.get(key)?.abort(), [key]);
  return swr;
}
