'use client';

/**
 * The pod's Logs and Shell tabs. The components themselves are built separately
 * (app/components/logs/PodLogs.tsx and app/components/shell/PodShell.tsx, both
 * client-only); until they are in place these tabs say so.
 */
export interface PodTabProps {
  cluster: string;
  namespace: string;
  pod: string;
  containers: { name: string; init?: boolean }[];
}

export function PodLogsTab(_props: PodTabProps) {
  return <p className="muted">Logs are not available in this build yet (expected from app/components/logs/PodLogs).</p>;
}

export function PodShellTab(_props: PodTabProps) {
  return <p className="muted">The shell is not available in this build yet (expected from app/components/shell/PodShell).</p>;
}
