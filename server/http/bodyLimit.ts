import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * After an error answer, this much more of a request's body is read and thrown
 * away so the client (which may still be sending) gets to read the answer
 * rather than a connection reset. Past it, the connection is simply closed.
 */
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * Counts a request body's bytes as the HTTP parser hands them over (which it
 * does through `push`), whether the body was announced with Content-Length or
 * sent chunked. Past `maxBytes` nothing more reaches the reader downstream,
 * which never sees the body end (so it cannot act on a truncated one), and
 * `onTooLarge` runs once; the rest is thrown away as it arrives, and
 * `onDiscarded` runs once it has ended or passed the linger allowance.
 */
export function limitBody(req: IncomingMessage, maxBytes: number, onTooLarge: () => void, onDiscarded: () => void): void {
  let received = 0;
  let discarded = 0;
  let exceeded = false;
  let settled = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    onDiscarded();
  };
  const push = req.push.bind(req);
  req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    const size = chunk === null || chunk === undefined ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : (chunk as Uint8Array).byteLength;
    if (!exceeded && received + size <= maxBytes) {
      received += size;
      return push(chunk, encoding);
    }
    if (!exceeded) {
      exceeded = true;
      onTooLarge();
    }
    discarded += size;
    if (chunk === null || discarded > LINGER_BYTES) settle();
    return true;
  };
}

/**
 * Ends an error answer that has been written but not ended, once the request's
 * body is over: the unread rest is thrown away up to the linger allowance,
 * then the connection closes (the answer carries `Connection: close`).
 */
export function endAfterBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete || req.readableEnded) {
    res.end();
    return;
  }
  let discarded = 0;
  const finish = () => {
    if (!res.writableEnded) res.end();
  };
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) finish();
  });
  req.once('end', finish);
  req.once('error', finish);
  req.resume();
}
