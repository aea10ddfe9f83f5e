import { LineSplitter as StreamLineSplitter } from '../../kube/lineSplitter';

/** One line as the shared upstream holds it: Kubernetes' RFC 3339 timestamp and the text. */
export interface LogEntry {
  /** `2024-05-01T10:00:00.123456789Z`, as the apiserver writes it with `timestamps=true`. */
  time: string;
  text: string;
}

/**
 * Longest line kept whole; longer ones are cut with a note (the viewer truncates
 * further for display). Well under a client's outbox budget, so one giant line
 * is never the batch that gets dropped.
 */
export const MAX_LINE_CHARS = 256 * 1024;

export function entryOf(line: string): LogEntry {
  const space = line.indexOf(' ');
  const head = space === -1 ? line : line.slice(0, space);
  if (/^\d{4}-\d\d-\d\dT/.test(head)) return { time: head, text: space === -1 ? '' : line.slice(space + 1) };
  return { time: '', text: line };
}

export function entryMillis(entry: LogEntry): number {
  if (!entry.time) return NaN;
  return Date.parse(entry.time.replace(/(\.\d{3})\d+/, '$1'));
}

export function renderEntry(entry: LogEntry, timestamps: boolean): string {
  return timestamps && entry.time ? `${entry.time} ${entry.text}` : entry.text;
}

/** What a (late) joiner asked for, taken from the recent lines. */
export function selectEntries(ring: readonly LogEntry[], opts: { tailLines?: number; sinceSeconds?: number }, now = Date.now()): LogEntry[] {
  let selected: readonly LogEntry[] = ring;
  if (opts.sinceSeconds !== undefined) {
    const since = now - opts.sinceSeconds * 1000;
    selected = selected.filter((e) => !(entryMillis(e) < since));
  }
  if (opts.tailLines !== undefined) selected = opts.tailLines === 0 ? [] : selected.slice(-opts.tailLines);
  return [...selected];
}

/** Log lines keep their leading whitespace (indentation is part of a log line); a runaway one is cut at MAX_LINE_CHARS. */
export class LineSplitter extends StreamLineSplitter {
  constructor() {
    super({ maxLineChars: MAX_LINE_CHARS });
  }
}

/** An entry's time as a sortable key: Kubernetes trims trailing zeros from the fraction, so times are compared padded. */
function timeKey(time: string): string {
  const match = /^(.{19})(?:\.(\d{1,9}))?Z$/.exec(time);
  return match ? `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}` : time;
}

/** Orders two entry times (negative: `a` is earlier). */
export function compareTimes(a: string, b: string): number {
  const ka = timeKey(a);
  const kb = timeKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Drops what a reopened follow sends again. A follow reopened from `sinceTime`
 * (whole seconds, as Kubernetes takes it) repeats the lines of that second:
 * every entry before `last`, and entries at `last`'s very time whose text was
 * already seen there, are skipped; the first entry after that boundary ends
 * the skipping.
 */
export class Boundary {
  private readonly atLast = new Map<string, number>();
  private passed = false;

  constructor(
    private readonly last: string,
    seenAtLast: readonly string[],
  ) {
    for (const text of seenAtLast) this.atLast.set(text, (this.atLast.get(text) ?? 0) + 1);
  }

  /** The entries that are new. */
  filter(entries: LogEntry[]): LogEntry[] {
    if (this.passed) return entries;
    const fresh: LogEntry[] = [];
    for (const entry of entries) {
      if (!this.passed && entry.time) {
        const order = compareTimes(entry.time, this.last);
        if (order < 0) continue;
        const seen = order === 0 ? (this.atLast.get(entry.text) ?? 0) : 0;
        if (seen > 0) {
          this.atLast.set(entry.text, seen - 1);
          continue;
        }
        if (order > 0) this.passed = true;
      }
      fresh.push(entry);
    }
    return fresh;
  }
}

/** `sinceTime` for a follow reopened after `time`: Kubernetes takes whole seconds. */
export function sinceTimeOf(time: string): string {
  return `${time.slice(0, 19)}Z`;
}
