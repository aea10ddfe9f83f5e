/**
 * A small parser for `text/event-stream` (the WHATWG framing), fed with chunks of
 * text as they arrive. Unlike EventSource it also reports comments (`: ping`), so
 * a client can tell a quiet stream from a dead one.
 */
export interface SseMessage {
  /** `message` when the event had no `event:` field. */
  event: string;
  data: string;
  /** The `id:` of this event, if it carried one. */
  id?: string;
}

export interface SseHandlers {
  message(message: SseMessage): void;
  comment?(text: string): void;
  retry?(ms: number): void;
}

export class SseParser {
  /** The start of a line not ended yet, in the pieces it came in (joined once, when it ends). */
  private partial: string[] = [];
  /** The last chunk ended with `\r`: a `\n` opening the next one belongs to the same line end. */
  private afterCr = false;
  private event = '';
  private data: string[] = [];
  private id: string | undefined;

  constructor(private readonly handlers: SseHandlers) {}

  /** Reads a chunk: each character is looked at once, however long the line it belongs to (a snapshot is one line of megabytes). */
  push(chunk: string): void {
    let from = this.afterCr && chunk.startsWith('\n') ? 1 : 0;
    if (chunk.length > 0) this.afterCr = false;
    let lf = chunk.indexOf('\n', from);
    let cr = chunk.indexOf('\r', from);
    while (from < chunk.length) {
      if (lf !== -1 && lf < from) lf = chunk.indexOf('\n', from);
      if (cr !== -1 && cr < from) cr = chunk.indexOf('\r', from);
      const end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      if (end === -1) {
        this.partial.push(chunk.slice(from));
        return;
      }
      let line = chunk.slice(from, end);
      if (this.partial.length > 0) {
        this.partial.push(line);
        line = this.partial.join('');
        this.partial = [];
      }
      from = end + 1;
      if (end === cr) {
        if (end + 1 === chunk.length) this.afterCr = true;
        else if (chunk[end + 1] === '\n') from++;
      }
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.handlers.message({ event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      this.event = '';
      this.data = [];
      this.id = undefined;
      return;
    }
    if (line.startsWith(':')) {
      this.handlers.comment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.handlers.retry?.(Number(value));
  }
}
