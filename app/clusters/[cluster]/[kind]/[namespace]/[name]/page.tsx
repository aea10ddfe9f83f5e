import { ObjectDetail } from '../../../../../components/detail/ObjectDetail';

export default async function DetailPage({ params }: { params: Promise<{ cluster: string; kind: string; namespace: string; name: string }> }) {
  const p = await params;
  const kind = decodeURIComponent(p.kind);
  const namespace = decodeURIComponent(p.namespace);
  const name = decodeURIComponent(p.name);
  return <ObjectDetail key={`${p.cluster}/${kind}/${namespace}/${name}`} cluster={decodeURIComponent(p.cluster)} kind={kind} namespace={namespace} name={name} />;
}
