'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import useSWR from 'swr';
import type { RowSet } from '@/lib/ui/rowSet';
import { notPermitted } from '../live/notPermitted';
import { rowsKey } from '../live/snapshots';
import { useKindCount } from '../live/useLive';
import type { KindInfo } from '../useKinds';
import { listPath } from '../urls';

/**
 * A kind in the sidebar with its live count: the rows' count when the page
 * streams the kind's rows anyway (the same cache entry the stream patches),
 * else the stream's `counts` event.
 */
export function KindNavLink({ cluster, namespaces, kind }: { cluster: string; namespaces: string[]; kind: KindInfo }) {
  const { data: rows, error } = useSWR<RowSet>(rowsKey(cluster, kind.token, namespaces), null, { revalidateOnFocus: false, compare: (a, b) => a === b });
  const refused = notPermitted(rows, error);
  const counted = useKindCount(kind.token);
  const size = rows ? rows.size : counted;
  const pathname = usePathname();
  const href = listPath(cluster, kind.token, namespaces);
  const base = listPath(cluster, kind.token);
  const active = pathname === base || pathname.startsWith(base + '/');
  return (
    <Link href={href} className="nav-link" aria-current={active ? 'page' : undefined} data-kind={kind.token} title={kind.state === 'disabled' ? kind.reason : refused}>
      <span>{kind.title}</span>
      {refused ? (
        <span className="count count-refused" aria-label={`${kind.title}: not permitted`} data-testid="not-permitted">
          no access
        </span>
      ) : (
        <span className="count" aria-label={size !== undefined ? `${size} ${kind.title}` : undefined}>
          {kind.state === 'disabled' ? '–' : (size ?? '')}
        </span>
      )}
    </Link>
  );
}
