import { describe, expect, it } from 'vitest';
import { SnapshotReader } from '@/lib/ui/snapshotReader';

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Text that tries to fool a scanner: quotes, backslashes, brackets, commas, a key-like `"items":[`, non-ASCII. */
function trickyText(next: () => number): string {
  const parts = ['"', '\\', '{', '}', '[', ']', ',', ':', '"items":[', 'é', '✓', '\n', 'pod', ' ', '\\"', '\u0000'];
  let out = '';
  for (let i = 0; i < 1 + Math.floor(next() * 6); i++) out += parts[Math.floor(next() * parts.length)];
  return out;
}

function aSnapshot(next: () => number, rows: number) {
  const row = (i: number) => ({
    uid: `uid-${i}`,
    name: trickyText(next),
    cells: { status: trickyText(next), restarts: Math.floor(next() * 9), items: [trickyText(next), { items: [] }], ready: next() < 0.5 ? null : true },
    labels: { [trickyText(next)]: trickyText(next) },
  });
  return { kind: 'pods', epoch: 'e1', seq: 42, errors: [{ kind: 'pods', namespace: trickyText(next), code: 403, message: 'forbidden' }], items: Array.from({ length: rows }, (_, i) => row(i)), after: { items: [1, 2] } };
}

function readInChunks(text: string, next: () => number, maxChunk: number) {
  const reader = new SnapshotReader();
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(next() * maxChunk);
    reader.push(text.slice(i, i + n));
    i += n;
  }
  return reader.end();
}

describe('SnapshotReader', () => {
  it('gives what JSON.parse gives, however the text is cut into chunks', () => {
    const next = random(11);
    for (let round = 0; round < 60; round++) {
      const snapshot = aSnapshot(next, Math.floor(next() * 40));
      const text = JSON.stringify(snapshot, null, round % 3 === 0 ? 1 : undefined);
      expect(readInChunks(text, next, round % 2 === 0 ? 3 : 400)).toEqual(JSON.parse(text));
    }
  });

  it('parses rows while the text arrives, not all at the end', () => {
    const text = JSON.stringify({ kind: 'pods', epoch: 'e1', seq: 1, items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    const reader = new SnapshotReader();
    const cut = text.indexOf('{"name":"c"');
    reader.push(text.slice(0, cut));
    expect(reader.parsed).toBe(2);
    reader.push(text.slice(cut));
    expect(reader.end().items).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  });

  it('reads an answer without items, and refuses one cut short', () => {
    const reader = new SnapshotReader();
    reader.push('{"kind":"pods","syncing":true}');
    expect(reader.end()).toEqual({ kind: 'pods', syncing: true });
    const short = new SnapshotReader();
    short.push('{"kind":"pods","items":[{"name":"a"},{"na');
    expect(() => short.end()).toThrow(SyntaxError);
  });
});
