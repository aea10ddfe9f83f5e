'use client';

import { useState, type FormEvent } from 'react';

/** A new team yard, changed by one of the person's groups (the portal refuses others). */
export function CreateYardForm({ groups, onCreate }: { groups: string[]; onCreate: (body: { id: string; title?: string; editGroups: string[] }) => Promise<void> }) {
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
