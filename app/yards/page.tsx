import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ACTOR_HEADER, decodeActor } from '@/lib/actor';
import { YardList } from '../components/yard/YardList';

export const metadata: Metadata = { title: 'Yards' };

export default async function YardsPage() {
  const actor = decodeActor((await headers()).get(ACTOR_HEADER));
  return <YardList groups={actor?.groups ?? []} />;
}
