/** A line the viewer holds: which container it came from and its text. */
export interface ViewerLine {
  seq: number;
  container: string;
  text: string;
}

/**
 * The viewer's bounded memory of lines: the newest `max` are kept, and how
 * many were let go is counted, so a burst of any size costs the tab a fixed
 * amount of memory.
 */
export class LogBuffer {
  private lines: ViewerLine[] = [];
  private nextSeq = 0;
  dropped = 0;

  constructor(readonly max: number) {}

  append(container: string, texts: string[]): void {
    for (const text of texts) this.lines.push({ seq: this.nextSeq++, container, text });
    const excess = this.lines.length - this.max;
    // Trim in steps, so a steady trickle does not copy the array for every line.
    if (excess > Math.max(1000, this.max / 10)) {
      this.lines = this.lines.slice(excess);
      this.dropped += excess;
    }
  }

  /** Counts lines dropped upstream (the server's outbox) too. */
  lost(count: number): void {
    this.dropped += count;
  }

  all(): readonly ViewerLine[] {
    const excess = this.lines.length - this.max;
    if (excess > 0) {
      this.lines = this.lines.slice(excess);
      this.dropped += excess;
    }
    return this.lines;
  }

  clear(): void {
    this.lines = [];
    this.dropped = 0;
  }
}

export type Level = 'error' | 'warn' | 'info' | 'debug' | undefined;

const LEVELS: Array<[RegExp, Level]> = [
  [/\b(ERROR|ERR|FATAL|PANIC|CRITICAL)\b|level=(error|fatal)/i, 'error'],
  [/\b(WARN|WARNING)\b|level=warn/i, 'warn'],
  [/\bINFO\b|level=info/i, 'info'],
  [/\b(DEBUG|TRACE)\b|level=(debug|trace)/i, 'debug'],
];

/** The level a line announces, read from its first 200 characters. */
export function levelOf(text: string): Level {
  const head = text.slice(0, 200);
  for (const [pattern, level] of LEVELS) if (pattern.test(head)) return level;
  return undefined;
}

/** A filter from the text box: a case-insensitive substring, or a regular expression (an invalid one is reported, not thrown). */
export function makeFilter(query: string, regex: boolean): { test: (text: string) => boolean; error?: string } {
  if (!query) return { test: () => true };
  if (!regex) {
    const needle = query.toLowerCase();
    return { test: (text) => text.toLowerCase().includes(needle) };
  }
  try {
    const re = new RegExp(query, 'i');
    return { test: (text) => re.test(text) };
  } catch (err) {
    return { test: () => true, error: (err as Error).message };
  }
}
