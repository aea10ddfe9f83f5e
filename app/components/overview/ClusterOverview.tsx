'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import type { Row } from '@/lib/kinds/types';
import { formatAge } from '@/lib/ui/age';
import { troubleDetail, troubleLabel } from '../live/clusterTrouble';
import { FreshnessBadge } from '../live/FreshnessBadge';
import { notPermitted } from '../live/notPermitted';
import { useClusterTrouble } from '../live/useLive';
import { useNow } from '../live/useNow';
import { useRows } from '../live/useRows';
import { useClusters } from '../useClusters';
import { detailPath, listPath } from '../urls';
import { useSelection } from '../useSelection';
import { ClusterUsage } from '../usage/ClusterUsage';

function values(rows: Map<string, Row> | undefined): Row[] {
  return rows ? [...rows.values()] : [];
}

/** A figure the person may not see: "not permitted", with Kubernetes' reason. */
function Refused({ what, reason }: { what: string; reason: string }) {
  return (
    <div className="card stat stat-refused" data-testid={`not-permitted-${what}`} title={reason}>
      <span className="stat-n">Not permitted</span>
      <span className="muted">to list {what}</span>
      <span className="muted small refusal-reason">{reason}</span>
    </div>
  );
}

/** The cluster at a glance, live: nodes and readiness, workloads that need attention, recent warnings. */
export function ClusterOverview() {
  const { cluster, namespaces } = useSelection();
  const now = useNow();
  const { data: clusters } = useClusters();
  const summary = clusters?.find((c) => c.name === cluster);
  const trouble = useClusterTrouble();
  const nodeResult = useRows(cluster, 'nodes', namespaces, { focused: false });
  const deploymentResult = useRows(cluster, 'deployments', namespaces, { focused: false });
  const podResult = useRows(cluster, 'pods', namespaces, { focused: false });
  const eventResult = useRows(cluster, 'events', namespaces, { focused: false });
  // What the person may not list at all: said so, with Kubernetes' reason, instead of a 0 or "healthy".
  const refused = {
    nodes: notPermitted(nodeResult.data, nodeResult.error),
    deployments: notPermitted(deploymentResult.data, deploymentResult.error),
    pods: notPermitted(podResult.data, podResult.error),
    events: notPermitted(eventResult.data, eventResult.error),
  };
  const nodes = refused.nodes ? undefined : nodeResult.data;
  const deployments = refused.deployments ? undefined : deploymentResult.data;
  const pods = refused.pods ? undefined : podResult.data;
  const events = refused.events ? undefined : eventResult.data;

  /* eslint-disable react-hooks/exhaustive-deps -- the versions mark changes of the shared Maps */
  const nodeRows = useMemo(() => values(nodes?.rows).sort((a, b) => a.name.localeCompare(b.name)), [nodes, nodes?.version]);
  const degraded = useMemo(
    () =>
      values(deployments?.rows).filter((d) => {
        const [ready, want] = String(d.cells.ready ?? '0/0').split('/').map(Number);
        return ready < want;
      }),
    [deployments, deployments?.version],
  );
  const crashing = useMemo(() => values(pods?.rows).filter((p) => /CrashLoopBackOff|Error|ImagePullBackOff|ErrImagePull/.test(String(p.cells.status ?? ''))), [pods, pods?.version]);
  const warnings = useMemo(
    () =>
      values(events?.rows)
        .filter((e) => e.cells.type === 'Warning')
        .sort((a, b) => String(b.cells.lastSeen ?? '').localeCompare(String(a.cells.lastSeen ?? '')))
        .slice(0, 12),
    [events, events?.version],
  );
  /* eslint-enable react-hooks/exhaustive-deps */

  // Unreachable before anything was loaded: nothing to show but why. With data on screen, it stays, marked stale.
  if (summary?.status === 'unreachable' && !nodes && !pods && !deployments) {
    return (
      <section className="overview">
        <h1>{cluster}</h1>
        <div className="empty" role="alert">
          <strong>This cluster cannot be reached.</strong> {summary.error ?? ''}
        </div>
      </section>
    );
  }

  return (
    <section className="overview" aria-labelledby="overview-title">
      <div className="page-head">
        <div className="page-title">
          <h1 id="overview-title">{cluster}</h1>
          <span className="muted">{summary?.version ?? ''}</span>
          <FreshnessBadge kind="pods" />
        </div>
      </div>
      {trouble ? (
        <div className="stale-banner" role="alert" data-testid="overview-stale">
          <strong>{troubleLabel(trouble)}.</strong> {troubleDetail(trouble)} The numbers below may be out of date.
        </div>
      ) : null}
      <div className={`cards${trouble ? ' stale' : ''}`} data-stale={trouble ? 'true' : undefined}>
        {refused.nodes ? (
          <Refused what="nodes" reason={refused.nodes} />
        ) : (
          <div className="card stat">
            <span className="stat-n">{nodes ? nodeRows.filter((n) => n.tone === 'ok').length : '–'}</span>
            <span className="muted">of {nodes?.size ?? '–'} nodes ready</span>
          </div>
        )}
        {refused.pods ? (
          <Refused what="pods" reason={refused.pods} />
        ) : (
          <div className="card stat">
            <span className="stat-n">{pods?.size ?? '–'}</span>
            <span className="muted">pods</span>
          </div>
        )}
        {refused.deployments ? (
          <Refused what="deployments" reason={refused.deployments} />
        ) : (
          <div className={`card stat${degraded.length ? ' stat-warn' : ''}`}>
            <span className="stat-n">{deployments ? degraded.length : '–'}</span>
            <span className="muted">deployments not fully available</span>
          </div>
        )}
        {refused.pods ? null : (
          <div className={`card stat${crashing.length ? ' stat-bad' : ''}`}>
            <span className="stat-n">{pods ? crashing.length : '–'}</span>
            <span className="muted">pods failing</span>
          </div>
        )}
      </div>
      <ClusterUsage cluster={cluster} nodes={nodeRows} />
      <div className="grid-2">
        <div className="card">
          <h2>
            <Link href={listPath(cluster, 'nodes', namespaces)}>Nodes</Link>
          </h2>
          {refused.nodes ? <p className="muted small">Not permitted: {refused.nodes}</p> : null}
          {nodes?.errors.length ? <p className="muted small">{nodes.errors[0].message}</p> : null}
          <ul className="plain-list">
            {nodeRows.slice(0, 20).map((n) => (
              <li key={n.uid}>
                <Link href={detailPath(cluster, 'nodes', undefined, n.name, namespaces)}>{n.name}</Link>
                <span className={`status tone-${n.tone ?? 'neutral'}`}>{String(n.cells.status ?? '')}</span>
              </li>
            ))}
          </ul>
        </div>
        <div className="card">
          <h2>Needs attention</h2>
          {refused.deployments || refused.pods ? (
            <p className="muted" data-testid="attention-not-permitted">
              Not known: you may not list {[refused.deployments ? 'deployments' : '', refused.pods ? 'pods' : ''].filter(Boolean).join(' or ')} here.
            </p>
          ) : degraded.length === 0 && crashing.length === 0 && deployments && pods ? (
            <p className="muted">{trouble ? 'Nothing known to need attention — but the data is stale.' : 'All workloads healthy.'}</p>
          ) : null}
          <ul className="plain-list">
            {degraded.slice(0, 10).map((d) => (
              <li key={d.uid}>
                <Link href={detailPath(cluster, 'deployments', d.namespace, d.name, namespaces)}>{d.name}</Link>
                <span className="muted">
                  {d.namespace} · {String(d.cells.ready)} ready
                </span>
              </li>
            ))}
            {crashing.slice(0, 10).map((p) => (
              <li key={p.uid}>
                <Link href={detailPath(cluster, 'pods', p.namespace, p.name, namespaces)}>{p.name}</Link>
                <span className={`status tone-${p.tone ?? 'error'}`}>{String(p.cells.status)}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div className="card">
        <h2>
          <Link href={listPath(cluster, 'events', namespaces)}>Recent warnings</Link>
        </h2>
        {refused.events ? <p className="muted">Not permitted: {refused.events}</p> : events && warnings.length === 0 ? <p className="muted">No warning events.</p> : null}
        <ul className="plain-list events-list">
          {warnings.map((e) => (
            <li key={e.uid}>
              <span className="status tone-warning">{String(e.cells.reason ?? '')}</span>
              <span className="mono small">{String(e.cells.object ?? '')}</span>
              <span className="event-msg">{String(e.cells.message ?? '')}</span>
              <span className="muted small">{formatAge(String(e.cells.lastSeen ?? ''), now)}</span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
