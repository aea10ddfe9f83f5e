import type { Metadata } from 'next';
import { preload } from 'react-dom';
import { decodeSegment, listTitle } from '@/lib/ui/pageTitle';
import { KindList } from '../../../components/list/KindList';
import { snapshotUrl } from '../../../components/live/snapshots';
import { parseNamespacesParam } from '../../../components/urls';
import { refuseUnknownKind } from './refuseUnknownKind';

export async function generateMetadata({
  params,
  searchParams,
}: {
  params: Promise<{ cluster: string; kind: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}): Promise<Metadata> {
  const { cluster, kind } = await params;
  const raw = (await searchParams).namespaces;
  return { title: listTitle(decodeSegment(cluster), decodeSegment(kind), parseNamespacesParam(Array.isArray(raw) ? raw[0] : raw)) };
}

export default async function KindPage({
  params,
  searchParams,
}: {
  params: Promise<{ cluster: string; kind: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { cluster, kind } = await params;
  await refuseUnknownKind(decodeURIComponent(cluster), decodeURIComponent(kind));
  const raw = (await searchParams).namespaces;
  const namespaces = parseNamespacesParam(Array.isArray(raw) ? raw[0] : raw);
  // The list's snapshot loads alongside the page's scripts, not after them: the list's own request is answered from this one.
  preload(snapshotUrl(decodeURIComponent(cluster), decodeURIComponent(kind), namespaces), { as: 'fetch', crossOrigin: 'anonymous' });
  // Keyed by the selection: nothing of the previous list (filter, rows, scroll) survives a switch.
  return <KindList key={`${cluster}/${kind}`} kind={decodeURIComponent(kind)} />;
}
