/**
 * POSIX tar (ustar) archives as byte buffers: what `tar -c` writes and `tar -x`/`-t`
 * read in a simulated container, and what `kubectl cp` sends and expects. Reading
 * also understands the extensions real writers use for long names: pax extended
 * headers (`x`, as Go's archive/tar writes) and GNU long names (`L`, `K`).
 */

export interface TarEntry {
  /** As stored: a relative path, directories ending in `/`. */
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  data: Buffer;
  linkname?: string;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
}

export class TarError extends Error {}

const BLOCK = 512;
/** Archives are padded to whole records of 20 blocks, as GNU tar and busybox write them. */
const RECORD = 20 * BLOCK;

// --- writing ---------------------------------------------------------------------------

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function putString(block: Buffer, offset: number, width: number, text: string): void {
  Buffer.from(text, 'utf8').copy(block, offset, 0, width);
}

function header(fields: { name: string; prefix?: string; mode: number; uid: number; gid: number; size: number; mtime: number; type: string; linkname?: string; uname: string; gname: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  putString(b, 0, 100, fields.name);
  putString(b, 100, 8, octal(fields.mode & 0o7777, 8));
  putString(b, 108, 8, octal(fields.uid, 8));
  putString(b, 116, 8, octal(fields.gid, 8));
  putString(b, 124, 12, octal(fields.size, 12));
  putString(b, 136, 12, octal(Math.max(0, Math.floor(fields.mtime)), 12));
  b.write(fields.type, 156, 'latin1');
  putString(b, 157, 100, fields.linkname ?? '');
  b.write('ustar\u000000', 257, 'latin1');
  putString(b, 265, 32, fields.uname);
  putString(b, 297, 32, fields.gname);
  putString(b, 329, 8, octal(0, 8));
  putString(b, 337, 8, octal(0, 8));
  putString(b, 345, 155, fields.prefix ?? '');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

/** Splits a long name into ustar's prefix and name fields, if it can be. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return { prefix: '', name };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest) return { prefix, name: rest };
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest ? [data, Buffer.alloc(BLOCK - rest)] : [data];
}

export function encodeTar(entries: TarEntry[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const name = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    const common = { mode: e.mode, uid: e.uid ?? 0, gid: e.gid ?? 0, mtime: e.mtime, uname: e.uname ?? 'root', gname: e.gname ?? 'root' };
    let split = splitName(name);
    const longLink = e.linkname !== undefined && Buffer.byteLength(e.linkname) > 100;
    if (!split || longLink) {
      const pax = Buffer.from((split ? '' : paxRecord('path', name)) + (longLink ? paxRecord('linkpath', e.linkname!) : ''), 'utf8');
      const base = name.replace(/\/$/, '').split('/').pop() ?? 'entry';
      out.push(header({ ...common, name: `PaxHeaders.0/${base}`.slice(0, 99), size: pax.length, type: 'x' }), ...padded(pax));
      split ??= { prefix: '', name: Buffer.from(name, 'utf8').subarray(0, 100).toString('utf8').replace(/\uFFFD$/, '') };
    }
    const type = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0';
    out.push(header({ ...common, ...split, size: data.length, type, linkname: longLink ? '' : e.linkname }));
    if (data.length) out.push(...padded(data));
  }
  out.push(Buffer.alloc(2 * BLOCK));
  const size = out.reduce((n, b) => n + b.length, 0);
  if (size % RECORD) out.push(Buffer.alloc(RECORD - (size % RECORD)));
  return Buffer.concat(out);
}

// --- reading ---------------------------------------------------------------------------

function cString(block: Buffer, offset: number, width: number): string {
  const field = block.subarray(offset, offset + width);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? width : nul).toString('utf8');
}

function number(block: Buffer, offset: number, width: number, what: string): number {
  const field = block.subarray(offset, offset + width);
  if (field[0] & 0x80) {
    // base-256, for values too large for octal
    let v = field[0] & 0x7f;
    for (let i = 1; i < width; i++) v = v * 256 + field[i];
    return v;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError(`invalid tar header: bad ${what} field`);
  return parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  const stored = number(block, 148, 8, 'checksum');
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space < 0) break;
    const len = Number(data.subarray(i, space).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) throw new TarError('invalid tar header: bad pax record');
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

const isZero = (block: Buffer) => block.every((b) => b === 0);

export function decodeTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let at = 0;
  while (at + BLOCK <= archive.length) {
    const block = archive.subarray(at, at + BLOCK);
    if (isZero(block)) return entries;
    if (!checksumOk(block)) throw new TarError('invalid tar header checksum');
    const size = number(block, 124, 12, 'size');
    const start = at + BLOCK;
    const end = start + size;
    if (end > archive.length) throw new TarError('unexpected end of archive');
    const data = archive.subarray(start, end);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    const type = String.fromCharCode(block[156] || 0x30);
    if (type === 'x') {
      pax = { ...pax, ...parsePax(data) };
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L' || type === 'K') {
      const text = data.toString('utf8').replace(/\0+$/, '');
      if (type === 'L') longName = text;
      else longLink = text;
      continue;
    }
    const magic = block.subarray(257, 263).toString('latin1');
    const prefix = magic.startsWith('ustar') && magic !== 'ustar ' ? cString(block, 345, 155) : '';
    const stored = cString(block, 0, 100);
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${stored}` : stored);
    const linkname = pax.linkpath ?? longLink ?? cString(block, 157, 100);
    const common = {
      name,
      mode: number(block, 100, 8, 'mode'),
      mtime: pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : number(block, 136, 12, 'mtime'),
      uid: number(block, 108, 8, 'uid'),
      gid: number(block, 116, 8, 'gid'),
      uname: cString(block, 265, 32),
      gname: cString(block, 297, 32),
    };
    pax = {};
    longName = longLink = undefined;
    if (type === '5' || ((type === '0' || type === '7') && name.endsWith('/'))) entries.push({ ...common, type: 'dir', data: Buffer.alloc(0) });
    else if (type === '0' || type === '7') entries.push({ ...common, type: 'file', data: Buffer.from(data) });
    else if (type === '1') {
      const target = [...entries].reverse().find((e) => e.name === linkname && e.type === 'file');
      entries.push({ ...common, type: 'file', data: target ? target.data : Buffer.alloc(0) });
    } else if (type === '2') entries.push({ ...common, type: 'symlink', data: Buffer.alloc(0), linkname });
    // Devices and fifos have no place in a simulated container: skipped.
  }
  if (at < archive.length || entries.length === 0) throw new TarError('unexpected end of archive');
  return entries;
}
