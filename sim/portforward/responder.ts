/**
 * What listens on a simulated container's declared ports: a small HTTP/1.1 server,
 * one instance per forwarded connection. It answers every request with a line naming
 * the pod, the container and the port (and echoes the method and path), keeps the
 * connection open between requests unless asked to close, and answers bytes that are
 * not HTTP with 400 and a close — enough for `curl` through `kubectl port-forward`.
 */

export interface Listener {
  namespace: string;
  pod: string;
  container: string;
  port: number;
}

const MAX_HEAD = 16 * 1024;

export class HttpResponder {
  private buffer: Buffer = Buffer.alloc(0);
  private closed = false;
  /** Body bytes of the current request still to skip. */
  private skipping = 0;

  constructor(
    private readonly listener: Listener,
    private readonly write: (bytes: Buffer) => void,
    private readonly close: () => void,
  ) {}

  /** Bytes from the client. */
  receive(data: Buffer): void {
    if (this.closed) return;
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.skipping) {
        const n = Math.min(this.skipping, this.buffer.length);
        this.skipping -= n;
        this.buffer = this.buffer.subarray(n);
        if (this.skipping) return;
      }
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.buffer.length > MAX_HEAD) this.fail(431, 'Request Header Fields Too Large');
        return;
      }
      const head = this.buffer.subarray(0, end).toString('latin1');
      this.buffer = this.buffer.subarray(end + 4);
      if (!this.answer(head) || this.closed) return;
    }
  }

  /** The client closed its side: nothing more will come. */
  end(): void {
    this.finish();
  }

  private answer(head: string): boolean {
    const [requestLine, ...lines] = head.split('\r\n');
    const m = requestLine.match(/^([A-Z]+) (\S+) HTTP\/(1\.[01])$/);
    if (!m) {
      this.fail(400, 'Bad Request');
      return false;
    }
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
      this.fail(411, 'Length Required');
      return false;
    }
    this.skipping = Number(headers.get('content-length') ?? 0) || 0;
    const [, method, path, version] = m;
    const connection = headers.get('connection')?.toLowerCase() ?? '';
    const keepAlive = version === '1.1' ? connection !== 'close' : connection === 'keep-alive';
    const { namespace, pod, container, port } = this.listener;
    const body = Buffer.from(`pod ${namespace}/${pod}, container ${container}, port ${port}: ${method} ${path}\n`, 'utf8');
    this.respond(200, 'OK', method === 'HEAD' ? undefined : body, body.length, keepAlive);
    if (!keepAlive) this.finish();
    return keepAlive;
  }

  private respond(code: number, reason: string, body: Buffer | undefined, length: number, keepAlive: boolean): void {
    const head = [
      `HTTP/1.1 ${code} ${reason}`,
      'Server: sim-http',
      `Date: ${new Date().toUTCString()}`,
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${length}`,
      `Connection: ${keepAlive ? 'keep-alive' : 'close'}`,
      '',
      '',
    ].join('\r\n');
    this.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1'));
  }

  private fail(code: number, reason: string): void {
    const body = Buffer.from(`${reason}\n`);
    this.respond(code, reason, body, body.length, false);
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.close();
  }
}
