/**
 * The byte pipes between a simulated process and whatever feeds or reads it: a
 * command's stdin, the `|` between two commands, a terminal's line queue. A reader
 * waits for bytes; the writer ends the stream with `end()`. A terminal's end of input
 * (Ctrl-D) is not final, so a `ByteStream` made with `{ rearm: true }` delivers one end
 * per Ctrl-D and then carries on.
 */

export type Sink = (chunk: Uint8Array) => void;

export class ByteStream {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly opts: { rearm?: boolean } = {}) {}

  write(chunk: Uint8Array | string): void {
    if (this.ended) return;
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    if (b.length === 0) return;
    this.chunks.push(b);
    this.wake();
  }

  /** No more input (or, for a terminal, one end of input). */
  end(): void {
    if (this.ended) return;
    if (this.opts.rearm) this.chunks.push(Buffer.alloc(0));
    else this.ended = true;
    this.wake();
  }

  /** Puts bytes back at the front, for a reader that took more than it wanted. */
  unshift(chunk: Buffer): void {
    if (chunk.length) this.chunks.unshift(chunk);
  }

  /** The next bytes, or `null` at the end of input. Resolves `null` too when `signal` aborts. */
  async read(signal?: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      const next = this.chunks.shift();
      if (next) return next.length ? next : null;
      if (this.ended || signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }

  /** One line without its newline; the last unterminated line at the end; `null` after that. */
  async readLine(signal?: AbortSignal): Promise<string | null> {
    const parts: Buffer[] = [];
    for (;;) {
      const chunk = await this.read(signal);
      if (chunk === null) return parts.length ? Buffer.concat(parts).toString('utf8') : null;
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        parts.push(chunk);
        continue;
      }
      parts.push(chunk.subarray(0, nl));
      this.unshift(chunk.subarray(nl + 1));
      return Buffer.concat(parts).toString('utf8');
    }
  }

  /** Everything up to the end of input; throws once more than `limit` bytes came. */
  async readAll(signal?: AbortSignal, limit = Infinity): Promise<Buffer> {
    const parts: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = await this.read(signal);
      if (chunk === null) return Buffer.concat(parts);
      size += chunk.length;
      if (size > limit) throw new RangeError('input too large');
      parts.push(chunk);
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** An input with nothing in it: what a command gets when the client sent no stdin. */
export function emptyInput(): ByteStream {
  const s = new ByteStream();
  s.end();
  return s;
}
