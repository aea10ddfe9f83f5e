'use client';

import useSWR from 'swr';
import type { AccessAnswer, ObjectAccess, ObjectAction } from '@/lib/access';

async function fetchAccess(url: string): Promise<ObjectAccess> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new Error(`the server answered ${res.status}`);
  return (await res.json()) as ObjectAccess;
}

/**
 * What the signed-in person may do with the object at `objectUrl`, as
 * Kubernetes answers (asked once per page and shared by every component that
 * offers an action). Unknown (still asking, or the question failed) is
 * `undefined`: the action stays offered and the server decides.
 */
export function useObjectAccess(objectUrl: string): (action: ObjectAction) => AccessAnswer | undefined {
  const { data } = useSWR(`${objectUrl}/access`, fetchAccess, { revalidateOnFocus: true, shouldRetryOnError: false, dedupingInterval: 5_000 });
  return (action) => data?.actions[action];
}
