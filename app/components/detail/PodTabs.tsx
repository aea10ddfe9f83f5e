'use client';

import dynamic from 'next/dynamic';
import type { WorkloadLogsProps } from '../logs/WorkloadLogs';
import { permittedTab } from '../access/PermittedTab';

/**
 * The pod's Logs and Shell tabs: app/components/logs/PodLogs.tsx and
 * app/components/shell/PodShell.tsx are browser-only (sockets, xterm), so they
 * load on demand when their tab opens and never render on the server.
 */
export interface PodTabProps {
  cluster: string;
  namespace: string;
  pod: string;
  containers: { name: string; init?: boolean }[];
}

const Loading = () => <p className="muted">Loading…</p>;

export const PodLogsTab = permittedTab('logs', 'read logs', dynamic<PodTabProps>(() => import('../logs/PodLogs').then((m) => m.PodLogs), { ssr: false, loading: Loading }));

export const PodShellTab = permittedTab('shell', 'open a shell', dynamic<PodTabProps>(() => import('../shell/PodShell').then((m) => m.PodShell), { ssr: false, loading: Loading }));

export const WorkloadLogsTab = dynamic<WorkloadLogsProps>(() => import('../logs/WorkloadLogs').then((m) => m.WorkloadLogs), { ssr: false, loading: Loading });
