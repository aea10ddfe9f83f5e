/**
 * Splits a byte stream into lines: decoded with one streaming decoder, so a
 * character whose bytes arrive in two chunks stays whole; a trailing `\r` is
 * dropped and leading whitespace kept. With `maxLineChars`, a runaway line is
 * cut there with a note saying how much was not kept (log lines); without it,
 * lines are whole (watch events, where a cut line is a lost event).
 */
export class LineSplitter {
  private pending = '';
  private cut = 0;
  private readonly decoder = new TextDecoder();
  private readonly maxLineChars: number;

  constructor({ maxLineChars = Infinity }: { maxLineChars?: number } = {}) {
    this.maxLineChars = maxLineChars;
  }

  push(chunk: Uint8Array, emit: (line: string) => void): void {
    this.pending += this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) !== -1) {
      emit(this.finish(this.pending.slice(0, nl)));
      this.pending = this.pending.slice(nl + 1);
    }
    if (this.pending.length > this.maxLineChars) {
      this.cut += this.pending.length - this.maxLineChars;
      this.pending = this.pending.slice(0, this.maxLineChars);
    }
  }

  end(emit: (line: string) => void): void {
    this.pending += this.decoder.decode();
    if (this.pending) emit(this.finish(this.pending));
    this.pending = '';
  }

  private finish(line: string): string {
    let out = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (this.cut > 0 || out.length > this.maxLineChars) {
      const cut = this.cut + Math.max(0, out.length - this.maxLineChars);
      out = `${out.slice(0, this.maxLineChars)} … [crowsnest: ${cut} more characters not kept]`;
      this.cut = 0;
    }
    return out;
  }
}
