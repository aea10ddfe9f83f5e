'use client';

import { formatDuration } from '@/lib/ui/age';
import type { FleetFollower, FleetKind, FleetView } from '@/lib/live/fleetView';
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
          {data?.kind === 'fleet' ? ` (below: the last answer, from ${new Date(data.fleet.now).toLocaleTimeString()})` : ''}
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
      {data?.kind === 'fleet' ? (
        <div className={error ? 'fleet-stale' : undefined}>
          <FleetDetails fleet={data.fleet} />
        </div>
      ) : null}
    </section>
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function FleetDetails({ fleet }: { fleet: FleetView }) {
  const owned = new Map<string, number>();
  for (const k of fleet.kinds) if (k.owner) owned.set(k.owner, (owned.get(k.owner) ?? 0) + 1);
  const up = fleet.redis.state === 'up';
  const clusters = new Set(fleet.kinds.map((k) => k.cluster));
  const ownerless = fleet.kinds.filter((k) => !k.owner).length;
  const lagging = fleet.kinds.filter((k) => k.followers.some((f) => (f.lagDeltas ?? 0) > 0)).length;
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
                <span className="muted small"> owns {plural(owned.get(id) ?? 0, 'kind', 'kinds')} below</span>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {fleet.kinds.length === 0 ? (
        <p className="muted small">This replica serves no kinds yet.</p>
      ) : (
        <table className="diag-table fleet-table">
          <caption className="muted small">
            {plural(fleet.kinds.length, 'kind', 'kinds')} this replica serves · {owned.get(fleet.replica) ?? 0} owned by it
            {ownerless ? ` · ${ownerless} without an owner` : ''}
            {lagging ? ` · ${lagging} with a follower behind the stream` : ''} · followers&apos; lag: deltas behind the stream now, and the last delta&apos;s delay after the owner (* the answering replica)
          </caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Owner</th>
              <th scope="col">Lease</th>
              <th scope="col">Position</th>
              <th scope="col">Redis stream</th>
              <th scope="col">Followers&apos; lag</th>
            </tr>
          </thead>
          <tbody>
            {fleet.kinds.map((k) => (
              <FleetRow key={k.topic} k={k} now={fleet.now} showCluster={clusters.size > 1} answeredBy={fleet.replica} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function FleetRow({ k, now, showCluster, answeredBy }: { k: FleetKind; now: number; showCluster: boolean; answeredBy: string }) {
  return (
    <tr data-topic={k.topic}>
      <th scope="row">
        {k.kind}
        {showCluster ? <div className="muted small">{k.cluster}</div> : null}
      </th>
      <td data-testid="fleet-owner">
        {k.owner ? <span className="mono">{k.owner}</span> : <span className="err">no owner</span>}
        {k.ownedHere ? (
          <div>
            <span className="tag">this replica</span>
          </div>
        ) : null}
      </td>
      <td>
        {k.leaseAgeSeconds !== undefined ? `held ${formatDuration(k.leaseAgeSeconds * 1000)}` : '—'}
        {k.leaseExpiresInSeconds !== undefined ? <div className="muted small">expires in {formatDuration(k.leaseExpiresInSeconds * 1000)}</div> : null}
        {k.fence ? <div className="muted small mono" title="fencing token: owners so far, and a nonce">fence {k.fence}</div> : null}
      </td>
      <td>
        <span className="mono">{k.position}</span>
        <div className="muted small">{plural(k.rows, 'row', 'rows')}</div>
      </td>
      <td>
        {k.stream ? (
          <>
            {plural(k.stream.length, 'entry', 'entries')}
            <div className="muted small mono" title="first id (the trim point) … last id">
              {k.stream.first ?? '—'} … {k.stream.last ?? '—'}
            </div>
          </>
        ) : (
          '—'
        )}
      </td>
      <td>
        <ul className="fleet-followers" aria-label={`Followers of ${k.kind}`}>
          {k.followers.map((f) => (
            <FollowerLag key={f.replica} f={f} now={now} here={f.replica === answeredBy} />
          ))}
        </ul>
      </td>
    </tr>
  );
}

/** How far one replica's copy trails the stream: in deltas now, and the last delta's delay after the owner. */
function FollowerLag({ f, now, here }: { f: FleetFollower; now: number; here: boolean }) {
  const lagging = (f.lagDeltas ?? 0) > 0;
  return (
    <li data-follower={f.replica}>
      <span className="mono muted small" title={here ? 'the replica that answered' : undefined}>
        {f.replica}
        {here ? ' *' : ''}
      </span>
      <div>
        <span className={lagging ? 'fleet-lagging' : undefined}>{f.lagDeltas === null ? '—' : plural(f.lagDeltas, 'delta', 'deltas')}</span>
        {f.lastDelta ? <span className="muted small">{` · last ${ms(f.lastDelta.lagMs)}, ${formatDuration(now - f.lastDelta.at)} ago`}</span> : null}
      </div>
    </li>
  );
}
