import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { ACTOR_HEADER, decodeActor } from '@/lib/actor';
import { AppShell } from '../components/layout/AppShell';

export default async function YardsLayout({ children }: { children: ReactNode }) {
  const actor = decodeActor((await headers()).get(ACTOR_HEADER));
  return (
    <AppShell userName={actor?.name ?? ''} userGroups={actor?.groups ?? []}>
      {children}
    </AppShell>
  );
}
