/**
 * Incremental parsers for what load clients read: Server-Sent-Events frames
 * (Crowsnest's streams) and newline-delimited watch events (the Kubernetes API).
 * Bytes are read as latin1: every field a benchmark looks at (ids, event names,
 * stamps, done reasons) is ASCII, and latin1 decoding is the cheapest there is.
 */

export interface SseFrame {
  id?: string;
  event: string;
  /** The data lines joined with `\n` ('' when none). */
  data: string;
  /** A `: comment` frame (heartbeat). */
  comment: boolean;
  /** Bytes the frame took on the wire, separator included. */
  bytes: number;
}

/**
 * Cuts a byte stream into SSE frames (separated by a blank line; `\n` line ends, as
 * Crowsnest sends). Only each new chunk is searched, and the pieces of an
 * unfinished frame are joined once it is complete, so a snapshot of many
 * megabytes costs one copy, not one per chunk.
 */
export class SseParser {
  private parts: string[] = [];
  private pendingBytes = 0;
  /** The pending text ends with a newline: a chunk starting with one completes the frame. */
  private endsWithNewline = false;

  push(chunk: Buffer | string, onFrame: (frame: SseFrame) => void): void {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let start = 0;
    if (this.parts.length && this.endsWithNewline && text.charCodeAt(0) === 10) {
      const block = this.take();
      onFrame(parseFrame(block.slice(0, -1), block.length + 1));
      start = 1;
    }
    for (;;) {
      const end = text.indexOf('\n\n', start);
      if (end === -1) break;
      const block = this.parts.length ? this.take() + text.slice(start, end) : text.slice(start, end);
      onFrame(parseFrame(block, block.length + 2));
      start = end + 2;
    }
    if (start < text.length) {
      this.parts.push(start === 0 ? text : text.slice(start));
      this.pendingBytes += text.length - start;
      this.endsWithNewline = text.charCodeAt(text.length - 1) === 10;
    }
  }

  private take(): string {
    const block = this.parts.join('');
    this.parts = [];
    this.pendingBytes = 0;
    this.endsWithNewline = false;
    return block;
  }

  /** Bytes held for an unfinished frame. */
  get pending(): number {
    return this.pendingBytes;
  }
}

function parseFrame(block: string, bytes: number): SseFrame {
  const frame: SseFrame = { event: 'message', data: '', comment: false, bytes };
  let data: string[] | undefined;
  let at = 0;
  while (at <= block.length) {
    let nl = block.indexOf('\n', at);
    if (nl === -1) nl = block.length;
    const line = block.slice(at, nl);
    at = nl + 1;
    if (line.startsWith(':')) {
      frame.comment = true;
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1);
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'data') (data ??= []).push(value);
  }
  if (data) frame.data = data.join('\n');
  if (frame.comment && !data && frame.id === undefined) frame.event = 'comment';
  return frame;
}

/** Cuts a watch response into its lines (one JSON event each). */
export class LineParser {
  private buffer = '';

  push(chunk: Buffer | string, onLine: (line: string) => void): void {
    this.buffer += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', start);
      if (nl === -1) break;
      if (nl > start) onLine(this.buffer.slice(start, nl));
      start = nl + 1;
    }
    this.buffer = this.buffer.slice(start);
  }
}

/** The label the simulator's `--churn-stamp` puts on each changed pod (kept in sync with sim/scenarios/churn.ts). */
const STAMP = '"bench.crowsnest/t":"';

/** The churn stamp (µs since the epoch) carried in a JSON text, or undefined. */
export function stampOf(json: string): number | undefined {
  const at = json.indexOf(STAMP);
  if (at === -1) return undefined;
  const from = at + STAMP.length;
  const to = json.indexOf('"', from);
  const value = Number(json.slice(from, to));
  return Number.isFinite(value) && to > from ? value : undefined;
}

/** The sequence number of a one-kind stream's event id `<epoch>-<seq>`, or undefined. */
export function seqOf(id: string | undefined): number | undefined {
  if (!id) return undefined;
  const dash = id.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const seq = Number(id.slice(dash + 1));
  return Number.isInteger(seq) ? seq : undefined;
}

/** The epoch of a one-kind stream's event id. */
export function epochOf(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const dash = id.lastIndexOf('-');
  return dash <= 0 ? undefined : id.slice(0, dash);
}

/** A watch event line's type (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`, `ERROR`), read without parsing the object. */
export function watchTypeOf(line: string): string | undefined {
  const m = /^\{"type":"([A-Z]+)"/.exec(line.slice(0, 24));
  return m?.[1];
}
