'use client';

import { useState } from 'react';
import type { KubeObject } from '@/lib/kinds/types';
import { send } from './mutate';

interface Planned {
  label: string;
  question: string;
  danger?: boolean;
  run: () => Promise<unknown>;
  after?: 'deleted';
}

const SCALABLE = new Set(['deployments', 'statefulsets', 'replicasets']);
const RESTARTABLE = new Set(['deployments', 'statefulsets', 'daemonsets']);

/** The actions this kind allows, each as the signed-in person and only after a confirm step. */
export function ObjectActions({ kind, object, url, onDone, onDeleted }: { kind: string; object: KubeObject; url: string; onDone: () => void; onDeleted: () => void }) {
  const [planned, setPlanned] = useState<Planned | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [replicas, setReplicas] = useState<string>(() => String((object.spec as { replicas?: number } | undefined)?.replicas ?? 1));
  const name = object.metadata?.name ?? '';
  const spec = (object.spec ?? {}) as { unschedulable?: boolean; suspend?: boolean };

  const plan = (p: Planned) => {
    setError(null);
    setPlanned(p);
  };
  const actions: Array<{ label: string; planned: Planned }> = [];
  if (RESTARTABLE.has(kind)) actions.push({ label: 'Restart', planned: { label: 'Restart', question: `Roll out a restart of ${name}? Its pods are replaced one by one.`, run: () => send(`${url}/restart`, 'POST', {}) } });
  if (kind === 'nodes')
    actions.push(
      spec.unschedulable
        ? { label: 'Uncordon', planned: { label: 'Uncordon', question: `Allow new pods to be scheduled on ${name}?`, run: () => send(`${url}/cordon`, 'POST', { unschedulable: false }) } }
        : { label: 'Cordon', planned: { label: 'Cordon', question: `Stop scheduling new pods on ${name}? Running pods stay.`, run: () => send(`${url}/cordon`, 'POST', { unschedulable: true }) } },
    );
  if (kind === 'cronjobs')
    actions.push(
      spec.suspend
        ? { label: 'Resume', planned: { label: 'Resume', question: `Resume ${name}? It will start jobs on its schedule again.`, run: () => send(`${url}/suspend`, 'POST', { suspend: false }) } }
        : { label: 'Suspend', planned: { label: 'Suspend', question: `Suspend ${name}? No new jobs start until resumed.`, run: () => send(`${url}/suspend`, 'POST', { suspend: true }) } },
    );
  actions.push({ label: 'Delete', planned: { label: 'Delete', danger: true, question: `Delete ${kind.replace(/s$/, '')} ${name}? This cannot be undone.`, run: () => send(url, 'DELETE'), after: 'deleted' } });

  return (
    <div className="actions">
      {SCALABLE.has(kind) ? (
        <span className="scale">
          <label htmlFor="replicas">Replicas</label>
          <input id="replicas" type="number" min={0} value={replicas} onChange={(e) => setReplicas(e.target.value)} />
          <button
            type="button"
            onClick={() => {
              const n = Number(replicas);
              if (!Number.isInteger(n) || n < 0) return setError('Replicas must be a whole number, 0 or more.');
              plan({ label: 'Scale', question: `Scale ${name} to ${n} replica${n === 1 ? '' : 's'}?`, run: () => send(`${url}/scale`, 'POST', { replicas: n }) });
            }}
          >
            Scale
          </button>
        </span>
      ) : null}
      {actions.map((a) => (
        <button key={a.label} type="button" className={a.planned.danger ? 'danger' : undefined} onClick={() => plan(a.planned)}>
          {a.label}
        </button>
      ))}
      {error && !planned ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {planned ? (
        <div className="overlay">
          <div className="confirm" role="alertdialog" aria-modal="true" aria-labelledby="confirm-q">
            <p id="confirm-q">{planned.question}</p>
            {error ? (
              <pre className="verbatim" role="alert">
                {error}
              </pre>
            ) : null}
            <div className="confirm-buttons">
              <button type="button" autoFocus onClick={() => setPlanned(null)} disabled={busy}>
                Cancel
              </button>
              <button
                type="button"
                className={planned.danger ? 'danger solid' : 'primary'}
                disabled={busy}
                onClick={async () => {
                  setBusy(true);
                  try {
                    await planned.run();
                    setPlanned(null);
                    if (planned.after === 'deleted') onDeleted();
                    else onDone();
                  } catch (err) {
                    setError((err as Error).message);
                  } finally {
                    setBusy(false);
                  }
                }}
              >
                {busy ? 'Working…' : `${planned.label}`}
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  );
}
