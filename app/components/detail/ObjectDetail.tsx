'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import useSWR from 'swr';
import { kindByToken } from '@/lib/kinds';
import type { KubeObject, Row } from '@/lib/kinds/types';
import { FreshnessBadge } from '../live/FreshnessBadge';
import { ApiError, readError } from '../live/snapshots';
import { useRows } from '../live/useRows';
import { useKinds } from '../useKinds';
import { listPath, objectApi } from '../urls';
import { useSelection } from '../useSelection';
import { DetailTabs } from './DetailTabs';
import { EventsTab } from './EventsTab';
import { ObjectActions } from './ObjectActions';
import { Pane } from './Pane';
import { PodLogsTab, PodShellTab, WorkloadLogsTab } from './PodTabs';
import { PinToYard } from '../yard/PinToYard';
import { useObjectAccess } from '../access/useObjectAccess';
import { SecretValues } from './SecretValues';
import { Summary } from './Summary';
import { YamlTab } from './YamlTab';
import { ObjectUsage } from '../usage/ObjectUsage';

async function fetchObject(url: string): Promise<KubeObject> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await readError(res);
  return (await res.json()) as KubeObject;
}

type Tab = 'summary' | 'yaml' | 'events' | 'data' | 'logs' | 'shell';

/** Kinds whose pods' logs the Logs tab merges. */
const WORKLOADS = new Set(['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs']);

/** One object, read fresh as the person; kept current by its row on the stream; says so plainly when it is gone. */
export function ObjectDetail({ cluster, kind, namespace, name }: { cluster: string; kind: string; namespace: string; name: string }) {
  const { namespaces } = useSelection();
  const url = objectApi(cluster, kind, namespace, name);
  const { data: object, error, mutate } = useSWR<KubeObject>(url, fetchObject, { revalidateOnFocus: true, shouldRetryOnError: false });
  const { data: kinds } = useKinds(cluster);
  const info = kinds?.find((k) => k.token === kind);
  const { data: set } = useRows(cluster, kind, namespaces, { fetchSnapshot: false });
  const [tab, setTab] = useState<Tab>('summary');
  // Logs and Shell stay mounted (hidden) once opened, so a session survives a look at another tab.
  const [kept, setKept] = useState<ReadonlySet<Tab>>(() => new Set());
  const select = (t: Tab) => {
    setTab(t);
    if ((t === 'logs' || t === 'shell') && !kept.has(t)) setKept(new Set([...kept, t]));
  };
  const [deletedHere, setDeletedHere] = useState(false);
  // The same answer the actions and the tabs' panels use (one request per page): a tab Kubernetes refuses says so on itself.
  const access = useObjectAccess(url);
  const denied: Partial<Record<Tab, string>> = {};
  for (const action of ['logs', 'shell'] as const) {
    const answer = access(action);
    if (answer && !answer.allowed) denied[action] = answer.reason;
  }

  const uid = object?.metadata?.uid;
  const row: Row | undefined = uid ? set?.rows.get(uid) : undefined;
  const inSelection = namespace === '_' || namespaces.length === 0 || namespaces.includes(namespace);
  const namespaceBlocked = set?.errors.some((e) => !e.namespace || e.namespace === namespace);
  const goneFromStream = Boolean(uid && set && inSelection && !namespaceBlocked && !row && set.size > 0);
  const rowVersion = row?.resourceVersion;
  // A 404 for an object never shown here: it was not found (a wrong link), not deleted while you watched.
  const [shown, setShown] = useState(false);
  if (uid && !shown) setShown(true);
  const neverSeen = !uid && !shown && !deletedHere && error instanceof ApiError && error.status === 404;
  const gone = !neverSeen && (deletedHere || goneFromStream || (error instanceof ApiError && error.status === 404));

  // The row moved on (a new resourceVersion came on the stream): read the object again.
  useEffect(() => {
    if (rowVersion && object?.metadata?.resourceVersion && rowVersion !== object.metadata.resourceVersion) void mutate();
  }, [rowVersion, object?.metadata?.resourceVersion, mutate]);

  // The registry knows built-in kinds' names before the cluster's kinds have loaded.
  const builtin = kindByToken(kind);
  const title = info?.kind ?? builtin?.kind ?? kind;
  const back = listPath(cluster, kind, namespaces);

  if (neverSeen) {
    return (
      <section className="detail">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link href={back}>{info?.title ?? builtin?.title ?? kind}</Link> <span aria-hidden="true">/</span> <span>{name}</span>
        </nav>
        <div className="empty gone" role="alert" data-testid="object-not-found">
          <h1>{title} not found</h1>
          <p className="muted">
            There is no {title} <span className="mono">{namespace !== '_' ? `${namespace}/` : ''}{name}</span> in {cluster}. Kubernetes said: {error.message}
          </p>
          <Link className="button-link" href={back}>
            Back to {info?.title ?? builtin?.title ?? kind}
          </Link>
        </div>
      </section>
    );
  }

  if (gone) {
    return (
      <section className="detail">
        <nav className="crumbs" aria-label="Breadcrumb">
          <Link href={back}>{info?.title ?? builtin?.title ?? kind}</Link> <span aria-hidden="true">/</span> <span>{name}</span>
        </nav>
        <div className="empty gone" role="alert" data-testid="object-deleted">
          <h1>This {title} was deleted</h1>
          <p className="muted">
            <span className="mono">{namespace !== '_' ? `${namespace}/` : ''}{name}</span> no longer exists in {cluster}.
            {error instanceof ApiError && error.status === 404 ? <> Kubernetes said: {error.message}</> : null}
          </p>
          <Link className="button-link" href={back}>
            Back to {info?.title ?? builtin?.title ?? kind}
          </Link>
        </div>
      </section>
    );
  }

  if (error) {
    return (
      <section className="detail">
        <div className="empty" role="alert">
          <strong>Could not read {name}.</strong> {(error as Error).message}
        </div>
      </section>
    );
  }

  const isPod = kind === 'pods';
  const isSecret = kind === 'secrets';
  const isWorkload = WORKLOADS.has(kind);
  const tabs: Array<[Tab, string]> = [['summary', 'Summary'], ...(isSecret ? ([['data', 'Data']] as Array<[Tab, string]>) : []), ['yaml', 'YAML'], ['events', 'Events'], ...(isPod ? ([['logs', 'Logs'], ['shell', 'Shell']] as Array<[Tab, string]>) : isWorkload ? ([['logs', 'Logs']] as Array<[Tab, string]>) : [])];
  const podContainers = isPod && object ? [...((object.spec as { initContainers?: Array<{ name: string }> })?.initContainers ?? []).map((c) => ({ name: c.name, init: true })), ...((object.spec as { containers?: Array<{ name: string }> })?.containers ?? []).map((c) => ({ name: c.name }))] : [];

  return (
    <section className="detail" aria-labelledby="detail-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={back}>{info?.title ?? builtin?.title ?? kind}</Link>
        {namespace !== '_' ? <span className="muted"> · {namespace}</span> : null}
      </nav>
      <div className="page-head">
        <div className="page-title">
          <span className="tag">{title}</span>
          <h1 id="detail-title" className="object-name">
            {name}
          </h1>
          {row?.tone && row.cells.status !== undefined ? <span className={`status tone-${row.tone}`}>{String(row.cells.status)}</span> : null}
          <FreshnessBadge kind={kind} />
        </div>
        {object ? <ObjectActions kind={kind} object={object} url={url} onDone={() => void mutate()} onDeleted={() => setDeletedHere(true)} /> : null}
        <PinToYard target={{ cluster, kind, namespace, name }} />
      </div>
      <DetailTabs tabs={tabs} selected={tab} onSelect={select} denied={denied} />
      {tab === 'logs' || tab === 'shell' ? null : (
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
          {!object ? (
            <p className="muted" aria-busy="true">
              Loading…
            </p>
          ) : tab === 'summary' ? (
            <>
              <ObjectUsage cluster={cluster} kind={kind} namespace={namespace} name={name} object={object} />
              <Summary cluster={cluster} kind={kind} info={info} kinds={kinds ?? []} object={object} row={row} namespaces={namespaces} url={url} onChanged={() => void mutate()} />
            </>
          ) : tab === 'data' ? (
            <SecretValues revealUrl={`${url}/reveal`} keys={Object.keys((object.data as Record<string, string> | undefined) ?? {})} />
          ) : tab === 'yaml' ? (
            <YamlTab object={object} url={url} onSaved={() => void mutate()} />
          ) : (
            <EventsTab url={url} />
          )}
        </div>
      )}
      {object && (tab === 'logs' || kept.has('logs')) ? (
        <div role="tabpanel" id="panel-logs" aria-labelledby="tab-logs" className="tabpanel" hidden={tab !== 'logs'}>
          {isPod ? (
            <Pane label="Logs">
              <PodLogsTab cluster={cluster} namespace={namespace} pod={name} containers={podContainers} />
            </Pane>
          ) : (
            <WorkloadLogsTab cluster={cluster} namespace={namespace} object={object} />
          )}
        </div>
      ) : null}
      {object && isPod && (tab === 'shell' || kept.has('shell')) ? (
        <div role="tabpanel" id="panel-shell" aria-labelledby="tab-shell" className="tabpanel" hidden={tab !== 'shell'}>
          <Pane label="Shell">
            <PodShellTab cluster={cluster} namespace={namespace} pod={name} containers={podContainers} />
          </Pane>
        </div>
      ) : null}
    </section>
  );
}
