'use client';

import useSWR from 'swr';
import type { KubeObject } from '@/lib/kinds/types';
import { formatAge } from '@/lib/ui/age';
import { readError } from '../live/snapshots';
import { useNow } from '../live/useNow';

async function fetchEvents(url: string): Promise<KubeObject[]> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw await readError(res);
  return ((await res.json()) as { items: KubeObject[] }).items;
}

function s(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** The object's events, newest first, refreshed while the tab is open. */
export function EventsTab({ url }: { url: string }) {
  const { data, error } = useSWR(url + '/events', fetchEvents, { refreshInterval: 5000 });
  const now = useNow();
  if (error) return <p role="alert">Could not load events: {(error as Error).message}</p>;
  if (!data) return <p className="muted">Loading events…</p>;
  if (data.length === 0) return <p className="muted">No events for this object.</p>;
  const last = (e: KubeObject) => s(e.lastTimestamp) || s(e.eventTime) || s(e.metadata?.creationTimestamp);
  const sorted = [...data].sort((a, b) => last(b).localeCompare(last(a)));
  return (
    <table className="simple-table">
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Reason</th>
          <th scope="col">Message</th>
          <th scope="col">Count</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((e) => (
          <tr key={e.metadata?.uid ?? e.metadata?.name}>
            <td>
              <span className={`status tone-${e.type === 'Warning' ? 'warning' : 'neutral'}`}>{s(e.type)}</span>
            </td>
            <td>{s(e.reason)}</td>
            <td className="wrap">{s(e.message)}</td>
            <td>{s(e.count) || '1'}</td>
            <td>{formatAge(last(e), now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
