'use client';

import useSWR from 'swr';
import type { KubeObject } from '@/lib/kinds/types';
import { formatAge } from '@/lib/ui/age';
import { eventsByLastSeen } from '@/lib/ui/eventOrder';
import { readError } from '../live/snapshots';
import { useNow } from '../live/useNow';

async function fetchEvents(url: string): Promise<KubeObject[]> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw await readError(res);
  return ((await res.json()) as { items: KubeObject[] }).items;
}

/** The object's events, last seen first, with their whole messages and counts; refreshed while the tab is open. */
export function EventsTab({ url }: { url: string }) {
  const { data, error } = useSWR(url + '/events', fetchEvents, { refreshInterval: 5000 });
  const now = useNow();
  if (error) return <p role="alert">Could not load events: {(error as Error).message}</p>;
  if (!data) return <p className="muted">Loading events…</p>;
  if (data.length === 0) return <p className="muted">No events for this object.</p>;
  const sorted = eventsByLastSeen(data);
  return (
    <table className="simple-table events-table" data-testid="events">
      <thead>
        <tr>
          <th scope="col">Last seen</th>
          <th scope="col">Type</th>
          <th scope="col">Reason</th>
          <th scope="col">Message</th>
          <th scope="col">Count</th>
          <th scope="col">First seen</th>
          <th scope="col">Source</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((e) => (
          <tr key={e.uid} data-reason={e.reason}>
            <td title={e.lastSeen}>{e.lastSeen ? formatAge(e.lastSeen, now) : '—'}</td>
            <td>
              <span className={`status tone-${e.type === 'Warning' ? 'warning' : 'neutral'}`}>{e.type}</span>
            </td>
            <td>{e.reason}</td>
            <td className="wrap event-message">{e.message}</td>
            <td className={e.count > 1 ? 'strong' : undefined}>{e.count}</td>
            <td title={e.firstSeen}>{e.firstSeen ? formatAge(e.firstSeen, now) : '—'}</td>
            <td className="small muted">{e.source}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
