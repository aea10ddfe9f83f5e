'use client';

import { useEffect, useSyncExternalStore } from 'react';
import { useClusters } from '../useClusters';

const REMEMBERED = 'crowsnest.cluster';

const noSubscription = () => () => {};
const readRemembered = () => window.localStorage.getItem(REMEMBERED);

/**
 * The cluster the shell works on (switcher, search, sidebar). A cluster page's own
 * cluster, remembered in this browser; pages that belong to no cluster (the yards)
 * use the last one remembered while the portal still serves it, else its first.
 */
export function useShellCluster(pageCluster: string): string {
  const { data: clusters } = useClusters();
  const remembered = useSyncExternalStore(noSubscription, readRemembered, () => null);
  useEffect(() => {
    if (pageCluster) window.localStorage.setItem(REMEMBERED, pageCluster);
  }, [pageCluster]);
  if (pageCluster) return pageCluster;
  if (remembered && (!clusters || clusters.some((c) => c.name === remembered))) return remembered;
  return clusters?.[0]?.name ?? '';
}
