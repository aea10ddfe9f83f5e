/**
 * `tar` in a simulated container: create (`-c`), extract (`-x`) and list (`-t`) POSIX
 * tar archives on the container's filesystem, from and to files or stdin/stdout
 * (`-f -`), with `-C dir`, `-z` (gzip; also recognised on its own when reading) and
 * `-v`. Options come as busybox and GNU tar take them: a leading bundle without a dash
 * (`tar cf - x`), dash bundles (`-xmf -`), and long options (`--directory=dir`).
 * This is what `kubectl cp` runs, both ways.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Command, Proc } from './commands';
import { FsError, parentOf, resolvePath, type FakeFs } from './fs';
import type { Shell } from './shell';
import { decodeTar, encodeTar, TarError, type TarEntry } from './tar';

interface TarOptions {
  mode?: 'c' | 'x' | 't';
  file?: string;
  dir?: string;
  gzip: boolean;
  verbose: boolean;
  touch: boolean;
  operands: string[];
}

const FLAG_LETTERS = new Set(['c', 'x', 't', 'f', 'C', 'z', 'v', 'm', 'p', 'o']);
const LONG: Record<string, (o: TarOptions, value?: string) => void> = {
  create: (o) => (o.mode = 'c'),
  extract: (o) => (o.mode = 'x'),
  get: (o) => (o.mode = 'x'),
  list: (o) => (o.mode = 't'),
  gzip: (o) => (o.gzip = true),
  gunzip: (o) => (o.gzip = true),
  ungzip: (o) => (o.gzip = true),
  verbose: (o) => (o.verbose = true),
  touch: (o) => (o.touch = true),
  file: (o, v) => (o.file = v),
  directory: (o, v) => (o.dir = v),
  'no-same-owner': () => {},
  'no-same-permissions': () => {},
  'same-permissions': () => {},
  'preserve-permissions': () => {},
  overwrite: () => {},
};
const TAKES_VALUE = new Set(['file', 'directory']);

function parseOptions(args: string[]): TarOptions | string {
  const o: TarOptions = { gzip: false, verbose: false, touch: false, operands: [] };
  const rest = [...args];
  const letters = (bundle: string): string | undefined => {
    for (let i = 0; i < bundle.length; i++) {
      const l = bundle[i];
      if (!FLAG_LETTERS.has(l)) return `tar: invalid option -- '${l}'\n`;
      if (l === 'f' || l === 'C') {
        // The value is the rest of a dash bundle, else the next argument.
        const inline = bundle.slice(i + 1);
        const value = inline || rest.shift();
        if (value === undefined) return `tar: option requires an argument -- '${l}'\n`;
        if (l === 'f') o.file = value;
        else o.dir = value;
        if (inline) return undefined;
        continue;
      }
      if (l === 'c' || l === 'x' || l === 't') o.mode = l;
      else if (l === 'z') o.gzip = true;
      else if (l === 'v') o.verbose = true;
      else if (l === 'm') o.touch = true;
    }
    return undefined;
  };
  if (rest[0] && !rest[0].startsWith('-')) {
    // The old style: `tar cf - path`, where f's value is the next argument.
    const bundle = rest.shift()!;
    for (const l of bundle) {
      const error = letters(l);
      if (error) return error;
    }
  }
  while (rest.length) {
    const a = rest.shift()!;
    if (a === '--') {
      o.operands.push(...rest.splice(0));
    } else if (a.startsWith('--')) {
      const [name, ...v] = a.slice(2).split('=');
      const set = LONG[name];
      if (!set) return `tar: unrecognized option '${a}'\n`;
      let value: string | undefined = v.length ? v.join('=') : undefined;
      if (TAKES_VALUE.has(name) && value === undefined) value = rest.shift();
      if (TAKES_VALUE.has(name) && value === undefined) return `tar: option '--${name}' requires an argument\n`;
      set(o, value);
    } else if (a.startsWith('-') && a.length > 1) {
      const error = letters(a.slice(1));
      if (error) return error;
    } else o.operands.push(a);
  }
  return o;
}

/** Member names as tar stores them: relative, no `.`/empty segments. */
function memberName(operand: string): string {
  return operand.split('/').filter((s, i) => s !== '' && !(s === '.' && i > 0)).join('/');
}

function collect(fs: FakeFs, path: string, name: string, out: TarEntry[]): void {
  const node = fs.get(path);
  if (!node) return;
  if (node.type === 'file') {
    out.push({ name, type: 'file', mode: node.mode, mtime: node.mtime, data: node.data });
    return;
  }
  out.push({ name: name.endsWith('/') ? name : `${name}/`, type: 'dir', mode: node.mode, mtime: node.mtime, data: Buffer.alloc(0) });
  for (const child of fs.children(path)) collect(fs, path === '/' ? `/${child}` : `${path}/${child}`, name === '' || name.endsWith('/') ? `${name}${child}` : `${name}/${child}`, out);
}

function describe(e: TarEntry): string {
  const type = e.type === 'dir' ? 'd' : e.type === 'symlink' ? 'l' : '-';
  const bits = [6, 3, 0].map((s) => [4, 2, 1].map((b, i) => ((e.mode >> s) & b ? 'rwx'[i] : '-')).join('')).join('');
  const when = new Date(e.mtime * 1000).toISOString().replace('T', ' ').slice(0, 19);
  return `${type}${bits} ${e.uname || e.uid || 0}/${e.gname || e.gid || 0} ${String(e.data.length).padStart(9)} ${when} ${e.name}${e.linkname ? ` -> ${e.linkname}` : ''}`;
}

async function readArchive(sh: Shell, p: Proc, o: TarOptions): Promise<Buffer | undefined> {
  if (o.file === undefined || o.file === '-') return p.stdin.readAll(p.signal, sh.fs.capacity * 2).catch(() => undefined);
  const node = sh.fs.get(resolvePath(sh.cwd, o.file));
  if (node?.type !== 'file') {
    p.err(`tar: can't open '${o.file}': No such file or directory\n`);
    return undefined;
  }
  return node.data;
}

export const tar: Command = async (sh, p) => {
  const o = parseOptions(p.args);
  if (typeof o === 'string') {
    p.err(o);
    return 1;
  }
  if (!o.mode) {
    p.err('tar: need one of -c, -t or -x\n');
    return 1;
  }
  const dir = o.dir === undefined ? sh.cwd : resolvePath(sh.cwd, o.dir);
  if (sh.fs.get(dir)?.type !== 'dir') {
    p.err(`tar: can't change directory to '${o.dir}': No such file or directory\n`);
    return 1;
  }
  const toStdout = o.file === undefined || o.file === '-';
  if (o.mode === 'c') {
    if (o.operands.length === 0) {
      p.err('tar: empty archive\n');
      return 1;
    }
    const entries: TarEntry[] = [];
    let code = 0;
    let warned = false;
    for (const operand of o.operands) {
      const path = resolvePath(dir, operand);
      if (!sh.fs.get(path)) {
        p.err(`tar: ${operand}: No such file or directory\n`);
        code = 1;
        continue;
      }
      if (operand.startsWith('/') && !warned) {
        p.err("tar: removing leading '/' from member names\n");
        warned = true;
      }
      collect(sh.fs, path, memberName(operand), entries);
    }
    if (o.verbose) for (const e of entries) (toStdout ? p.err : p.out)(`${e.name}\n`);
    let archive = encodeTar(entries);
    if (o.gzip) archive = gzipSync(archive);
    if (toStdout) p.out(archive);
    else {
      try {
        sh.fs.write(resolvePath(sh.cwd, o.file!), archive);
      } catch (err) {
        if (!(err instanceof FsError)) throw err;
        p.err(`tar: can't open '${o.file}': ${err.message}\n`);
        return 1;
      }
    }
    return code;
  }

  let archive = await readArchive(sh, p, o);
  if (!archive) {
    if (toStdout) p.err('tar: short read\n');
    return 1;
  }
  let entries: TarEntry[];
  try {
    if (archive[0] === 0x1f && archive[1] === 0x8b) archive = gunzipSync(archive);
    else if (o.gzip) throw new TarError('invalid magic');
    entries = archive.length === 0 ? [] : decodeTar(archive);
  } catch (err) {
    p.err(`tar: ${err instanceof TarError ? err.message : 'corrupted data'}\n`);
    return 1;
  }
  if (archive.length === 0) {
    p.err('tar: short read\n');
    return 1;
  }
  if (o.mode === 't') {
    for (const e of entries) p.out(`${o.verbose ? describe(e) : e.name}\n`);
    return 0;
  }
  let code = 0;
  const now = Math.floor(Date.now() / 1000);
  for (const e of entries) {
    const name = memberName(e.name);
    if (name.split('/').includes('..')) {
      p.err(`tar: skipping unsafe path '${e.name}'\n`);
      code = 1;
      continue;
    }
    if (name === '' || name === '.') continue;
    const target = resolvePath(dir, name);
    try {
      if (e.type === 'dir') sh.fs.mkdirp(target, e.mode || 0o755);
      else if (e.type === 'file') {
        sh.fs.mkdirp(parentOf(target));
        sh.fs.write(target, e.data, { mode: e.mode || 0o644, mtime: o.touch ? now : e.mtime });
      } else {
        p.err(`tar: can't create symlink '${name}' -> '${e.linkname}': not supported in this container\n`);
        continue;
      }
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      p.err(`tar: can't open '${name}': ${err.message}\n`);
      return 1;
    }
    if (o.verbose) p.out(`${e.name}\n`);
  }
  return code;
};
