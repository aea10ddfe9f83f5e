'use client';

import { KIND_GROUPS } from '@/lib/kinds';
import { useEffect, useMemo, useRef } from 'react';
import { SignOutButton } from '../SignOutButton';
import { useStreamCounts } from '../live/useLive';
import { useKinds, type KindInfo } from '../useKinds';
import { ClusterSwitcher } from './ClusterSwitcher';
import { KindNavLink } from './KindNavLink';
import Link from 'next/link';
import { clusterPath } from '../urls';
import { usePathname } from 'next/navigation';

const CUSTOM = { alias: 'custom', title: 'Custom resources' } as const;

/**
 * Cluster switcher, the kinds by group with live counts, and who is signed in.
 * Always shown on wide screens; below 900 px a menu that is `open` or hidden,
 * closed (`onClose(returnFocus)`) by Escape.
 */
export function Sidebar({
  id,
  open,
  onClose,
  cluster,
  namespaces,
  userName,
  userGroups,
}: {
  id: string;
  open: boolean;
  onClose: (returnFocus: boolean) => void;
  cluster: string;
  namespaces: string[];
  userName: string;
  userGroups: string[];
}) {
  const root = useRef<HTMLElement>(null);
  const { data: kinds, error } = useKinds(cluster);
  const pathname = usePathname();
  const tokens = useMemo(() => (kinds ?? []).filter((k) => k.state !== 'disabled').map((k) => k.token), [kinds]);
  // Every kind in the sidebar shows a live count: the tab's one stream carries their counts, not their rows.
  useStreamCounts(tokens);

  const groups = useMemo(() => {
    const byAlias = new Map<string, KindInfo[]>();
    for (const k of kinds ?? []) byAlias.set(k.alias, [...(byAlias.get(k.alias) ?? []), k]);
    return [...KIND_GROUPS.map((g) => ({ alias: g.alias as string, title: g.title })), CUSTOM]
      .map((g) => ({ ...g, kinds: byAlias.get(g.alias) ?? [] }))
      .filter((g) => g.kinds.length > 0);
  }, [kinds]);

  // Opened as a menu: focus moves into it, and Escape anywhere closes it.
  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('a, button, select')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      onClose(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, onClose]);

  const overview = clusterPath(cluster);
  return (
    <nav ref={root} id={id} className="sidebar" data-open={open ? 'true' : 'false'} aria-label="Cluster navigation">
      <div className="brand">
        <Link href="/" className="brand-link">
          <span className="brand-mark" aria-hidden="true">◆</span> Crowsnest
        </Link>
      </div>
      <ClusterSwitcher cluster={cluster} />
      <div className="sidebar-scroll">
        {cluster ? (
          <Link href={clusterPath(cluster, namespaces)} className="nav-link" aria-current={pathname === overview ? 'page' : undefined}>
            <span>Overview</span>
          </Link>
        ) : null}
        <Link href="/yards" className="nav-link" aria-current={pathname === '/yards' || pathname.startsWith('/yards/') ? 'page' : undefined}>
          <span>Yards</span>
        </Link>
        {error ? <p className="sidebar-error" role="alert">Kinds unavailable: {(error as Error).message}</p> : null}
        {groups.map((group) => (
          <section key={group.alias} className="nav-group" aria-label={group.title}>
            <h2>{group.title}</h2>
            <ul>
              {group.kinds.map((k) => (
                <li key={k.token}>
                  <KindNavLink cluster={cluster} namespaces={namespaces} kind={k} />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <div className="sidebar-user">
        <div className="user-id">
          <span className="avatar" aria-hidden="true">{userName.slice(0, 1).toUpperCase()}</span>
          <span>
            <span data-testid="user-name" className="user-name">{userName}</span>
            {userGroups.length > 0 ? <span className="user-groups">{userGroups.join(', ')}</span> : null}
          </span>
        </div>
        <SignOutButton />
      </div>
    </nav>
  );
}
