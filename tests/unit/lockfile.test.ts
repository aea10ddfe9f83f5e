import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain script without type declarations
import { missingOptionalEntries } from '../../scripts/fix-lockfile.mjs';

describe('package-lock.json', () => {
  it('has an entry for every optional platform package, so `npm ci` accepts it (run scripts/fix-lockfile.mjs after npm install)', () => {
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8'));
    expect([...(missingOptionalEntries(lock) as Map<string, unknown>).keys()]).toEqual([]);
  });
});
