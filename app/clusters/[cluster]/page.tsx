import type { Metadata } from 'next';
import { decodeSegment, overviewTitle } from '@/lib/ui/pageTitle';
import { ClusterOverview } from '../../components/overview/ClusterOverview';

export async function generateMetadata({ params }: { params: Promise<{ cluster: string }> }): Promise<Metadata> {
  const { cluster } = await params;
  return { title: overviewTitle(decodeSegment(cluster)) };
}

export default async function ClusterPage({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  return <ClusterOverview key={cluster} />;
}
