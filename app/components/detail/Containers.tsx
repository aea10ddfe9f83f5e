'use client';

import Link from 'next/link';
import type { KubeObject } from '@/lib/kinds/types';
import { formatAge } from '@/lib/ui/age';
import { containerViews, formatToleration, qosClass, type ContainerState, type ContainerView, type Termination } from '@/lib/ui/containerView';
import { useNow } from '../live/useNow';
import { detailPath } from '../urls';

function when(iso: string | undefined, now: number): string {
  return iso ? `${formatAge(iso, now)} ago` : '—';
}

function stateTone(state: ContainerState, ready: boolean | undefined): string {
  if (state.phase === 'running') return ready === false ? 'warning' : 'ok';
  if (state.phase === 'terminated') return state.exitCode === 0 ? 'done' : 'error';
  if (state.phase === 'waiting') return state.reason === 'ContainerCreating' || state.reason === 'PodInitializing' ? 'progress' : 'error';
  return 'neutral';
}

function exit(t: { exitCode?: number; signal?: number }): string {
  if (t.signal) return `signal ${t.signal}`;
  return t.exitCode === undefined ? '—' : `exit code ${t.exitCode}`;
}

function StateLine({ state, ready, now }: { state: ContainerState; ready?: boolean; now: number }) {
  const label = state.phase === 'unknown' ? 'No status yet' : `${state.phase[0].toUpperCase()}${state.phase.slice(1)}${state.reason ? ` · ${state.reason}` : ''}`;
  return (
    <>
      <span className={`status tone-${stateTone(state, ready)}`} data-testid="container-state">
        {label}
      </span>
      {state.phase === 'terminated' ? <span> {exit(state)}</span> : null}
      {state.startedAt ? <span className="muted" title={state.startedAt}> · started {when(state.startedAt, now)}</span> : null}
      {state.finishedAt ? <span className="muted" title={state.finishedAt}> · finished {when(state.finishedAt, now)}</span> : null}
      {state.message ? <div className="wrap small">{state.message}</div> : null}
    </>
  );
}

function LastTermination({ t, now }: { t: Termination; now: number }) {
  return (
    <span data-testid="last-termination">
      <span className={`status tone-${t.exitCode === 0 ? 'done' : 'error'}`}>{t.reason ?? 'Terminated'}</span> {exit(t)}
      {t.finishedAt ? <span className="muted" title={t.finishedAt}> · {when(t.finishedAt, now)}</span> : null}
      {t.message ? <div className="wrap small">{t.message}</div> : null}
    </span>
  );
}

function Quantities({ values }: { values: Record<string, string> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <span className="muted">none</span>;
  return <span className="mono">{entries.map(([k, v]) => `${k} ${v}`).join(', ')}</span>;
}

function ContainerCard({ c, now }: { c: ContainerView; now: number }) {
  return (
    <article className="container-card" aria-label={`Container ${c.name}`} data-testid={`container-${c.name}`}>
      <header>
        <h4 className="mono">{c.name}</h4>
        {c.role !== 'main' ? <span className="tag">{c.role}</span> : null}
        <StateLine state={c.state} ready={c.ready} now={now} />
      </header>
      <dl className="facts compact">
        <dt>Image</dt>
        <dd className="mono small wrap" title={c.imageID}>
          {c.image}
        </dd>
        <dt>Ready</dt>
        <dd>{c.ready === undefined ? '—' : c.ready ? 'yes' : 'no'}</dd>
        <dt>Restarts</dt>
        <dd data-testid="restarts" className={c.restarts > 0 ? 'warn-text' : undefined}>
          {c.restarts}
        </dd>
        <dt>Last termination</dt>
        <dd>{c.lastTermination ? <LastTermination t={c.lastTermination} now={now} /> : <span className="muted">none</span>}</dd>
        {c.command.length > 0 ? (
          <>
            <dt>Command</dt>
            <dd className="mono small wrap">{c.command.join(' ')}</dd>
          </>
        ) : null}
        <dt>Ports</dt>
        <dd className="mono small">{c.ports.length ? c.ports.join(', ') : <span className="muted">none</span>}</dd>
        <dt>Requests</dt>
        <dd>
          <Quantities values={c.requests} />
        </dd>
        <dt>Limits</dt>
        <dd>
          <Quantities values={c.limits} />
        </dd>
        <dt>Probes</dt>
        <dd>
          {c.probes.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="plain-list compact">
              {c.probes.map((p) => (
                <li key={p.kind}>
                  <span className="tag">{p.kind}</span> <span className="mono small">{p.action}</span> <span className="muted small">{p.timing}</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Environment</dt>
        <dd>
          {c.env.length === 0 && c.envFrom.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="kv" data-testid="env">
              {c.env.map((e) => (
                <li key={e.name}>
                  <span className="kv-key">{e.name}</span>
                  {e.source ? <span className="kv-value muted">{e.source}</span> : <span className="kv-value">{e.value}</span>}
                </li>
              ))}
              {c.envFrom.map((e) => (
                <li key={e}>
                  <span className="kv-key">(envFrom)</span>
                  <span className="kv-value muted">{e}</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Mounts</dt>
        <dd>
          {c.mounts.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="plain-list compact">
              {c.mounts.map((m) => (
                <li key={`${m.volume}:${m.path}`} className="mono small">
                  {m.path} ← {m.volume}
                  {m.subPath ? `/${m.subPath}` : ''} {m.backing ? <span className="muted">({m.backing})</span> : null} {m.readOnly ? <span className="tag">ro</span> : null}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </article>
  );
}

/** A pod's scheduling facts and every init container and container, spec and live status side by side. */
export function Containers({ cluster, pod, namespaces }: { cluster: string; pod: KubeObject; namespaces: string[] }) {
  const now = useNow();
  const spec = (pod.spec ?? {}) as { nodeName?: string; tolerations?: unknown[]; nodeSelector?: Record<string, string>; priorityClassName?: string; serviceAccountName?: string };
  const views = containerViews(pod);
  const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations.map(formatToleration) : [];
  const selector = Object.entries(spec.nodeSelector ?? {});
  return (
    <section aria-labelledby="pod-facts-title" className="pod-facts">
      <h3 id="pod-facts-title">Scheduling</h3>
      <dl className="facts">
        <dt>Node</dt>
        <dd data-testid="pod-node">{spec.nodeName ? <Link href={detailPath(cluster, 'nodes', undefined, spec.nodeName, namespaces)}>{spec.nodeName}</Link> : <span className="muted">not scheduled yet</span>}</dd>
        <dt>QoS class</dt>
        <dd data-testid="qos">{qosClass(pod)}</dd>
        {spec.serviceAccountName ? (
          <>
            <dt>Service account</dt>
            <dd className="mono small">{spec.serviceAccountName}</dd>
          </>
        ) : null}
        {spec.priorityClassName ? (
          <>
            <dt>Priority class</dt>
            <dd>{spec.priorityClassName}</dd>
          </>
        ) : null}
        <dt>Node selector</dt>
        <dd className="mono small">{selector.length ? selector.map(([k, v]) => `${k}=${v}`).join(', ') : <span className="muted">none</span>}</dd>
        <dt>Tolerations</dt>
        <dd className="mono small" data-testid="tolerations">
          {tolerations.length ? tolerations.join('; ') : <span className="muted">none</span>}
        </dd>
      </dl>
      <h3>Containers</h3>
      {views.length === 0 ? <p className="muted">This pod declares no containers.</p> : null}
      <div className="container-cards">
        {views.map((c) => (
          <ContainerCard key={`${c.role}:${c.name}`} c={c} now={now} />
        ))}
      </div>
    </section>
  );
}
