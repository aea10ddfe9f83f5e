import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeTar, encodeTar, TarError, type TarEntry } from '../../sim/exec/tar';

const file = (name: string, data: Buffer | string, extra: Partial<TarEntry> = {}): TarEntry => ({ name, type: 'file', mode: 0o644, mtime: 1_700_000_000, data: Buffer.from(data), ...extra });

describe('the tar codec', () => {
  it('round-trips files, directories and binary content byte for byte', () => {
    const blob = randomBytes(5000);
    const entries: TarEntry[] = [{ name: 'site/', type: 'dir', mode: 0o755, mtime: 1_700_000_000, data: Buffer.alloc(0) }, file('site/a.txt', 'hello\n'), file('site/blob.bin', blob, { mode: 0o600 })];
    const archive = encodeTar(entries);
    expect(archive.length % 10240).toBe(0);
    const back = decodeTar(archive);
    expect(back.map((e) => [e.name, e.type, e.mode, e.mtime])).toEqual([
      ['site/', 'dir', 0o755, 1_700_000_000],
      ['site/a.txt', 'file', 0o644, 1_700_000_000],
      ['site/blob.bin', 'file', 0o600, 1_700_000_000],
    ]);
    expect(Buffer.compare(back[2].data, blob)).toBe(0);
  });

  it('writes real ustar headers: magic, octal fields and a checksum a POSIX reader accepts', () => {
    const header = encodeTar([file('x', 'abc')]).subarray(0, 512);
    expect(header.subarray(257, 265).toString('latin1')).toBe('ustar\u000000');
    expect(header.subarray(124, 136).toString('latin1')).toBe('00000000003\0');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    expect(parseInt(header.subarray(148, 154).toString('latin1'), 8)).toBe(sum);
  });

  it('keeps names longer than 100 bytes, through the prefix field or a pax header', () => {
    const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}.txt`;
    const flat = 'n'.repeat(180);
    const back = decodeTar(encodeTar([file(deep, '1'), file(flat, '2')]));
    expect(back.map((e) => e.name)).toEqual([deep, flat]);
  });

  it('reads GNU long names', () => {
    const long = 'g'.repeat(150);
    const archive = encodeTar([file('././@LongLink', `${long}\0`), file('short', 'data')]);
    // Turn the first entry into a GNU 'L' record: type flag L, checksum recomputed.
    archive[156] = 'L'.charCodeAt(0);
    archive.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += archive[i];
    archive.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    const back = decodeTar(archive);
    expect(back).toHaveLength(1);
    expect(back[0].name).toBe(long);
    expect(back[0].data.toString()).toBe('data');
  });

  it('refuses a damaged header and a truncated archive', () => {
    const archive = encodeTar([file('x', 'abc')]);
    const damaged = Buffer.from(archive);
    damaged[0] = 'y'.charCodeAt(0);
    expect(() => decodeTar(damaged)).toThrow(new TarError('invalid tar header checksum'));
    const header = Buffer.from(archive.subarray(0, 512));
    header.write('00000077777\0', 124, 'latin1');
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    expect(() => decodeTar(Buffer.concat([header, Buffer.alloc(512)]))).toThrow(new TarError('unexpected end of archive'));
  });

  it('is deterministic for the same entries', () => {
    const a = encodeTar([file('x', 'abc')]);
    const b = encodeTar([file('x', 'abc')]);
    expect(createHash('sha256').update(a).digest('hex')).toBe(createHash('sha256').update(b).digest('hex'));
  });
});
