import { baseRow, defineKind, rec, str } from './read';

/**
 * The number of bytes a base64 value decodes to, computed from its length so the
 * value itself is never decoded. Null when the value is not a string.
 */
export function decodedLength(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const compact = value.replace(/\s+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((compact.length * 3) / 4) - padding);
}

function utf8Length(value: unknown): number | null {
  return typeof value === 'string' ? new TextEncoder().encode(value).length : null;
}

/**
 * A secret's row carries its type, its key names and each value's size — never a
 * value. Everything else about the object (annotations such as
 * last-applied-configuration, managedFields) stays out too, by `baseRow`.
 */
export const secrets = defineKind({
  token: 'secrets',
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  alias: 'config',
  title: 'Secrets',
  columns: [
    { id: 'type', title: 'TYPE', type: 'text' },
    { id: 'data', title: 'DATA', type: 'number' },
    { id: 'keys', title: 'KEYS', type: 'list' },
  ],
  project(object) {
    const sizes = new Map<string, number | null>();
    for (const [key, value] of Object.entries(rec(object.data))) sizes.set(key, decodedLength(value));
    // stringData is write-only and never read back from an apiserver; count it anyway for objects built by hand.
    for (const [key, value] of Object.entries(rec(object.stringData))) if (!sizes.has(key)) sizes.set(key, utf8Length(value));
    const keys = [...sizes.keys()].sort().map((key) => {
      const size = sizes.get(key);
      return size === null || size === undefined ? `${key} (? bytes)` : `${key} (${size} bytes)`;
    });
    return baseRow(object, true, { type: str(object.type) ?? 'Opaque', data: sizes.size, keys }, 'neutral');
  },
});
