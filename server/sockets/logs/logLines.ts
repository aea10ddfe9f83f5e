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
