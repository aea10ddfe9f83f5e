'use client';

import { EventsTab } from '../detail/EventsTab';
import { objectApi } from '../urls';
import type { PlacedKrate } from './krates';

/** The object's events, newest first, read as the person looking. */
export function EventsKrate({ krate }: { krate: PlacedKrate }) {
  if (!krate.name) return <p className="muted">This krate names no object.</p>;
  return <EventsTab url={objectApi(krate.cluster, krate.kind, krate.namespace, krate.name)} />;
}
