import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ACTOR_HEADER, decodeActor } from '@/lib/actor';
import { decodeSegment } from '@/lib/ui/pageTitle';
import { YardCanvas } from '../../components/yard/YardCanvas';

type YardPageProps = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: YardPageProps): Promise<Metadata> {
  const { id } = await params;
  const yard = decodeSegment(id);
  return { title: `${yard.startsWith('~') ? 'My yard' : yard} · Yard` };
}

export default async function YardPage({ params }: YardPageProps) {
  const { id } = await params;
  const actor = decodeActor((await headers()).get(ACTOR_HEADER));
  const yard = decodeSegment(id);
  return <YardCanvas key={yard} yardId={yard} me={actor?.name ?? ''} />;
}
