import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest, type KubeRequest } from '../kube/kubeRequest';

/** One field Kubernetes refused, as its Status `details.causes` names it. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/**
 * A refusal from the API server with everything its Status object says: the
 * status, the message, the reason (`Conflict`, `Invalid`, `BadRequest`…) and
 * the causes, one per field, so an editor can show each next to its field.
 */
export class KubeStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string | undefined,
    readonly causes: StatusCause[],
  ) {
    super(message);
  }
}

/** What a write answered: the object (as stored, or as it would be for a dry run) and Kubernetes' warnings. */
export interface WriteAnswer<T> {
  object: T;
  warnings: string[];
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      res.destroy();
      throw new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The texts of `Warning` headers (RFC 7234: `299 - "text"`, quotes escaped by
 * backslash). A header in another form is kept whole rather than lost.
 */
export function warningTexts(values: string[] | undefined): string[] {
  const texts: string[] = [];
  for (const value of values ?? []) {
    const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(value);
    texts.push(m ? m[1].replace(/\\(.)/g, '$1') : value.trim());
  }
  return texts;
}

function statusOf(text: string, status: number): KubeStatusError {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; reason?: unknown; details?: { causes?: unknown } };
    if (typeof parsed.message === 'string' && parsed.message) {
      const causes = Array.isArray(parsed.details?.causes)
        ? (parsed.details.causes as unknown[]).filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null).map((c) => ({
            reason: typeof c.reason === 'string' ? c.reason : undefined,
            message: typeof c.message === 'string' ? c.message : undefined,
            field: typeof c.field === 'string' ? c.field : undefined,
          }))
        : [];
      return new KubeStatusError(status, parsed.message, typeof parsed.reason === 'string' ? parsed.reason : undefined, causes);
    }
  } catch {
    /* not a Status */
  }
  return new KubeStatusError(status, text.trim() || `the API server answered ${status}`, undefined, []);
}

/**
 * A write whose answer is JSON, keeping what `kubeJson` drops: the Status
 * causes of a refusal (thrown as KubeStatusError) and the Warning headers of
 * an accepted write.
 */
export async function kubeWrite<T>(kc: KubeConfig, req: KubeRequest): Promise<WriteAnswer<T>> {
  const res = await kubeRequest(kc, req);
  const text = await readText(res);
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) throw statusOf(text, status);
  return { object: JSON.parse(text) as T, warnings: warningTexts(res.headersDistinct.warning) };
}

/**
 * Kubernetes' refusal as the portal's error body, `{error: {code, message}}`,
 * with its reason and causes added so the editor can place each one.
 */
export function kubeStatusResponse(err: KubeStatusError, requestId: string): Response {
  const code = err.status >= 400 && err.status < 600 ? err.status : 502;
  const error = { code, message: err.message, requestId, ...(err.reason ? { reason: err.reason } : {}), ...(err.causes.length ? { causes: err.causes } : {}) };
  return Response.json({ error }, { status: code, headers: { 'Cache-Control': 'no-store' } });
}

/** Kubernetes' warnings passed on as `Warning: 299 - "…"` headers (printable ASCII, as a header must be). */
export function warningHeaders(warnings: string[], base: Record<string, string>): Headers {
  const headers = new Headers(base);
  for (const text of warnings) headers.append('Warning', `299 - ${JSON.stringify(text.replace(/[^\x20-\x7e]/g, '?'))}`);
  return headers;
}
