import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { pooledAgent } from './agentPool';
import { LineSplitter } from './lineSplitter';

/** An error answer from the API server, with its status and Kubernetes' own message. */
export class KubeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface KubeRequest {
  method?: string;
  /** API path, e.g. `/api/v1/namespaces/x/pods`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  signal?: AbortSignal;
  /** Abandon the request when no answer has started within this time. */
  timeoutMs?: number;
}

/**
 * One HTTP request to the cluster with the KubeConfig's own credentials and
 * TLS settings (client-node applies them), answered as a raw stream: no typed
 * deserialisation, so large lists and watches stay cheap and fully under our
 * control (abort, timeouts, line splitting).
 */
export async function kubeRequest(kc: KubeConfig, req: KubeRequest): Promise<IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + req.path);
  for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));

  const opts: RequestOptions & { headers: OutgoingHttpHeaders } = {
    method: req.method ?? 'GET',
    headers: { Accept: 'application/json', ...req.headers },
  };
  await kc.applyToHTTPSOptions(opts);
  // One keep-alive connection pool per TLS identity instead of client-node's new agent per request (a proxy's agent stays).
  if (url.protocol === 'https:' && !cluster.proxyUrl) opts.agent = pooledAgent(url.host, opts);
  if (req.body !== undefined) opts.headers['Content-Length'] = Buffer.byteLength(req.body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = send(url, { ...opts, signal: req.signal }, (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    const timer = req.timeoutMs ? setTimeout(() => outgoing.destroy(new Error(`no answer from ${url.host} within ${req.timeoutMs} ms`)), req.timeoutMs) : undefined;
    outgoing.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    outgoing.end(req.body);
  });
}

async function readBody(res: IncomingMessage, limit = 256 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.destroy();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The Kubernetes Status message of an error answer, or the text itself. */
function statusMessage(text: string, status: number): { message: string; reason?: string } {
  try {
    const parsed = JSON.parse(text) as { message?: string; reason?: string };
    if (parsed.message) return { message: parsed.message, reason: parsed.reason };
  } catch {
    /* not JSON */
  }
  return { message: text.trim() || `the API server answered ${status}` };
}

/** A request whose answer is JSON; a non-2xx answer throws KubeError with Kubernetes' message. */
export async function kubeJson<T>(kc: KubeConfig, req: KubeRequest): Promise<T> {
  const res = await kubeRequest(kc, req);
  const text = await readBody(res);
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    const { message, reason } = statusMessage(text, status);
    throw new KubeError(status, message, reason);
  }
  return JSON.parse(text) as T;
}

/** Splits a streaming answer into its non-blank lines (a watch sends one JSON object per line). */
export async function* lines(res: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  const ready: string[] = [];
  const keep = (line: string) => {
    if (line.trim()) ready.push(line);
  };
  for await (const chunk of res) {
    splitter.push(chunk, keep);
    yield* ready.splice(0);
  }
  splitter.end(keep);
  yield* ready.splice(0);
}

export async function errorFrom(res: IncomingMessage): Promise<KubeError> {
  const status = res.statusCode ?? 0;
  const { message, reason } = statusMessage(await readBody(res, 1024 * 1024), status);
  return new KubeError(status, message, reason);
}
