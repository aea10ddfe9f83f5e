'use client';

import { useEffect } from 'react';
import { formatDuration } from '@/lib/ui/age';
import { streamManager } from '../live/streamManager';
import { useNow } from '../live/useNow';
import { useKinds } from '../useKinds';
import { FleetSection } from './FleetSection';

/** For each kind on screen: how it is fed, where its stream is, how it resumed, what failed; the server's view of the kind; and the fleet behind it. */
export function DiagnosticsDrawer({ cluster, onClose }: { cluster: string; onClose: () => void }) {
  const now = useNow(); // re-reads the manager every second
  const d = streamManager().diagnostics();
  const { data: kinds } = useKinds(cluster);
  const serverState = new Map((kinds ?? []).map((k) => [k.token, k]));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const stale = streamManager().isStale(now);
  return (
    <aside className="drawer" aria-label="Stream diagnostics" data-testid="diagnostics">
      <div className="drawer-head">
        <h2>Diagnostics</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close diagnostics">
          ✕
        </button>
      </div>
      <dl className="facts">
        <dt>Cluster</dt>
        <dd>{d.cluster}</dd>
        <dt>Namespaces</dt>
        <dd>{d.namespaces.length ? d.namespaces.join(', ') : 'all'}</dd>
        <dt>Last byte on the stream</dt>
        <dd>{d.lastActivityAt ? `${formatDuration(now - d.lastActivityAt)} ago${stale ? ' (stale)' : ''}` : 'no stream open'}</dd>
        <dt>Heartbeat</dt>
        <dd>{formatDuration(d.heartbeatMs)}</dd>
        <dt>Failed attempts in a row</dt>
        <dd>{d.failures}</dd>
      </dl>
      <table className="diag-table">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Client</th>
            <th scope="col">Last id</th>
            <th scope="col">Last event</th>
            <th scope="col">Resumes / snapshots</th>
            <th scope="col">Server</th>
          </tr>
        </thead>
        <tbody>
          {d.kinds.map((k) => {
            const s = serverState.get(k.kind);
            return (
              <tr key={k.kind} data-kind={k.kind}>
                <th scope="row">{k.kind}</th>
                <td>
                  {k.mode}
                  {k.pollIntervalMs && k.mode === 'polling' ? ` every ${formatDuration(k.pollIntervalMs)}` : ''}
                  {k.nextAttemptAt && k.nextAttemptAt > now ? <div className="muted small">stream retry in {formatDuration(k.nextAttemptAt - now)}</div> : null}
                  {k.reason ? <div className="muted small">{k.reason}</div> : null}
                  {k.errors.map((e) => (
                    <div key={`${e.namespace ?? ''}${e.code}`} className="small err">
                      {e.namespace ?? '(kind)'}: {e.code} {e.message}
                    </div>
                  ))}
                </td>
                <td className="mono">{k.position ?? '—'}</td>
                <td>{k.lastEventAt ? `${formatDuration(now - k.lastEventAt)} ago` : '—'}</td>
                <td>
                  {k.resumes} / {k.snapshots + k.snapshotFallbacks}
                  {k.snapshotFallbacks ? <span className="muted small"> ({k.snapshotFallbacks} fallback)</span> : null}
                </td>
                <td>
                  {s ? s.state : '—'}
                  {s?.reason ? <div className="muted small">{s.reason}</div> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FleetSection />
    </aside>
  );
}
