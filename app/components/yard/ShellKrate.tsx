'use client';

import { useState } from 'react';
import { PodShellTab } from '../detail/PodTabs';
import { KrateError } from './KrateError';
import type { PlacedKrate } from './krates';
import { podContainers } from './podContainers';
import { useKrateObject } from './useKrateObject';

/** A shell in a pod, opened only when this person asks for it: keystrokes are never shared. */
export function ShellKrate({ krate, disabledReason }: { krate: PlacedKrate; disabledReason?: string }) {
  const [open, setOpen] = useState(false);
  const { data: pod, error } = useKrateObject(krate.cluster, 'pods', krate.namespace, krate.name);
  if (error) return <KrateError error={error} what={krate.name ?? 'the pod'} />;
  if (!pod || !krate.namespace || !krate.name) return <p className="muted" aria-busy="true">Loading…</p>;
  const containers = krate.container ? [{ name: krate.container }] : podContainers(pod);
  if (!open) {
    return (
      <div className="krate-shell-closed">
        <p className="muted">A shell opens for you only; others in the yard see this krate, not your session.</p>
        <button type="button" className="primary" onClick={() => setOpen(true)} disabled={Boolean(disabledReason)} title={disabledReason}>
          Open a shell in {krate.name}
        </button>
      </div>
    );
  }
  return <PodShellTab cluster={krate.cluster} namespace={krate.namespace} pod={krate.name} containers={containers} />;
}
