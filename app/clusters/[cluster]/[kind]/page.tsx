import { KindList } from '../../../components/list/KindList';

export default async function KindPage({ params }: { params: Promise<{ cluster: string; kind: string }> }) {
  const { cluster, kind } = await params;
  // Keyed by the selection: nothing of the previous list (filter, rows, scroll) survives a switch.
  return <KindList key={`${cluster}/${kind}`} kind={decodeURIComponent(kind)} />;
}
