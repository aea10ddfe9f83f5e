import { ClusterOverview } from '../../components/overview/ClusterOverview';

export default async function ClusterPage({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  return <ClusterOverview key={cluster} />;
}
