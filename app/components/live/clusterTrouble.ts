import type { ClusterTrouble } from './streamManager';

/** `14:02:11`: a time of day, in the browser's zone, the same in every locale. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The headline for a cluster the portal cannot see: what is wrong and how old the data on screen is. */
export function troubleLabel(trouble: ClusterTrouble, hasData = true): string {
  const what = trouble.state === 'failed' ? 'Cluster refuses the portal' : 'Cluster unreachable';
  return hasData ? `${what} — showing data from ${clockTime(trouble.since)}` : `${what} since ${clockTime(trouble.since)} — no data yet`;
}

/** The longer explanation (a tooltip, a detail line): why, and what the portal does about it. */
export function troubleDetail(trouble: ClusterTrouble): string {
  const doing = trouble.state === 'failed' ? 'The portal keeps retrying, but this needs a change on the cluster side.' : 'The portal keeps retrying and goes live again on its own.';
  return `${trouble.reason ? `${trouble.reason}. ` : ''}${doing}`;
}
