import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ACTOR_HEADER, decodeActor } from '@/lib/actor';
import { ClusterList } from './components/ClusterList';
import { SignOutButton } from './components/SignOutButton';

// The root layout's title template applies below it, not to this page beside it.
export const metadata: Metadata = { title: { absolute: 'Clusters — Crowsnest' } };

export default async function HomePage() {
  const actor = decodeActor((await headers()).get(ACTOR_HEADER));
  return (
    <main>
      <header className="topbar">
        <div>
          <h1>Crowsnest</h1>
          <p className="muted">Your Kubernetes clusters, live.</p>
        </div>
        {actor ? (
          <div className="whoami">
            <span data-testid="user-name">{actor.name}</span>
            {actor.groups.length > 0 ? <span className="muted"> ({actor.groups.join(', ')})</span> : null}
            <SignOutButton />
          </div>
        ) : null}
      </header>
      <ClusterList />
    </main>
  );
}
