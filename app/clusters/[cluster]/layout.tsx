import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { ACTOR_HEADER, decodeActor } from '@/lib/actor';
import { getRuntime } from '@/server/runtime';
import { AppShell } from '../../components/layout/AppShell';

export default async function ClusterLayout({ children, params }: { children: ReactNode; params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  // A cluster the portal does not serve is a 404, not an empty overview.
  if (!getRuntime().clusters.get(cluster)) notFound();
  const actor = decodeActor((await headers()).get(ACTOR_HEADER));
  return (
    <AppShell userName={actor?.name ?? ''} userGroups={actor?.groups ?? []}>
      {children}
    </AppShell>
  );
}
