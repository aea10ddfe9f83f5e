'use client';

import { useEffect } from 'react';
import useSWR from 'swr';
import type { KubeObject, Row } from '@/lib/kinds/types';
import { readError } from '../live/snapshots';
import { useRows } from '../live/useRows';
import { objectApi } from '../urls';

async function fetchObject(url: string): Promise<KubeObject> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw await readError(res);
  return (await res.json()) as KubeObject;
}

/** Read again this often when the object's kind is not on the tab's stream (a krate of another cluster). */
const UNSTREAMED_REFRESH_MS = 15_000;

/**
 * The object a krate points at, read as the person looking (Kubernetes decides,
 * and its refusal is the error), kept current by its row on the tab's stream:
 * a new resourceVersion there reads it again.
 */
export function useKrateObject(cluster: string, kind: string, namespace: string | undefined, name: string | undefined) {
  const url = name ? objectApi(cluster, kind, namespace, name) : null;
  const { data: set } = useRows(cluster, kind, [], { fetchSnapshot: false, focused: false });
  const swr = useSWR<KubeObject>(url, fetchObject, { revalidateOnFocus: false, shouldRetryOnError: false, refreshInterval: set ? 0 : UNSTREAMED_REFRESH_MS });
  const uid = swr.data?.metadata?.uid;
  const row: Row | undefined = uid ? set?.rows.get(uid) : undefined;
  const rowVersion = row?.resourceVersion;
  const objectVersion = swr.data?.metadata?.resourceVersion;
  const { mutate } = swr;
  useEffect(() => {
    if (rowVersion && objectVersion && rowVersion !== objectVersion) void mutate();
  }, [rowVersion, objectVersion, mutate]);
  return { ...swr, url, row };
}
