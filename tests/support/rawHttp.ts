import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the connection closed before a status line arrived. */
  status: number;
  headers: string;
  body: string;
  /** Bytes of the request body the portal let the client write before the exchange ended. */
  bodyBytesWritten: number;
}

export interface RawBody {
  /** Total body size in bytes: `prefix`, then `fill` repeated. */
  bytes: number;
  prefix?: string;
  /** Sent with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  fill?: string;
}

/**
 * One HTTP/1.1 request written byte for byte, so the request target reaches the
 * server exactly as given (fetch and http.request would normalise or refuse
 * some of the targets tests need). Resolves once the server closes the
 * connection or the answer is complete. A string body is sent as given (with
 * Content-Length unless the headers name a Transfer-Encoding).
 */
export function rawRequest(url: string, method: string, target: string, headers: Record<string, string>, body?: string | RawBody): Promise<RawAnswer> {
  const { hostname, port, host } = new URL(url);
  const text = typeof body === 'string' ? body : undefined;
  const big = typeof body === 'object' ? body : undefined;
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const framed = Object.keys(headers).some((name) => name.toLowerCase() === 'transfer-encoding');
  if (text !== undefined && !framed) lines.push(`Content-Length: ${Buffer.byteLength(text)}`);
  if (big) lines.push(big.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${big.bytes}`);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let written = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const raw = received.toString('latin1');
      const split = raw.indexOf('\r\n\r\n');
      const head = split >= 0 ? raw.slice(0, split) : raw;
      let rest = split >= 0 ? received.subarray(Buffer.byteLength(raw.slice(0, split + 4), 'latin1')).toString() : '';
      if (/\r\ntransfer-encoding: chunked/i.test(head)) rest = dechunk(rest);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest, bodyBytesWritten: written });
    };
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', () => {
      socket.write(lines.join('\r\n') + '\r\n\r\n');
      if (text !== undefined) {
        socket.write(text);
        written = Buffer.byteLength(text);
        return;
      }
      if (!big) return;
      const piece = Buffer.alloc(64 * 1024, big.fill ?? 'x');
      const prefix = Buffer.from(big.prefix ?? '');
      const pump = () => {
        while (!done && written < big.bytes) {
          const part = written === 0 && prefix.length > 0 ? prefix : piece.subarray(0, Math.min(piece.length, big.bytes - written));
          const frame = big.chunked ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part;
          written += part.length;
          if (!socket.write(frame)) return void socket.once('drain', pump);
        }
        if (!done && big.chunked) socket.write('0\r\n\r\n');
      };
      pump();
    });
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
