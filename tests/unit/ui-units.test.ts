import { describe, expect, it } from 'vitest';
import { formatBytes, formatCpu, parseQuantity, percentOf, QuantityError, quantityOrNull } from '@/lib/ui/units';

describe('parseQuantity', () => {
  it.each([
    ['1Ki', 1024],
    ['16173216Ki', 16173216 * 1024],
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['2Ti', 2 * 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
  ])('reads the binary suffix of %s', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  it.each([
    ['5n', 5e-9],
    ['250u', 250e-6],
    ['250m', 0.25],
    ['2', 2],
    ['1k', 1000],
    ['3M', 3e6],
    ['1G', 1e9],
    ['2T', 2e12],
    ['1P', 1e15],
    ['1E', 1e18],
  ])('reads the decimal suffix of %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 15);
  });

  it.each([
    ['1e3', 1000],
    ['1E3', 1000],
    ['2e-3', 0.002],
    ['1.5e+2', 150],
    ['12e0', 12],
  ])('reads the decimal exponent of %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });

  it('reads signs and the forms of a decimal number', () => {
    expect(parseQuantity('-100m')).toBeCloseTo(-0.1, 12);
    expect(parseQuantity('+1Gi')).toBe(2 ** 30);
    expect(parseQuantity('.5')).toBe(0.5);
    expect(parseQuantity('5.')).toBe(5);
    expect(parseQuantity('0')).toBe(0);
    expect(parseQuantity('139055964n')).toBeCloseTo(0.139055964, 12);
  });

  it.each(['', ' 1Gi', '1Gi ', '1gi', '1KI', '1Kib', 'Gi', '.', '1.2.3', '1e', 'e3', '1e1.5', '--1', '1m1', 'ten', '1 Mi', '0x10', '1µ'])('refuses %j with Kubernetes’ wording', (text) => {
    expect(() => parseQuantity(text)).toThrow(QuantityError);
    expect(() => parseQuantity(text)).toThrow(/quantities must match the regular expression/);
  });

  it('turns absent and bad quantities into null where a caller wants that', () => {
    expect(quantityOrNull(undefined)).toBeNull();
    expect(quantityOrNull('lots')).toBeNull();
    expect(quantityOrNull(3)).toBe(3);
    expect(quantityOrNull(Number.NaN)).toBeNull();
    expect(quantityOrNull('100Mi')).toBe(100 * 2 ** 20);
  });
});

describe('formatting', () => {
  it('writes CPU in millicores, as kubectl top does', () => {
    expect(formatCpu(0.25)).toBe('250m');
    expect(formatCpu(3.2)).toBe('3200m');
    expect(formatCpu(0)).toBe('0m');
    expect(formatCpu(0.0004)).toBe('0.4m');
    expect(formatCpu(parseQuantity('139055964n'))).toBe('139m');
  });

  it('writes memory in binary units people read', () => {
    expect(formatBytes(parseQuantity('16173216Ki'))).toBe('15.4 GiB');
    expect(formatBytes(parseQuantity('250Mi'))).toBe('250 MiB');
    expect(formatBytes(parseQuantity('1.5Gi'))).toBe('1.50 GiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB');
    expect(formatBytes(2 ** 60)).toBe('1.00 EiB');
  });

  it('gives a percentage only when there is something to compare with', () => {
    expect(percentOf(0.125, 0.25)).toBe(50);
    expect(percentOf(1, 0)).toBeNull();
    expect(percentOf(1, null)).toBeNull();
    expect(percentOf(1, undefined)).toBeNull();
  });
});
