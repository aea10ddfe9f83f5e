'use client';

import { useParams, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { parseNamespacesParam } from './urls';

/** The selection of the page: cluster from the path, namespaces from `?namespaces=`. */
export function useSelection(): { cluster: string; namespaces: string[] } {
  const params = useParams<{ cluster: string }>();
  const search = useSearchParams();
  const raw = search.get('namespaces');
  const namespaces = useMemo(() => parseNamespacesParam(raw), [raw]);
  return { cluster: decodeURIComponent(params.cluster ?? ''), namespaces };
}
