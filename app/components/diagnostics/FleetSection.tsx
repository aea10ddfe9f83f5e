'use client';

import { formatDuration } from '@/lib/ui/age';
import type { FleetKind, FleetView } from '@/lib/live/fleetView';
import { useFleet } from './useFleet';

/** A round trip or lag in ms: one decimal below 10 ms, whole above. */
function ms(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

/**
 * The fleet behind the portal, for admins: which replica answered, Redis and
 * its round trip, the live replicas, and per (cluster, kind) its owner, lease,
 * position, Redis stream and how far this replica's copy trails it.
 */
export function FleetSection() {
  const { data, error } = useFleet();
  return (
    <section className="fleet" aria-labelledby="fleet-heading" data-testid="fleet">
      <h3 id="fleet-heading">Fleet</h3>
      {data === undefined && !error ? <p className="muted small">Loading the fleet…</p> : null}
      {error ? (
        <p className="small err" role="status">
          Could not read the fleet: {error.message}
          {data?.kind === 'fleet' ? ' (showing the last answer)' : ''}
        </p>
      ) : null}
      {data?.kind === 'forbidden' ? (
        <p className="muted small" data-testid="fleet-forbidden">
          The fleet&apos;s details are for admins only (members of the groups in CROWSNEST_ADMIN_GROUPS).
        </p>
      ) : null}
      {data?.kind === 'single' ? (
        <p className="muted small" data-testid="fleet-single">
          Single replica (no REDIS_URL): this process runs every informer and keeps the history itself.
        </p>
      ) : null}
      {data?.kind === 'fleet' ? <FleetDetails fleet={data.fleet} /> : null}
    </section>
  );
}

function FleetDetails({ fleet }: { fleet: FleetView }) {
  const owned = new Map<string, number>();
  for (const k of fleet.kinds) if (k.owner) owned.set(k.owner, (owned.get(k.owner) ?? 0) + 1);
  const up = fleet.redis.state === 'up';
  return (
    <>
      <dl className="facts">
        <dt>Answered by</dt>
        <dd className="mono" data-testid="fleet-replica">
          {fleet.replica}
        </dd>
        <dt>Redis</dt>
        <dd data-testid="fleet-redis">
          <span className={`freshness ${up ? 'tone-ok' : 'tone-warning'}`}>
            <span className="freshness-dot" aria-hidden="true" />
            {up ? 'up' : 'degraded'}
          </span>{' '}
          {up ? (
            <span className="small">{fleet.redis.roundTripMs !== null ? `round trip ${ms(fleet.redis.roundTripMs)}` : ''}</span>
          ) : (
            <span className="small">redis unavailable: {fleet.redis.reason}; this replica serves from its own informers</span>
          )}
          <span className="muted small"> · since {formatDuration(fleet.now - Date.parse(fleet.redis.since))} ago</span>
        </dd>
        <dt>Replicas ({fleet.replicas.length})</dt>
        <dd>
          <ul className="fleet-replicas" aria-label="Live replicas">
            {fleet.replicas.map((id) => (
              <li key={id} data-replica={id}>
                <span className="mono">{id}</span>
                {id === fleet.replica ? <span className="tag">answered</span> : null}
                <span className="muted small">
                  {' '}
                  owns {owned.get(id) ?? 0}
                </span>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {fleet.kinds.length === 0 ? (
        <p className="muted small">This replica serves no kinds yet.</p>
      ) : (
        <table className="diag-table fleet-table">
          <caption className="muted small">Kinds this replica serves; lag is of its own copy behind the Redis stream</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Owner</th>
              <th scope="col">Lease</th>
              <th scope="col">Position</th>
              <th scope="col">Redis stream</th>
              <th scope="col">Lag here</th>
            </tr>
          </thead>
          <tbody>
            {fleet.kinds.map((k) => (
              <FleetRow key={k.topic} k={k} now={fleet.now} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function FleetRow({ k, now }: { k: FleetKind; now: number }) {
  const lagging = (k.lagDeltas ?? 0) > 0;
  return (
    <tr data-topic={k.topic}>
      <th scope="row">
        {k.kind}
        <div className="muted small">{k.cluster}</div>
      </th>
      <td data-testid="fleet-owner">
        {k.owner ? <span className="mono">{k.owner}</span> : <span className="err">no owner</span>}
        {k.ownedHere ? <span className="tag">this replica</span> : null}
      </td>
      <td>
        {k.leaseAgeSeconds !== undefined ? `held ${formatDuration(k.leaseAgeSeconds * 1000)}` : '—'}
        {k.leaseExpiresInSeconds !== undefined ? <div className="muted small">expires in {formatDuration(k.leaseExpiresInSeconds * 1000)} unless renewed</div> : null}
        {k.fence ? <div className="muted small mono">fence {k.fence}</div> : null}
      </td>
      <td>
        <span className="mono">{k.position}</span>
        <div className="muted small">{k.rows} rows</div>
      </td>
      <td>
        {k.stream ? (
          <>
            {k.stream.length} entries
            <div className="muted small mono">
              {k.stream.first ?? '—'} … {k.stream.last ?? '—'}
            </div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        <span className={lagging ? 'fleet-lagging' : undefined}>{k.lagDeltas === null ? '—' : `${k.lagDeltas} deltas`}</span>
        {k.lastDelta ? (
          <div className="muted small">
            {ms(k.lastDelta.lagMs)} from the owner, {formatDuration(now - k.lastDelta.at)} ago
          </div>
        ) : (
          <div className="muted small">no delta yet</div>
        )}
      </td>
    </tr>
  );
}
