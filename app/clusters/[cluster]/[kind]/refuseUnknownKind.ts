import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { ACTOR_HEADER, decodeActor } from '@/lib/actor';
import { getRuntime } from '@/server/runtime';

/**
 * A kind that does not exist in the cluster, or a custom kind the person may not learn of, is a 404 page,
 * as the API answers for it. (An unknown cluster is refused here too: the page may render beside the layout
 * that refuses it.)
 */
export async function refuseUnknownKind(cluster: string, kind: string): Promise<void> {
  const { clusters, live } = getRuntime();
  if (!clusters.get(cluster)) notFound();
  const actor = decodeActor((await headers()).get(ACTOR_HEADER));
  if (actor && (await live.cluster(cluster).knowsKind(actor, kind)) === false) notFound();
}
