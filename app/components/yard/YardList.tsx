'use client';

import { useState } from 'react';
import useSWR from 'swr';
import type { YardSummary } from '@/lib/yard/model';
import { CreateYardForm } from './CreateYardForm';
import { YardCard } from './YardCard';
import { changeYard, fetchYards, YARDS_URL, yardUrl } from './yardsApi';

/** The yards a person may open (their own first), and making, renaming and deleting team yards. */
export function YardList({ groups }: { groups: string[] }) {
  const { data: yards, error, mutate } = useSWR<YardSummary[]>(YARDS_URL, fetchYards, { revalidateOnFocus: true });
  const [failure, setFailure] = useState<string | null>(null);
  const act = async (change: () => Promise<unknown>) => {
    try {
      await change();
      setFailure(null);
    } catch (err) {
      setFailure((err as Error).message);
    } finally {
      await mutate();
    }
  };

  return (
    <section className="yards" aria-labelledby="yards-title">
      <div className="page-head">
        <div className="page-title">
          <h1 id="yards-title">Yards</h1>
        </div>
      </div>
      <p className="muted">Shared canvases of live windows: what your team is watching, laid out together. Each person&apos;s content is read as themselves.</p>
      {failure ? (
        <p className="form-error" role="alert">
          {failure}
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          Could not list your yards: {(error as Error).message}
        </p>
      ) : !yards ? (
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      ) : (
        <ul className="yard-cards" aria-label="Your yards">
          {yards.map((y) => (
            <YardCard key={y.id} yard={y} onRename={(title) => act(() => changeYard(yardUrl(y.id), 'PATCH', { title }))} onDelete={() => act(() => changeYard(yardUrl(y.id), 'DELETE'))} />
          ))}
        </ul>
      )}
      <CreateYardForm groups={groups} onCreate={(body) => act(() => changeYard(YARDS_URL, 'POST', body))} />
    </section>
  );
}

