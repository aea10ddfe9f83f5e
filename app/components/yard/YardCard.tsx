'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { YardSummary } from '@/lib/yard/model';

function yardPath(id: string): string {
  return `/yards/${encodeURIComponent(id)}`;
}

/** One yard in the list: open it; rename or delete it (with a confirmation) when the person may change it. */
export function YardCard({ yard, onRename, onDelete }: { yard: YardSummary; onRename: (title: string) => Promise<void>; onDelete: () => Promise<void> }) {
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
