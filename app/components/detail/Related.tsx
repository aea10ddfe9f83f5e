'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { KubeObject, Row } from '@/lib/kinds/types';
import { ownerChain, relatedGroups, relatedKinds, type RelatedLink } from '@/lib/ui/related';
import { useRows } from '../live/useRows';
import type { KindInfo } from '../useKinds';
import { detailPath } from '../urls';

interface Fed {
  rows?: Row[];
  error?: string;
}

/** Keeps one kind's rows of the selection live (snapshot, then the tab's stream) and hands them up. */
function Feed({ cluster, token, namespaces, onRows }: { cluster: string; token: string; namespaces: string[]; onRows: (token: string, fed: Fed) => void }) {
  const { data, error } = useRows(cluster, token, namespaces, { focused: false });
  useEffect(() => {
    if (error) onRows(token, { error: (error as Error).message });
    else if (data) onRows(token, { rows: [...data.rows.values()] });
  }, [data, error, token, onRows]);
  return null;
}

function LinkTo({ cluster, link, namespaces, kinds }: { cluster: string; link: RelatedLink; namespaces: string[]; kinds: KindInfo[] }) {
  const info = kinds.find((k) => k.token === link.token);
  const status = link.row ? (link.row.cells.status ?? link.row.cells.ready) : undefined;
  return (
    <li data-related={`${link.token}/${link.namespace ?? '_'}/${link.name}`}>
      <span className="tag">{info?.kind ?? link.token}</span>
      {link.token ? <Link href={detailPath(cluster, link.token, info?.namespaced === false ? undefined : link.namespace, link.name, namespaces)}>{link.name}</Link> : <span>{link.name}</span>}
      {status !== undefined && status !== null ? <span className={`status tone-${link.row?.tone ?? 'neutral'}`}>{String(status)}</span> : null}
      {!link.row && link.token ? <span className="muted small"> not in view</span> : null}
    </li>
  );
}

/**
 * Objects related to this one, kept live from the streams of their kinds (rows of
 * the namespaces selected): what it owns or selects, what it names, and the owner
 * chain upward.
 */
export function Related({ cluster, kind, object, kinds, namespaces }: { cluster: string; kind: string; object: KubeObject; kinds: KindInfo[]; namespaces: string[] }) {
  const [fed, setFed] = useState<Record<string, Fed>>({});
  const onRows = useCallback((token: string, f: Fed) => setFed((s) => (s[token]?.rows === f.rows && s[token]?.error === f.error ? s : { ...s, [token]: f })), []);
  const enabled = useMemo(() => new Set(kinds.map((k) => k.token)), [kinds]);
  const rowsOf = useCallback((token: string) => fed[token]?.rows, [fed]);
  const tokenOf = useCallback(
    (apiVersion: string | undefined, k: string | undefined) => {
      const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : undefined;
      return kinds.find((i) => i.kind === k && (group === undefined || i.group === group))?.token;
    },
    [kinds],
  );
  const chain = ownerChain(object, rowsOf, tokenOf);
  const groups = relatedGroups(kind, object, rowsOf);
  // The kinds to follow: those the groups need, and those of the owner chain found so far.
  const tokens = [...new Set([...relatedKinds(kind), ...chain.map((l) => l.token).filter(Boolean)])].filter((t) => enabled.has(t));
  const needed = new Set(relatedKinds(kind));

  if (chain.length === 0 && needed.size === 0) return null;
  return (
    <section aria-labelledby="related-title" className="related" data-testid="related">
      {tokens.map((t) => (
        <Feed key={t} cluster={cluster} token={t} namespaces={namespaces} onRows={onRows} />
      ))}
      <h3 id="related-title">Related objects</h3>
      {chain.length > 0 ? (
        <div className="owner-chain" data-testid="owner-chain">
          <span className="muted small">Owned by </span>
          {chain.map((l, i) => (
            <span key={`${l.token}/${l.name}`}>
              {i > 0 ? <span aria-hidden="true"> ← </span> : null}
              <span className="tag">{kinds.find((k) => k.token === l.token)?.kind ?? l.token}</span>{' '}
              {l.token ? <Link href={detailPath(cluster, l.token, l.namespace, l.name, namespaces)}>{l.name}</Link> : l.name}
            </span>
          ))}
        </div>
      ) : null}
      <div className="related-groups">
        {groups.map((g) => {
          const problem = fed[g.id]?.error;
          const known = fed[g.id]?.rows !== undefined || !enabled.has(g.id);
          return (
            <div key={g.id} className="related-group" data-testid={`related-${g.id}`}>
              <h4>
                {g.title} <span className="muted">{known ? g.links.length : ''}</span>
              </h4>
              {problem ? (
                <p className="muted small" role="note">
                  Cannot list them: {problem}
                </p>
              ) : !known ? (
                <p className="muted small">Loading…</p>
              ) : g.links.length === 0 ? (
                <p className="muted small">None{namespaces.length ? ' in the namespaces selected' : ''}</p>
              ) : (
                <ul className="plain-list">
                  {g.links.slice(0, 100).map((l) => (
                    <LinkTo key={`${l.token}/${l.namespace}/${l.name}`} cluster={cluster} link={l} namespaces={namespaces} kinds={kinds} />
                  ))}
                  {g.links.length > 100 ? <li className="muted small">and {g.links.length - 100} more</li> : null}
                </ul>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
