'use client';

import { useState } from 'react';
import { stringify } from 'yaml';
import type { KubeObject } from '@/lib/kinds/types';
import { ApiError } from '../live/snapshots';
import { send } from './mutate';
import { YamlEditor } from './YamlEditor';

/** The object as YAML: read-only with highlighting, or edited and applied as the person (Kubernetes' refusal shown verbatim). */
export function YamlTab({ object, url, onSaved }: { object: KubeObject; url: string; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const text = stringify(object, { lineWidth: 0 });
  const isSecret = object.kind === 'Secret';

  return (
    <div className="yaml-tab">
      <div className="tab-toolbar">
        {editing ? (
          <>
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await send(url, 'PUT', draft, 'application/yaml');
                  setEditing(false);
                  setError(null);
                  onSaved();
                } catch (err) {
                  setError(err instanceof ApiError ? { status: err.status, message: err.message } : { status: 0, message: String(err) });
                } finally {
                  setBusy(false);
                }
              }}
            >
              {busy ? 'Applying…' : 'Apply'}
            </button>
            <button type="button" onClick={() => (setEditing(false), setError(null))}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => (setDraft(text), setEditing(true))} disabled={isSecret} title={isSecret ? 'Secrets are shown redacted and cannot be edited here' : undefined}>
            Edit
          </button>
        )}
      </div>
      {error ? (
        <div className="kube-error" role="alert">
          {error.status === 409 ? <strong>This object changed since you opened it. Reload to get the latest version, then apply your edit again. </strong> : null}
          <div className="muted small">Kubernetes answered {error.status || 'with an error'}:</div>
          <pre className="verbatim">{error.message}</pre>
        </div>
      ) : null}
      <YamlEditor key={editing ? 'edit' : text} text={editing ? draft || text : text} editable={editing} onChange={setDraft} label={editing ? 'Edit YAML' : 'YAML (read-only)'} />
    </div>
  );
}
