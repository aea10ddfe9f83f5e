/** Writing answers: JSON objects and Status errors, always with a Content-Type. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, internal } from '../status';
import type { Status } from '../status';

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendStatus(res: ServerResponse, s: Status): void {
  sendJson(res, s.code, s);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Any thrown value → a Status answer; unexpected errors become 500 and are logged once. */
export function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (err instanceof StatusError) return sendStatus(res, err.status);
  console.error(`sim: ${req.method} ${req.url} failed:`, err);
  sendStatus(res, internal(err instanceof Error ? err.message : String(err)).status);
}

/** What the client's Accept header asks for. */
export interface Wanted {
  table: boolean;
  partial: boolean;
}

export function wanted(req: IncomingMessage): Wanted {
  const accept = String(req.headers.accept ?? '');
  const opts = (clause: string) => Object.fromEntries(clause.split(';').slice(1).map((p) => p.trim().split('=') as [string, string]));
  for (const clause of accept.split(',')) {
    const o = opts(clause);
    if (o.as === 'Table' && o.g === 'meta.k8s.io') return { table: true, partial: false };
    if ((o.as === 'PartialObjectMetadata' || o.as === 'PartialObjectMetadataList') && o.g === 'meta.k8s.io') return { table: false, partial: true };
  }
  return { table: false, partial: false };
}
