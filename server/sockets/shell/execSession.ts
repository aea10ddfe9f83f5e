import type { ClientRequest, IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';

/** Channels of Kubernetes' WebSocket exec protocol (v4/v5). */
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

export interface ExecEvents {
  output(data: Buffer): void;
  /** The process ended with `code` (null: the connection ended without a status), or Kubernetes refused. */
  exit(code: number | null, message?: string): void;
}

/** An exec refused before it started (the upgrade answered with a Status). */
export class ExecRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The exit code in an exec status frame: Success → 0, NonZeroExitCode → its cause, otherwise null with the message. */
function exitFromStatus(text: string): { code: number | null; message?: string } {
  try {
    const status = JSON.parse(text) as { status?: string; message?: string; reason?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } };
    if (status.status === 'Success') return { code: 0 };
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    if (cause?.message && /^\d+$/.test(cause.message)) return { code: Number(cause.message), message: status.message };
    return { code: null, message: status.message ?? text };
  } catch {
    const m = /exit code (\d+)/.exec(text);
    return { code: m ? Number(m[1]) : null, message: text };
  }
}

function readAll(res: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < limit) body += chunk;
    });
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}

/**
 * One exec into a container over Kubernetes' WebSocket channel protocol, with
 * a TTY, made with `kubeConfig` (the person's impersonating config). Resolves
 * once the process runs; rejects with ExecRefused and Kubernetes' own message
 * when the upgrade is refused.
 */
export class ExecSession {
  private exited = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly events: ExecEvents,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      const channel = data[0];
      const body = data.subarray(1);
      if (channel === STDOUT || channel === STDERR) events.output(Buffer.from(body));
      else if (channel === STATUS) {
        const { code, message } = exitFromStatus(body.toString('utf8'));
        this.exit(code, message);
      }
    });
    ws.on('close', () => this.exit(null, 'the connection to the container closed'));
    ws.on('error', (err) => this.exit(null, `the connection to the container broke: ${err.message}`));
  }

  static async open(kubeConfig: KubeConfig, target: ExecTarget, size: { cols: number; rows: number } | undefined, events: ExecEvents, signal: AbortSignal): Promise<ExecSession> {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(`${cluster.server.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods/${encodeURIComponent(target.pod)}/exec`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    for (const [k, v] of [['container', target.container], ['stdin', 'true'], ['stdout', 'true'], ['stderr', 'false'], ['tty', 'true']]) url.searchParams.set(k, v);
    for (const part of target.command) url.searchParams.append('command', part);
    const opts: { headers?: Record<string, string | string[]> } & Record<string, unknown> = {};
    await kubeConfig.applyToHTTPSOptions(opts);
    return new Promise<ExecSession>((resolve, reject) => {
      const ws = new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], { ...opts, perMessageDeflate: false, handshakeTimeout: 30_000 });
      const onAbort = () => ws.terminate();
      signal.addEventListener('abort', onAbort, { once: true });
      ws.once('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
        void readAll(res).then((body) => {
          let message = body.trim() || `the cluster refused the shell (${res.statusCode})`;
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch {
            /* not a Status */
          }
          ws.terminate();
          reject(new ExecRefused(res.statusCode ?? 502, message));
        });
      });
      ws.once('error', (err) => reject(new ExecRefused(502, `could not reach the cluster: ${err.message}`)));
      ws.once('open', () => {
        const session = new ExecSession(ws, events);
        ws.once('close', () => signal.removeEventListener('abort', onAbort));
        if (size) session.resize(size.cols, size.rows);
        resolve(session);
      });
    });
  }

  input(data: Buffer): void {
    this.send(STDIN, data);
  }

  resize(cols: number, rows: number): void {
    this.send(RESIZE, Buffer.from(JSON.stringify({ Width: cols, Height: rows })));
  }

  close(): void {
    this.exited = true;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  private send(channel: number, body: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(Buffer.concat([Buffer.from([channel]), body]), { binary: true });
  }

  private exit(code: number | null, message?: string): void {
    if (this.exited) return;
    this.exited = true;
    this.events.exit(code, message);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
  }
}
