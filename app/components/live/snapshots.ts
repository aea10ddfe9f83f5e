import type { Row } from '@/lib/kinds/types';
import type { StreamError } from '@/lib/live/protocol';
import { RowSet } from '@/lib/ui/rowSet';
import { SnapshotReader } from '@/lib/ui/snapshotReader';

/** The SWR key of one list selection. Everything about a list is keyed by it, so answers for another selection land elsewhere. */
export function rowsKey(cluster: string, kind: string, namespaces: readonly string[]): string {
  return `rows|${cluster}|${kind}|${namespaces.join(',')}`;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

export async function readError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return new ApiError(res.status, body?.error?.message ?? `the server answered ${res.status}`, res.headers.get('Retry-After'));
}

export function snapshotUrl(cluster: string, kind: string, namespaces: readonly string[]): string {
  const q = namespaces.length > 0 ? `?namespaces=${encodeURIComponent(namespaces.join(','))}` : '';
  return `/api/clusters/${encodeURIComponent(cluster)}/${encodeURIComponent(kind)}${q}`;
}

/**
 * GET the snapshot of a selection as a RowSet (the same shape the stream produces).
 * A plain request (no headers of its own): one the page preloaded (`as: fetch`, anonymous) is then taken over, not made twice.
 */
export async function fetchSnapshot(cluster: string, kind: string, namespaces: readonly string[], signal?: AbortSignal): Promise<RowSet> {
  const res = await fetch(snapshotUrl(cluster, kind, namespaces), { signal });
  if (!res.ok) throw await readError(res);
  return RowSet.fromSnapshot((await readSnapshot(res)) as { epoch: string; seq: number; items: Row[]; errors?: StreamError[]; syncing?: boolean });
}

/** The answer's JSON, its rows parsed chunk by chunk as they arrive (ten thousand rows are not one long task after the last byte). */
async function readSnapshot(res: Response): Promise<Record<string, unknown>> {
  if (!res.body) return (await res.json()) as Record<string, unknown>;
  const reader = new SnapshotReader();
  const chunks = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await chunks.read();
    if (done) return reader.end();
    reader.push(value);
  }
}
