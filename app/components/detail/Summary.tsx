'use client';

import Link from 'next/link';
import { useSWRConfig } from 'swr';
import type { KubeObject, Row } from '@/lib/kinds/types';
import type { RowSet } from '@/lib/ui/rowSet';
import { formatAge } from '@/lib/ui/age';
import { Cell } from '../list/Cell';
import { rowsKey } from '../live/snapshots';
import { useNow } from '../live/useNow';
import type { KindInfo } from '../useKinds';
import { relatedKinds } from '@/lib/ui/related';
import { detailPath } from '../urls';
import { Containers } from './Containers';
import { KeyValues } from './KeyValues';
import { Related } from './Related';
import { Replicas } from './Replicas';
import { RolloutHistory } from './RolloutHistory';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function tokenFor(kinds: KindInfo[], apiVersion: string | undefined, kind: string | undefined): string | undefined {
  const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : '';
  return kinds.find((k) => k.kind === kind && k.group === group)?.token ?? kinds.find((k) => k.kind === kind)?.token;
}

/** Key fields (the kind's own columns), conditions, labels and annotations, owners and owned objects as links. */
export function Summary({ cluster, kind, info, kinds, object, row, namespaces, url, onChanged }: { cluster: string; kind: string; info?: KindInfo; kinds: KindInfo[]; object: KubeObject; row?: Row; namespaces: string[]; url: string; onChanged: () => void }) {
  const now = useNow();
  const { cache } = useSWRConfig();
  const meta = object.metadata ?? {};
  const conditions = (((object.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[]).filter((c) => c && typeof c === 'object');
  const owned: Array<{ token: string; row: Row }> = [];
  // Kinds with related objects of their own show them live below; others list what on screen they own.
  const genericOwnership = relatedKinds(kind).length === 0;
  if (meta.uid && genericOwnership) {
    for (const k of kinds) {
      const set = cache.get(rowsKey(cluster, k.token, namespaces))?.data as RowSet | undefined;
      if (!set) continue;
      for (const r of set.rows.values()) if (r.owners?.some((o) => o.uid === meta.uid)) owned.push({ token: k.token, row: r });
      if (owned.length > 200) break;
    }
  }

  return (
    <div className="summary">
      <Replicas kind={kind} object={object} />
      <dl className="facts">
        {meta.namespace ? (
          <>
            <dt>Namespace</dt>
            <dd>{meta.namespace}</dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd title={meta.creationTimestamp}>{meta.creationTimestamp ? `${formatAge(meta.creationTimestamp, now)} ago` : '—'}</dd>
        {(info?.columns ?? []).map((c) =>
          row ? (
            <div key={c.id} className="fact">
              <dt>{c.title.charAt(0) + c.title.slice(1).toLowerCase()}</dt>
              <dd>
                <Cell column={c} value={row.cells[c.id]} tone={row.tone} now={now} />
              </dd>
            </div>
          ) : null,
        )}
        <dt>UID</dt>
        <dd className="mono small">{meta.uid}</dd>
        <dt>Resource version</dt>
        <dd className="mono small">{meta.resourceVersion}</dd>
      </dl>

      {kind === 'pods' ? <Containers cluster={cluster} pod={object} namespaces={namespaces} /> : null}

      {kind === 'deployments' || kind === 'statefulsets' || kind === 'daemonsets' ? <RolloutHistory url={url} name={meta.name ?? ''} version={meta.resourceVersion} onDone={onChanged} /> : null}

      <Related cluster={cluster} kind={kind} object={object} kinds={kinds} namespaces={namespaces} />

      {conditions.length > 0 ? (
        <section>
          <h3>Conditions</h3>
          <table className="simple-table">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Message</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {conditions.map((c) => (
                <tr key={String(c.type)}>
                  <td>{String(c.type ?? '')}</td>
                  <td>
                    <span className={`status tone-${c.status === 'True' ? 'ok' : c.status === 'False' ? 'warning' : 'neutral'}`}>{String(c.status ?? '')}</span>
                  </td>
                  <td>{String(c.reason ?? '')}</td>
                  <td className="wrap">{String(c.message ?? '')}</td>
                  <td>{c.lastTransitionTime ? formatAge(String(c.lastTransitionTime), now) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="grid-2">
        <KeyValues title="Labels" values={meta.labels} />
        <KeyValues title="Annotations" values={meta.annotations} />
      </section>

      {genericOwnership ? (
      <section className="grid-2">
        <div>
          <h3>Owned by</h3>
          {(meta.ownerReferences ?? []).length === 0 ? <p className="muted small">Nothing</p> : null}
          <ul className="plain-list">
            {(meta.ownerReferences ?? []).map((o) => {
              const token = tokenFor(kinds, o.apiVersion, o.kind);
              return (
                <li key={o.uid ?? o.name}>
                  <span className="tag">{o.kind}</span>
                  {token && o.name ? <Link href={detailPath(cluster, token, info?.namespaced === false ? undefined : meta.namespace, o.name, namespaces)}>{o.name}</Link> : <span>{o.name}</span>}
                </li>
              );
            })}
          </ul>
        </div>
        <div>
          <h3>Owns</h3>
          {owned.length === 0 ? <p className="muted small">Nothing on screen</p> : null}
          <ul className="plain-list" data-testid="owned">
            {owned.map(({ token, row: r }) => (
              <li key={r.uid}>
                <span className="tag">{token}</span>
                <Link href={detailPath(cluster, token, r.namespace, r.name, namespaces)}>{r.name}</Link>
                <span className={`status tone-${r.tone ?? 'neutral'}`}>{String(r.cells.status ?? r.cells.ready ?? '')}</span>
              </li>
            ))}
          </ul>
        </div>
      </section>
      ) : null}
    </div>
  );
}
