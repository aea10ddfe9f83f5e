/**
 * Kubernetes resource quantities (`250m`, `16173216Ki`, `1.5Gi`, `2e3`) read into
 * plain numbers, and numbers written back the way people read them: CPU in
 * millicores (`250m`, as `kubectl top`), memory in binary units (`15.4 GiB`).
 */

/** Kubernetes' own wording for a quantity it cannot read. */
export const QUANTITY_FORMAT_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export class QuantityError extends Error {}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
/** Powers of ten. */
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// <sign><number> then a binary suffix, a decimal suffix, or a decimal exponent (`e3`, `E-2`).
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** A quantity's value in its base unit (cores for CPU, bytes for memory); throws QuantityError for anything Kubernetes would refuse. */
export function parseQuantity(text: string): number {
  const match = QUANTITY.exec(text);
  if (!match) throw new QuantityError(`"${text.slice(0, 64)}": ${QUANTITY_FORMAT_MESSAGE}`);
  const [, sign, digits, suffix, exponent] = match;
  const magnitude = Number(digits);
  const power = exponent !== undefined ? Number(exponent) : suffix !== undefined ? (DECIMAL[suffix] ?? 0) : 0;
  // Dividing by 10^k keeps 700m exactly 0.7, where multiplying by 1e-3 would not.
  const value = suffix !== undefined && BINARY[suffix] ? magnitude * BINARY[suffix] : power < 0 ? magnitude / 10 ** -power : magnitude * 10 ** power;
  return sign === '-' ? -value : value;
}

/** Like `parseQuantity`, but absent or unreadable quantities are null. */
export function quantityOrNull(text: unknown): number | null {
  if (typeof text === 'number') return Number.isFinite(text) ? text : null;
  if (typeof text !== 'string') return null;
  try {
    return parseQuantity(text);
  } catch {
    return null;
  }
}

/** CPU in cores → millicores, as `kubectl top` shows it: `250m`, `3200m`, `0.4m` below one millicore. */
export function formatCpu(cores: number): string {
  const milli = cores * 1000;
  if (milli !== 0 && Math.abs(milli) < 1) return `${Number(milli.toFixed(1))}m`;
  return `${Math.round(milli)}m`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Bytes in binary units with three significant figures at most: `512 B`, `245 MiB`, `15.4 GiB`, `1.50 TiB`. */
export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  let text = value.toFixed(digits);
  // 1023.96 KiB rounds to "1024": say 1.00 MiB instead.
  if (Number(text) >= 1024 && unit < BYTE_UNITS.length - 1) {
    unit++;
    text = (value / 1024).toFixed(2);
  }
  return `${bytes < 0 ? '-' : ''}${text} ${BYTE_UNITS[unit]}`;
}

/** `used` as a whole percentage of `of`; null when there is nothing to compare with. */
export function percentOf(used: number, of: number | null | undefined): number | null {
  if (of === null || of === undefined || !(of > 0)) return null;
  return Math.round((used / of) * 100);
}
