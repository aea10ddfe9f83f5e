'use client';

import { formatDuration } from '@/lib/ui/age';
import { troubleDetail, troubleLabel } from './clusterTrouble';
import { streamManager } from './streamManager';
import { useKindStatus } from './useLive';
import { useNow } from './useNow';

/**
 * How current the page is, honestly: Syncing, Live, Reconnecting (countdown),
 * Polling, Stale — and, when the portal itself cannot see the cluster, how old
 * the data on screen is ("Cluster unreachable — showing data from 14:02:11").
 */
export function FreshnessBadge({ kind }: { kind: string }) {
  const status = useKindStatus(kind);
  const now = useNow();
  let label: string;
  let tone: string;
  let detail = status.reason ?? '';
  const trouble = status.cluster;
  if (trouble && (status.mode === 'live' || status.mode === 'syncing')) {
    return (
      <span className="freshness tone-error" role="status" aria-live="polite" data-testid="freshness" data-mode="cluster-unreachable" title={troubleDetail(trouble)}>
        <span className="freshness-dot" aria-hidden="true" />
        {troubleLabel(trouble, status.mode === 'live')}
      </span>
    );
  }
  switch (status.mode) {
    case 'live':
      if (streamManager().isStale(now)) {
        label = 'Stale';
        tone = 'warning';
        detail = 'No event or heartbeat for more than twice the heartbeat interval';
      } else {
        label = 'Live';
        tone = 'ok';
      }
      break;
    case 'syncing':
      label = 'Syncing…';
      tone = 'progress';
      break;
    case 'reconnecting':
      label = status.nextAttemptAt && status.nextAttemptAt > now ? `Reconnecting in ${formatDuration(status.nextAttemptAt - now)}` : 'Reconnecting…';
      tone = 'progress';
      break;
    case 'polling':
      label = `Polling every ${formatDuration(status.pollIntervalMs ?? 5000)}`;
      tone = 'progress';
      break;
    case 'error':
      label = 'Unavailable';
      tone = 'error';
      break;
    default:
      label = 'Connecting…';
      tone = 'neutral';
  }
  return (
    <span className={`freshness tone-${tone}`} role="status" aria-live="polite" data-testid="freshness" data-mode={status.mode} title={detail || undefined}>
      <span className="freshness-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
