import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * One contiguous copy of a latin1 string. Some strings Node builds piece by
 * piece stay in memory as a rope of small parts (about 32 bytes per part):
 * `crypto.randomUUID()` is 20 parts, a response head about 60. For a value
 * held as long as a stream lives (hours, thousands at once) the copy is a
 * fraction of the rope.
 */
export function flatLatin1(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

/** A random UUID as one contiguous string. */
export function flatUuid(): string {
  return flatLatin1(randomUUID());
}

/**
 * Keeps a long-lived response's head as one contiguous string: Node holds the
 * head (as `_header`) for the whole life of the response, built from one part
 * per header field. Header text is latin1, so the copy is the same text.
 */
export function flattenHead(res: ServerResponse): void {
  const head = res as unknown as { _header?: unknown };
  if (typeof head._header === 'string') head._header = flatLatin1(head._header);
}
