'use client';

import { useEffect, useSyncExternalStore } from 'react';
import { streamManager, type ClusterTrouble, type KindStatus } from './streamManager';

/** Puts kinds on the tab's one stream while the calling component is mounted. */
export function useStreamKinds(kinds: readonly string[], focused = false): void {
  const joined = kinds.join(',');
  useEffect(() => {
    if (!joined) return;
    return streamManager().watch(joined.split(','), { focused });
  }, [joined, focused]);
}

/** Puts kinds' counts (not their rows) on the tab's one stream while the calling component is mounted. */
export function useStreamCounts(kinds: readonly string[]): void {
  const joined = kinds.join(',');
  useEffect(() => {
    if (!joined) return;
    return streamManager().watchCounts(joined.split(','));
  }, [joined]);
}

/** How many rows of a kind the person may see, from the stream's `counts` events (undefined until known). */
export function useKindCount(kind: string): number | undefined {
  const manager = streamManager();
  return useSyncExternalStore(
    manager.subscribe,
    () => manager.count(kind),
    () => undefined,
  );
}

const SERVER_STATUS: KindStatus = { mode: 'idle' };

/** How a kind is being fed right now (live, reconnecting, polling, …). */
export function useKindStatus(kind: string): KindStatus {
  const manager = streamManager();
  return useSyncExternalStore(
    manager.subscribe,
    () => manager.status(kind),
    () => SERVER_STATUS,
  );
}

/** Tells the manager which selection the page shows; everything streamed follows it. */
export function useLiveSelection(cluster: string, namespaces: readonly string[]): void {
  const joined = namespaces.join(',');
  useEffect(() => {
    streamManager().select(cluster, joined ? joined.split(',') : []);
  }, [cluster, joined]);
}

/** What the portal cannot see of the current cluster right now (the worst kind on screen), or undefined. */
export function useClusterTrouble(): ClusterTrouble | undefined {
  const manager = streamManager();
  return useSyncExternalStore(
    manager.subscribe,
    () => manager.clusterTrouble(),
    () => undefined,
  );
}
