import type { Metadata } from 'next';
import { decodeSegment, objectTitle } from '@/lib/ui/pageTitle';
import { ObjectDetail } from '../../../../../components/detail/ObjectDetail';
import { refuseUnknownKind } from '../../refuseUnknownKind';

type DetailPageProps = { params: Promise<{ cluster: string; kind: string; namespace: string; name: string }> };

export async function generateMetadata({ params }: DetailPageProps): Promise<Metadata> {
  const p = await params;
  return { title: objectTitle(decodeSegment(p.cluster), decodeSegment(p.kind), decodeSegment(p.namespace), decodeSegment(p.name)) };
}

export default async function DetailPage({ params }: DetailPageProps) {
  const p = await params;
  const cluster = decodeURIComponent(p.cluster);
  const kind = decodeURIComponent(p.kind);
  await refuseUnknownKind(cluster, kind);
  const namespace = decodeURIComponent(p.namespace);
  const name = decodeURIComponent(p.name);
  return <ObjectDetail key={`${p.cluster}/${kind}/${namespace}/${name}`} cluster={cluster} kind={kind} namespace={namespace} name={name} />;
}
