import type { Row } from '../kinds/types';

/**
 * The live-data protocol shared by server and browser: snapshot answers, SSE
 * event payloads, and stream positions.
 *
 * A position is `<epoch>-<seq>` per (cluster, kind): the epoch names one
 * unbroken history of deltas, the sequence counts deltas in it. A multi-kind
 * stream's event id joins one position per kind: `pods:e1-42,deployments:e7-3`.
 */

export interface RowKey {
  namespace?: string;
  name: string;
  uid: string;
}

export interface Position {
  epoch: string;
  seq: number;
}

export interface Snapshot {
  kind: string;
  epoch: string;
  seq: number;
  items: Row[];
  /** The portal is still loading the kind from the cluster: no rows yet (the stream's snapshot follows). */
  syncing?: boolean;
}

/**
 * The portal's connection to the cluster for one kind, as its informer's
 * owner sees it: `synced` (the cache follows the cluster), `reconnecting`
 * (the cluster stopped answering at `since`; the informer keeps trying) or
 * `failed` (the cluster refuses in a way retrying will not fix, e.g. 401 or
 * 403; the informer still retries, slowly). `since`: when the state began,
 * RFC 3339. `reason`: why, in the cluster's or the network's own words.
 */
export interface KindHealth {
  state: 'synced' | 'reconnecting' | 'failed';
  since: string;
  reason?: string;
}

export type DeltaType = 'added' | 'modified' | 'deleted';

export type Delta =
  | { type: 'added' | 'modified'; seq: number; row: Row }
  | { type: 'deleted'; seq: number; key: RowKey };

export interface StreamError {
  kind: string;
  namespace?: string;
  code: number;
  message: string;
}

/** Why the server ended a stream; the client reconnects with its last id (possibly to another replica). */
export type DoneReason = 'max-lifetime' | 'signed-out' | 'overloaded' | 'draining' | 'cluster-removed';

/**
 * Every SSE event of a watch stream and its `data`, as the server writes it
 * and the browser reads it: the one definition of the wire format.
 */
export interface SseEventMap {
  snapshot: { kind: string; items: Row[] };
  added: { kind: string; row: Row };
  modified: { kind: string; row: Row };
  deleted: { kind: string; key: RowKey };
  /** With a kind: that kind (or one namespace of it) stopped; without: the whole stream is ending. */
  error: StreamError | { code: number; message: string };
  /** Rows per kind the person may see, for navigation; throttled. */
  counts: Record<string, number>;
  /**
   * The portal's view of the cluster for a kind: `syncing` while it first
   * loads (its snapshot follows), then its informer's health (KindHealth);
   * sent after the snapshot and on every change.
   */
  status: { kind: string; state: 'syncing' | KindHealth['state']; since: string; reason?: string };
  done: { reason: DoneReason };
}

export type SseEventName = keyof SseEventMap;

const EPOCH = /^[a-z0-9]{1,32}$/;

export function formatPosition(p: Position): string {
  return `${p.epoch}-${p.seq}`;
}

/** `e1-42` → position; null when malformed. */
export function parsePosition(text: string): Position | null {
  const dash = text.lastIndexOf('-');
  if (dash <= 0) return null;
  const epoch = text.slice(0, dash);
  const seqText = text.slice(dash + 1);
  if (!EPOCH.test(epoch) || !/^\d{1,15}$/.test(seqText)) return null;
  return { epoch, seq: Number(seqText) };
}

export function formatPositions(positions: Map<string, Position>): string {
  return [...positions].map(([kind, p]) => `${kind}:${formatPosition(p)}`).join(',');
}

/** `pods:e1-42,deployments:e7-3` → map; null when malformed. */
export function parsePositions(text: string): Map<string, Position> | null {
  const out = new Map<string, Position>();
  if (text.length > 8192) return null;
  for (const part of text.split(',')) {
    const colon = part.lastIndexOf(':');
    if (colon <= 0) return null;
    const position = parsePosition(part.slice(colon + 1));
    if (!position) return null;
    out.set(part.slice(0, colon), position);
  }
  return out;
}

export function rowKey(row: Row): RowKey {
  return row.namespace === undefined ? { name: row.name, uid: row.uid } : { namespace: row.namespace, name: row.name, uid: row.uid };
}
