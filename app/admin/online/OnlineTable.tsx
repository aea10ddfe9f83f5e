'use client';

import useSWR from 'swr';
import type { OnlineRow } from '@/lib/presence';

async function fetchOnline(url: string): Promise<OnlineRow[]> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = (await res.json()) as OnlineRow[] | { error: { message: string } };
  if (!res.ok) throw new Error('error' in body ? body.error.message : `HTTP ${res.status}`);
  return body as OnlineRow[];
}

/** Everyone online across the fleet: person, page, replica, tabs; refreshed every 5 s. */
export function OnlineTable() {
  const { data, error } = useSWR('/api/presence', fetchOnline, { refreshInterval: 5000 });
  if (error) return <p role="alert" className="err">{(error as Error).message}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const people = new Set(data.map((r) => r.name)).size;
  return (
    <>
      <p>
        {people} {people === 1 ? 'person' : 'people'} online, {data.reduce((n, r) => n + r.tabs, 0)} tabs.
      </p>
      <table className="diag-table" data-testid="online">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Page</th>
            <th scope="col">Replica</th>
            <th scope="col">Tabs</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={`${r.name} ${r.path} ${r.replica}`}>
              <th scope="row">{r.name}</th>
              <td className="mono">
                <a href={r.path}>{r.path}</a>
              </td>
              <td className="mono">{r.replica}</td>
              <td>{r.tabs}</td>
              <td>{new Date(r.since).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
