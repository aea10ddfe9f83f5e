'use client';

import { useState } from 'react';
import useSWR from 'swr';
import { formatAge } from '@/lib/ui/age';
import { ConfirmDialog } from '../access/ConfirmDialog';
import { useObjectAccess } from '../access/useObjectAccess';
import { readError } from '../live/snapshots';
import { useNow } from '../live/useNow';
import { send } from './mutate';

interface Revision {
  revision: number;
  source: { kind: string; name: string };
  createdAt?: string;
  images: string[];
  changeCause?: string;
  current: boolean;
  replicas?: number;
}

async function fetchHistory(url: string): Promise<Revision[]> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await readError(res);
  return ((await res.json()) as { revisions: Revision[] }).revisions;
}

/**
 * A workload's rollout history (revisions and their images, newest first) and a
 * rollback to any of them, as the person, after a confirm step. Read again
 * whenever the workload's resourceVersion moves. Where Kubernetes says the
 * person may not patch the workload, the rollback buttons are disabled with its
 * reason (the server still checks every request).
 */
export function RolloutHistory({ url, name, version, onDone }: { url: string; name: string; version?: string; onDone: () => void }) {
  const now = useNow();
  const access = useObjectAccess(url)('rollback');
  const refused = access && !access.allowed ? access.reason : null;
  const { data, error, mutate } = useSWR<Revision[]>([`${url}/history`, version], ([u]: [string]) => fetchHistory(u), { revalidateOnFocus: false, keepPreviousData: true });
  const [planned, setPlanned] = useState<Revision | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const roll = async () => {
    if (!planned) return;
    setBusy(true);
    try {
      const answer = (await send(`${url}/rollback`, 'POST', { revision: planned.revision })) as { message?: string } | null;
      setDone(answer?.message ?? `rolled back to revision ${planned.revision}`);
      setPlanned(null);
      void mutate();
      onDone();
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="history-title" data-testid="rollout-history">
      <h3 id="history-title">Rollout history</h3>
      {done ? (
        <p role="status" className="small">
          {done}
        </p>
      ) : null}
      {error ? (
        <p role="alert">Could not read the history: {(error as Error).message}</p>
      ) : !data ? (
        <p className="muted">Loading history…</p>
      ) : data.length === 0 ? (
        <p className="muted">No revisions recorded yet.</p>
      ) : (
        <table className="simple-table">
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">Images</th>
              <th scope="col">Created</th>
              <th scope="col">From</th>
              <th scope="col">Change cause</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.map((r) => (
              <tr key={r.revision} data-revision={r.revision}>
                <td>
                  {r.revision} {r.current ? <span className="status tone-ok">current</span> : null}
                </td>
                <td className="mono small wrap">{r.images.join(', ')}</td>
                <td title={r.createdAt}>{r.createdAt ? `${formatAge(r.createdAt, now)} ago` : '—'}</td>
                <td className="mono small">
                  {r.source.name}
                  {r.replicas !== undefined ? <span className="muted"> · {r.replicas} pods</span> : null}
                </td>
                <td className="wrap small">{r.changeCause ?? ''}</td>
                <td>
                  {r.current ? null : (
                    <button
                      type="button"
                      className="small-button"
                      {...(refused ? { disabled: true, title: refused, 'aria-describedby': 'denied-rollback' } : {})}
                      onClick={() => {
                        setProblem(null);
                        setDone(null);
                        setPlanned(r);
                      }}
                    >
                      Roll back to {r.revision}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {refused && data?.some((r) => !r.current) ? (
        <p className="denied-note" id="denied-rollback">
          <strong>Roll back</strong> not permitted: {refused}
        </p>
      ) : null}
      {planned ? (
        <ConfirmDialog
          question={`Roll ${name} back to revision ${planned.revision} (${planned.images.join(', ')})? Its pods are replaced with that template.`}
          confirmLabel="Roll back"
          error={problem}
          busy={busy}
          onConfirm={() => void roll()}
          onCancel={() => setPlanned(null)}
        />
      ) : null}
    </section>
  );
}
