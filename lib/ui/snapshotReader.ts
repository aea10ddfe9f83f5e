const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** `"items":` ending the text before an array opens at the top level. */
const ITEMS_KEY = /[{,]\s*"items"\s*:\s*$/;

/**
 * Reads a JSON object with a large `items` array (a snapshot answer:
 * `{kind, epoch, seq, items: [...], errors}`) while its text arrives, parsing
 * the items that are complete at the end of each chunk. Ten thousand rows are
 * then parsed in many short steps alongside the download, not in one long one
 * after it. Each character is scanned once; only the unfinished end of the
 * latest chunk is kept.
 */
export class SnapshotReader {
  private readonly items: unknown[] = [];
  /** The text of the object outside `items` (whose value is written as `[]`). */
  private readonly outer: string[] = [];
  private mode: 'outer' | 'items' | 'after' = 'outer';
  /** Text not consumed yet (inside `items`: the start of an unfinished item). */
  private tail = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** How many items are parsed so far. */
  get parsed(): number {
    return this.items.length;
  }

  push(chunk: string): void {
    const buf = this.tail + chunk;
    let start = 0;
    /** Inside `items`: the last comma between two items in this chunk. */
    let boundary = -1;
    const next = { slash: buf.indexOf('\\') };
    for (let i = this.tail.length; i < buf.length; i++) {
      if (this.inString) {
        i = this.skipString(buf, i, next);
        continue;
      }
      const c = buf.charCodeAt(i);
      if (c === QUOTE) {
        this.inString = true;
        i = this.skipString(buf, i + 1, next);
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (c === OPEN_BRACKET && this.depth === 2 && this.mode === 'outer' && ITEMS_KEY.test(this.outerEnd() + buf.slice(Math.max(start, i - 32), i))) {
          this.outer.push(buf.slice(start, i + 1) + ']');
          start = i + 1;
          this.mode = 'items';
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 1 && this.mode === 'items') {
          this.parseItems(buf.slice(start, i));
          start = i + 1;
          boundary = -1;
          this.mode = 'after';
        }
      } else if (c === COMMA && this.depth === 2 && this.mode === 'items') {
        boundary = i;
      }
    }
    if (this.mode === 'items') {
      if (boundary >= start) {
        this.parseItems(buf.slice(start, boundary));
        start = boundary + 1;
      }
      this.tail = buf.slice(start);
    } else {
      this.outer.push(buf.slice(start));
      this.tail = '';
    }
  }

  /** The whole object, `items` included. Throws when the text was not one complete JSON object. */
  end(): Record<string, unknown> {
    if (this.depth !== 0 || this.inString || this.mode === 'items') throw new SyntaxError('the snapshot ended before its last row');
    const body = JSON.parse(this.outer.join('')) as Record<string, unknown>;
    if (this.mode === 'after') body.items = this.items;
    return body;
  }

  /**
   * Inside a string from `from`: the index of its closing quote (the string
   * ends), or the last index of `buf` (it goes on in the next chunk).
   * `next` caches where the next backslash is, so a chunk is searched once.
   */
  private skipString(buf: string, from: number, next: { slash: number }): number {
    let i = from;
    if (this.escaped) {
      // The previous chunk ended with a backslash: this character is escaped.
      this.escaped = false;
      i++;
    }
    for (;;) {
      const quote = buf.indexOf('"', i);
      if (next.slash !== -1 && next.slash < i) next.slash = buf.indexOf('\\', i);
      const slash = next.slash;
      if (slash !== -1 && (quote === -1 || slash < quote)) {
        if (slash === buf.length - 1) {
          this.escaped = true;
          return slash;
        }
        i = slash + 2;
        continue;
      }
      if (quote === -1) return buf.length - 1;
      this.inString = false;
      return quote;
    }
  }

  /** The last few characters of the text outside `items` so far (a key may have come split over chunks). */
  private outerEnd(): string {
    let end = '';
    for (let i = this.outer.length - 1; i >= 0 && end.length < 32; i--) end = this.outer[i] + end;
    return end.slice(-32);
  }

  private parseItems(text: string): void {
    if (text.trim() === '') return;
    for (const item of JSON.parse(`[${text}]`) as unknown[]) this.items.push(item);
  }
}
