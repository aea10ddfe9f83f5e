'use client';

import { useState } from 'react';
import type { ObjectAction } from '@/lib/access';
import type { KubeObject } from '@/lib/kinds/types';
import { ConfirmDialog } from '../access/ConfirmDialog';
import { useObjectAccess } from '../access/useObjectAccess';
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

/**
 * The actions this kind allows, each as the signed-in person and only after a
 * confirm step. What Kubernetes says the person may not do is shown disabled
 * with its reason (the server still checks every request).
 */
export function ObjectActions({ kind, object, url, onDone, onDeleted }: { kind: string; object: KubeObject; url: string; onDone: () => void; onDeleted: () => void }) {
  const access = useObjectAccess(url);
  const [planned, setPlanned] = useState<Planned | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [replicas, setReplicas] = useState<string>(() => String((object.spec as { replicas?: number } | undefined)?.replicas ?? 1));
  const name = object.metadata?.name ?? '';
  // The object's own kind is the singular name Kubernetes uses ("Ingress", not the URL token "ingresses").
  const singular = object.kind ?? kind;
  const spec = (object.spec ?? {}) as { unschedulable?: boolean; suspend?: boolean };

  const plan = (p: Planned) => {
    setError(null);
    setPlanned(p);
  };
  const actions: Array<{ label: string; action: ObjectAction; planned: Planned }> = [];
  if (RESTARTABLE.has(kind)) actions.push({ label: 'Restart', action: 'restart', planned: { label: 'Restart', question: `Roll out a restart of ${name}? Its pods are replaced one by one.`, run: () => send(`${url}/restart`, 'POST', {}) } });
  if (kind === 'nodes')
    actions.push(
      spec.unschedulable
        ? { label: 'Uncordon', action: 'cordon', planned: { label: 'Uncordon', question: `Allow new pods to be scheduled on ${name}?`, run: () => send(`${url}/cordon`, 'POST', { unschedulable: false }) } }
        : { label: 'Cordon', action: 'cordon', planned: { label: 'Cordon', question: `Stop scheduling new pods on ${name}? Running pods stay.`, run: () => send(`${url}/cordon`, 'POST', { unschedulable: true }) } },
    );
  if (kind === 'cronjobs')
    actions.push(
      spec.suspend
        ? { label: 'Resume', action: 'suspend', planned: { label: 'Resume', question: `Resume ${name}? It will start jobs on its schedule again.`, run: () => send(`${url}/suspend`, 'POST', { suspend: false }) } }
        : { label: 'Suspend', action: 'suspend', planned: { label: 'Suspend', question: `Suspend ${name}? No new jobs start until resumed.`, run: () => send(`${url}/suspend`, 'POST', { suspend: true }) } },
    );
  actions.push({ label: 'Delete', action: 'delete', planned: { label: 'Delete', danger: true, question: `Delete ${singular} ${name}? This cannot be undone.`, run: () => send(url, 'DELETE'), after: 'deleted' } });

  const denied = (action: ObjectAction): string | null => {
    const answer = access(action);
    return answer && !answer.allowed ? answer.reason : null;
  };
  const refusals = [...(SCALABLE.has(kind) ? [{ label: 'Scale', action: 'scale' as const }] : []), ...actions]
    .map((a) => ({ label: a.label, action: a.action, reason: denied(a.action) }))
    .filter((r): r is { label: string; action: ObjectAction; reason: string } => r.reason !== null);
  const deniedProps = (action: ObjectAction) => {
    const reason = denied(action);
    return reason ? { disabled: true, title: reason, 'aria-describedby': `denied-${action}` } : {};
  };

  return (
    <div className="actions">
      {SCALABLE.has(kind) ? (
        <span className="scale">
          <label htmlFor="replicas">Replicas</label>
          <input id="replicas" type="number" min={0} value={replicas} onChange={(e) => setReplicas(e.target.value)} disabled={Boolean(denied('scale'))} />
          <button
            type="button"
            {...deniedProps('scale')}
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
        <button key={a.label} type="button" className={a.planned.danger ? 'danger' : undefined} {...deniedProps(a.action)} onClick={() => plan(a.planned)}>
          {a.label}
        </button>
      ))}
      {refusals.length > 0 ? (
        <ul className="denied-list" aria-label="Actions you may not take">
          {refusals.map((r) => (
            <li key={r.action} id={`denied-${r.action}`}>
              <strong>{r.label}</strong> not permitted: {r.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {error && !planned ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {planned ? (
        <ConfirmDialog
          question={planned.question}
          confirmLabel={planned.label}
          danger={planned.danger}
          error={error}
          busy={busy}
          onConfirm={async () => {
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
          onCancel={() => setPlanned(null)}
        />
      ) : null}
    </div>
  );
}
