import { ApiError } from '../live/snapshots';

/** Why a krate shows nothing, as Kubernetes (or the portal) said it: "forbidden" with the reason for a 403. */
export function KrateError({ error, what }: { error: unknown; what: string }) {
  const status = error instanceof ApiError ? error.status : 0;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="krate-error" role="alert" data-status={status || undefined}>
      <strong>{status === 403 ? 'Forbidden' : status === 404 ? 'Not found' : `Could not read ${what}`}</strong>
      {status ? <span className="muted small"> (Kubernetes answered {status})</span> : null}
      <p className="verbatim">{message}</p>
    </div>
  );
}
