'use client';

import { useState } from 'react';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '@/lib/kinds/types';
import { useObjectAccess } from '../access/useObjectAccess';
import { DiffView } from '../editor/DiffView';
import { rebaseEdit } from '../editor/rebase';
import { useSchemaExtensions } from '../editor/useSchemaExtensions';
import { EditRefused, sendEdit, type FieldCause } from './mutate';
import { YamlEditor } from './YamlEditor';

/** What the portal accepts as one body (DESIGN: bodies ≤ 1 MiB); a larger draft is refused here, before it is sent. */
const MAX_EDIT_BYTES = 1024 * 1024;

type Outcome =
  | { type: 'refused'; status: number; message: string; causes: FieldCause[]; dryRun: boolean }
  | { type: 'accepted'; dryRun: true; warnings: string[] }
  | { type: 'applied'; from: string; to: string; warnings: string[] };

interface Review {
  live: string;
  liveVersion: string;
}

const toYaml = (object: unknown) => stringify(object, { lineWidth: 0 });

async function readLive(url: string): Promise<KubeObject> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new EditRefused(res.status, ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? `the server answered ${res.status}`, undefined, []);
  return (await res.json()) as KubeObject;
}

function sizeProblem(draft: string): string | null {
  const bytes = new TextEncoder().encode(draft).byteLength;
  return bytes > MAX_EDIT_BYTES ? `The edit is ${bytes.toLocaleString('en')} bytes: the portal accepts at most ${MAX_EDIT_BYTES.toLocaleString('en')} (1 MiB). Nothing was sent.` : null;
}

/**
 * The object as YAML: read-only with highlighting, or edited as the person.
 * Before applying: the changes against the live object and Kubernetes' dry
 * run (its field errors listed one by one); after: the new resourceVersion,
 * or Kubernetes' refusal verbatim, with a way forward on a conflict.
 */
export function YamlTab({ object, url, onSaved }: { object: KubeObject; url: string; onSaved: () => void }) {
  const access = useObjectAccess(url);
  const [editing, setEditing] = useState(false);
  const [opened, setOpened] = useState<KubeObject | null>(null);
  const [draft, setDraft] = useState('');
  /** Changes when the editor must load another text (reload, rebase). */
  const [loaded, setLoaded] = useState(0);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [busy, setBusy] = useState<'review' | 'apply' | 'reload' | null>(null);
  const text = toYaml(object);
  const isSecret = object.kind === 'Secret';
  const schemaUrl = url.replace(/^(\/api\/clusters\/[^/]+)\/([^/]+)\/.*$/, '$1/schemas/$2');
  const { extensions } = useSchemaExtensions(schemaUrl, editing);
  const edit = access('edit');
  const denied = edit && !edit.allowed ? edit.reason : null;

  const start = (from: KubeObject) => {
    setOpened(from);
    setDraft(toYaml(from));
    setLoaded((n) => n + 1);
    setReview(null);
  };

  const send = async (dryRun: boolean): Promise<boolean> => {
    const tooBig = sizeProblem(draft);
    if (tooBig) {
      setOutcome({ type: 'refused', status: 413, message: tooBig, causes: [], dryRun });
      return false;
    }
    try {
      const { object: answer, warnings } = await sendEdit(url, draft, { dryRun });
      if (dryRun) setOutcome({ type: 'accepted', dryRun: true, warnings });
      else setOutcome({ type: 'applied', from: opened?.metadata?.resourceVersion ?? '', to: answer.metadata?.resourceVersion ?? '', warnings });
      return true;
    } catch (err) {
      const refused = err instanceof EditRefused ? err : new EditRefused(0, String(err), undefined, []);
      setOutcome({ type: 'refused', status: refused.status, message: refused.message, causes: refused.causes, dryRun });
      return false;
    }
  };

  const reviewChanges = async () => {
    setBusy('review');
    try {
      const live = await readLive(url);
      setReview({ live: toYaml(live), liveVersion: live.metadata?.resourceVersion ?? '' });
      await send(true);
    } catch (err) {
      setOutcome({ type: 'refused', status: err instanceof EditRefused ? err.status : 0, message: (err as Error).message, causes: [], dryRun: true });
    } finally {
      setBusy(null);
    }
  };

  const apply = async () => {
    setBusy('apply');
    try {
      if (await send(false)) {
        setEditing(false);
        setReview(null);
        onSaved();
      }
    } finally {
      setBusy(null);
    }
  };

  /** After a conflict: the latest version, with the person's edit carried onto it (or discarded). */
  const reload = async (keepEdit: boolean) => {
    setBusy('reload');
    try {
      const latest = await readLive(url);
      if (!keepEdit || !opened) {
        start(latest);
        setOutcome(null);
        return;
      }
      let mine: unknown;
      try {
        mine = parse(draft);
      } catch (err) {
        setOutcome({ type: 'refused', status: 400, message: `Your edit is not valid YAML, so it cannot be carried over: ${(err as Error).message}`, causes: [], dryRun: true });
        return;
      }
      const rebased = rebaseEdit(opened, mine, latest);
      setOpened(latest);
      setDraft(toYaml(rebased));
      setLoaded((n) => n + 1);
      setReview(null);
      setOutcome(null);
    } catch (err) {
      setOutcome({ type: 'refused', status: err instanceof EditRefused ? err.status : 0, message: (err as Error).message, causes: [], dryRun: true });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="yaml-tab">
      <div className="tab-toolbar">
        {editing ? (
          <>
            <button type="button" disabled={busy !== null} onClick={() => void reviewChanges()}>
              {busy === 'review' ? 'Checking…' : 'Review changes'}
            </button>
            <button type="button" className="primary" disabled={busy !== null} onClick={() => void apply()}>
              {busy === 'apply' ? 'Applying…' : 'Apply'}
            </button>
            <button type="button" disabled={busy !== null} onClick={() => (setEditing(false), setOutcome(null), setReview(null))}>
              Cancel
            </button>
            <span className="muted small">Review shows your changes against the live object and Kubernetes&apos; dry run; nothing is stored until Apply.</span>
          </>
        ) : (
          <>
            <button
              type="button"
              onClick={() => (start(object), setOutcome(null), setEditing(true))}
              disabled={isSecret || Boolean(denied)}
              aria-describedby={denied ? 'edit-denied' : undefined}
              title={isSecret ? 'Secrets are shown redacted and cannot be edited here' : (denied ?? undefined)}
            >
              Edit
            </button>
            {denied ? (
              <span id="edit-denied" className="muted small denied-reason">
                You may not edit this: {denied}
              </span>
            ) : null}
          </>
        )}
      </div>
      {outcome ? <OutcomeView outcome={outcome} busy={busy !== null} onReload={(keep) => void reload(keep)} /> : null}
      {editing && review ? (
        <section className="yaml-review" aria-label="Changes against the live object">
          <h3 className="small">
            Changes against the live object <span className="muted">(resourceVersion {review.liveVersion})</span>
            {opened?.metadata?.resourceVersion && review.liveVersion !== opened.metadata.resourceVersion ? (
              <strong className="warn-text"> — it changed since you opened it (resourceVersion {opened.metadata.resourceVersion}): applying will be a conflict.</strong>
            ) : null}
          </h3>
          {review.live === draft ? <p className="muted">No changes.</p> : <DiffView live={review.live} draft={draft} />}
        </section>
      ) : null}
      {editing ? (
        <YamlEditor key={`edit-${loaded}`} text={draft} editable onChange={setDraft} label="Edit YAML" extensions={extensions} />
      ) : (
        <YamlEditor key={text} text={text} editable={false} label="YAML (read-only)" />
      )}
    </div>
  );
}

function OutcomeView({ outcome, busy, onReload }: { outcome: Outcome; busy: boolean; onReload: (keepEdit: boolean) => void }) {
  if (outcome.type !== 'refused') {
    return (
      <div className="edit-ok" role="status">
        {outcome.type === 'applied' ? (
          <strong>
            Applied. resourceVersion {outcome.from || '?'} → <span className="mono">{outcome.to}</span>
          </strong>
        ) : (
          <strong>Dry run passed: Kubernetes accepts this edit (nothing was stored).</strong>
        )}
        <Warnings warnings={outcome.warnings} />
      </div>
    );
  }
  const conflict = outcome.status === 409;
  return (
    <div className="kube-error" role="alert">
      {conflict ? (
        <div className="conflict">
          <strong>This object changed since you opened it. </strong>
          <button type="button" disabled={busy} onClick={() => onReload(true)}>
            Rebase my edit onto the latest
          </button>
          <button type="button" disabled={busy} onClick={() => onReload(false)}>
            Reload (discard my edit)
          </button>
        </div>
      ) : null}
      <div className="muted small">
        {outcome.dryRun ? 'Dry run refused' : 'Not applied'} — {outcome.status ? `Kubernetes answered ${outcome.status}` : 'the request failed'}:
      </div>
      <pre className="verbatim">{outcome.message}</pre>
      {outcome.causes.length > 0 ? (
        <ul className="field-causes" aria-label="Field errors">
          {outcome.causes.map((c, i) => (
            <li key={i}>
              {c.field ? <code className="mono">{c.field}</code> : null} {c.message}
              {c.reason ? <span className="muted small"> ({c.reason})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="edit-warnings" aria-label="Warnings from Kubernetes">
      {warnings.map((w, i) => (
        <li key={i}>Warning: {w}</li>
      ))}
    </ul>
  );
}
