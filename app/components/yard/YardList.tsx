'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import useSWR from 'swr';
import type { YardSummary } from '@/lib/yard/model';
import { changeYard, fetchYards, YARDS_URL, yardUrl } from './yardsApi';

function yardPath(id: string): string {
  return `/yards/${encodeURIComponent(id)}`;
}

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

function YardCard({ yard, onRename, onDelete }: { yard: YardSummary; onRename: (title: string) => Promise<void>; onDelete: () => Promise<void> }) {
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(yard.title);
  const [confirming, setConfirming] = useState(false);
  const cannotChange = yard.access !== 'edit' ? 'You may look at this yard but not change it' : undefined;
  return (
    <li className="yard-card" data-yard={yard.id}>
      <div className="yard-card-head">
        <Link href={yardPath(yard.id)} className="yard-card-title">
          {yard.title}
        </Link>
        <span className={`status tone-${yard.access === 'edit' ? 'ok' : 'neutral'}`}>{yard.personal ? 'yours' : yard.access === 'edit' ? 'can edit' : 'view only'}</span>
      </div>
      <p className="muted small">
        {yard.personal ? 'Only you can open it.' : `Edited by ${yard.editGroups.join(', ')}${yard.viewGroups.length ? `; seen by ${yard.viewGroups.join(', ')}` : ''}.`}
      </p>
      {renaming ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void onRename(title).then(() => setRenaming(false));
          }}
        >
          <label>
            <span className="visually-hidden">New title for {yard.title}</span>
            <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={100} required autoFocus />
          </label>
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={() => (setRenaming(false), setTitle(yard.title))}>
            Cancel
          </button>
        </form>
      ) : confirming ? (
        <div className="inline-form" role="alertdialog" aria-label={`Delete ${yard.title}?`}>
          <span>Delete “{yard.title}” and its layout for everyone?</span>
          <button type="button" className="danger" autoFocus onClick={() => void onDelete().then(() => setConfirming(false))}>
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="yard-card-actions">
          <Link className="button-link" href={yardPath(yard.id)}>
            Open
          </Link>
          {yard.personal ? null : (
            <>
              <button type="button" onClick={() => setRenaming(true)} disabled={Boolean(cannotChange)} title={cannotChange}>
                Rename
              </button>
              <button type="button" onClick={() => setConfirming(true)} disabled={Boolean(cannotChange)} title={cannotChange}>
                Delete…
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

function CreateYardForm({ groups, onCreate }: { groups: string[]; onCreate: (body: { id: string; title?: string; editGroups: string[] }) => Promise<void> }) {
  const [id, setId] = useState('');
  const [title, setTitle] = useState('');
  const [group, setGroup] = useState(groups[0] ?? '');
  if (groups.length === 0) return <p className="muted">You are in no group, so you cannot make a team yard; your own yard is above.</p>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onCreate({ id: id.trim(), title: title.trim() || undefined, editGroups: [group] }).then(() => (setId(''), setTitle('')));
  };
  return (
    <form className="create-yard" onSubmit={submit} aria-labelledby="create-yard-title">
      <h2 id="create-yard-title">New team yard</h2>
      <label>
        Id
        <input value={id} onChange={(e) => setId(e.target.value)} pattern="[A-Za-z0-9_-]+" title="letters, digits, - and _" placeholder="incident-42" required />
      </label>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={100} placeholder="Checkout latency, 1 Dec" />
      </label>
      <label>
        Edited by
        <select value={group} onChange={(e) => setGroup(e.target.value)}>
          {groups.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary">
        Create
      </button>
    </form>
  );
}
