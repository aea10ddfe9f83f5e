import { describe, expect, it } from 'vitest';
import { compareSimple, compareText } from '@/lib/ui/textOrder';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function aName(next: () => number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < Math.floor(next() * 10); i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

describe('compareText', () => {
  it('orders as the collator does: Kubernetes-style names, mixed case, numbers with leading zeros, and anything else', () => {
    const next = random(3);
    const simple = 'abcxyzABZ0019-.';
    const other = `${simple}_ é~ß`;
    for (let n = 0; n < 50_000; n++) {
      const alphabet = n % 4 === 0 ? other : simple;
      const a = aName(next, alphabet);
      const b = next() < 0.3 ? a.replace(/\d/g, (d) => (next() < 0.5 ? `0${d}` : d)) : aName(next, alphabet);
      expect([a, b, Math.sign(compareText(a, b))]).toEqual([a, b, Math.sign(collator.compare(a, b))]);
    }
  });

  it('takes the plain loop for simple names and leaves the rest to the collator', () => {
    expect(compareSimple('pod-9', 'pod-10')).toBe(-1);
    expect(compareSimple('Web-01', 'web-1')).toBe(0);
    expect(compareSimple('a.b', 'a-b')).toBe(1);
    expect(compareSimple('café', 'cafe')).toBeNull();
    expect(compareSimple('a_b', 'a-b')).toBeNull();
  });
});
