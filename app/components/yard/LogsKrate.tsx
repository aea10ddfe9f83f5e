'use client';

import { PodLogsTab } from '../detail/PodTabs';
import { KrateError } from './KrateError';
import type { PlacedKrate } from './krates';
import { podContainers } from './podContainers';
import { useKrateObject } from './useKrateObject';

/** A pod's log tail over the person's own `/logs` subscription (the pod is read first: its containers, or why it may not be). */
export function LogsKrate({ krate }: { krate: PlacedKrate }) {
  const { data: pod, error } = useKrateObject(krate.cluster, 'pods', krate.namespace, krate.name);
  if (error) return <KrateError error={error} what={krate.name ?? 'the pod'} />;
  if (!pod || !krate.namespace || !krate.name) return <p className="muted" aria-busy="true">Loading…</p>;
  const containers = krate.container ? [{ name: krate.container }] : podContainers(pod);
  return <PodLogsTab cluster={krate.cluster} namespace={krate.namespace} pod={krate.name} containers={containers} />;
}
