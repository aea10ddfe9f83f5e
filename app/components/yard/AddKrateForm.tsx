'use client';

import { useState, type FormEvent } from 'react';
import { KRATE_TYPES, krateSchema, type KrateType } from '@/lib/yard/model';
import { useClusters } from '../useClusters';
import { useKinds } from '../useKinds';
import type { KrateTarget } from './krates';

const NEEDS_NAME: Record<KrateType, boolean> = { object: true, logs: true, shell: true, yaml: true, events: true, list: false };

/** Adds a krate by hand: what it shows (type), and the object or list it points at. */
export function AddKrateForm({ onAdd, onCancel }: { onAdd: (target: KrateTarget) => void; onCancel: () => void }) {
  const { data: clusters } = useClusters();
  const [type, setType] = useState<KrateType>('object');
  const [cluster, setCluster] = useState('');
  const chosenCluster = cluster || clusters?.[0]?.name || '';
  const { data: kinds } = useKinds(chosenCluster);
  const podOnly = type === 'logs' || type === 'shell';
  const [kind, setKind] = useState('pods');
  const [namespace, setNamespace] = useState('');
  const [name, setName] = useState('');
  const [container, setContainer] = useState('');
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const target: KrateTarget = {
      type,
      cluster: chosenCluster,
      kind: podOnly ? 'pods' : kind,
      namespace: namespace.trim() || undefined,
      name: NEEDS_NAME[type] ? name.trim() || undefined : undefined,
      container: podOnly ? container.trim() || undefined : undefined,
      filter: type === 'list' ? filter.trim() || undefined : undefined,
    };
    if (NEEDS_NAME[type] && !target.name) return setError(`A ${type} krate needs the name of an object.`);
    // The portal checks every change the same way; saying so here spares a refused change.
    const checked = krateSchema.safeParse({ ...target, x: 0, y: 0, w: 100, h: 100, z: 0 });
    if (!checked.success) return setError(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    setError(null);
    onAdd(target);
  };

  return (
    <form className="add-krate" onSubmit={submit} aria-label="Add a krate">
      <label>
        Shows
        <select value={type} onChange={(e) => setType(e.target.value as KrateType)}>
          {KRATE_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Cluster
        <select value={chosenCluster} onChange={(e) => setCluster(e.target.value)}>
          {(clusters ?? []).map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {podOnly ? null : (
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            {(kinds ?? [{ token: 'pods', title: 'Pods' }]).map((k) => (
              <option key={k.token} value={k.token}>
                {k.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Namespace
        <input value={namespace} onChange={(e) => setNamespace(e.target.value)} placeholder={type === 'list' ? 'all' : 'e.g. team-a'} />
      </label>
      {NEEDS_NAME[type] ? (
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
      ) : (
        <label>
          Filter
          <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="app=web or part of a name" />
        </label>
      )}
      {podOnly ? (
        <label>
          Container
          <input value={container} onChange={(e) => setContainer(e.target.value)} placeholder="all" />
        </label>
      ) : null}
      <div className="add-krate-actions">
        <button type="submit" className="primary">
          Add
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error ? (
        <p role="alert" className="form-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}
