/**
 * The commands of the simulated container's shell, busybox-style: each reads its
 * stdin and writes its stdout and stderr as bytes, and returns an exit status. What
 * they say when something is wrong follows busybox's wording.
 */
import { createHash } from 'node:crypto';
import { FsError, resolvePath } from './fs';
import type { Shell, Stdio } from './shell';
import type { ByteStream } from './streams';
import { tar } from './tarCommand';

export interface Proc {
  args: string[];
  stdin: ByteStream;
  out(data: string | Uint8Array): void;
  err(text: string): void;
  signal: AbortSignal;
  stdio: Stdio;
}

export type Command = (sh: Shell, p: Proc) => number | Promise<number>;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

function dateString(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** Splits `-abc` style flags from operands; `--` ends the flags. */
function options(args: string[]): { flags: string; operands: string[] } {
  let flags = '';
  const operands: string[] = [];
  let done = false;
  for (const a of args) {
    if (!done && a === '--') done = true;
    else if (!done && a.startsWith('-') && a.length > 1) flags += a.slice(1);
    else operands.push(a);
  }
  return { flags, operands };
}

/** The bytes of each operand (stdin for none or `-`); reports missing files the busybox way. */
async function* inputs(sh: Shell, p: Proc, tool: string, operands: string[]): AsyncGenerator<{ name: string; data: Buffer }> {
  for (const name of operands.length ? operands : ['-']) {
    if (name === '-') {
      yield { name, data: await p.stdin.readAll(p.signal) };
      continue;
    }
    const node = sh.fs.get(resolvePath(sh.cwd, name));
    if (!node) p.err(`${tool}: can't open '${name}': No such file or directory\n`);
    else if (node.type === 'dir') p.err(`${tool}: read error: Is a directory\n`);
    else yield { name, data: node.data };
  }
}

async function cat(sh: Shell, p: Proc): Promise<number> {
  const { operands } = options(p.args);
  let code = 0;
  for (const name of operands.length ? operands : ['-']) {
    if (name === '-') {
      // Stream stdin through as it comes, so `cat` in a pipe or an attach answers at once.
      for (let chunk = await p.stdin.read(p.signal); chunk; chunk = await p.stdin.read(p.signal)) p.out(chunk);
      continue;
    }
    const node = sh.fs.get(resolvePath(sh.cwd, name));
    if (!node) {
      p.err(`cat: can't open '${name}': No such file or directory\n`);
      code = 1;
    } else if (node.type === 'dir') {
      p.err('cat: read error: Is a directory\n');
      code = 1;
    } else p.out(node.data);
  }
  return code;
}

function ls(sh: Shell, p: Proc): number {
  const { flags, operands: paths } = options(p.args);
  const long = flags.includes('l');
  const all = flags.includes('a');
  if (paths.length === 0) paths.push('.');
  let code = 0;
  const entry = (name: string, path: string) => {
    const node = sh.fs.get(path);
    if (!long || !node) return name;
    const isDir = node.type === 'dir';
    const size = node.type === 'file' ? node.data.length : 4096;
    const perms = (['r', 'w', 'x'] as const).map((_, i) => i);
    const bits = [6, 3, 0].map((shift) => perms.map((i) => ((node.mode >> shift) & (4 >> i) ? 'rwx'[i] : '-')).join('')).join('');
    const when = new Date(node.mtime * 1000);
    const stamp = `${MONTHS[when.getUTCMonth()]} ${String(when.getUTCDate()).padStart(2)} ${two(when.getUTCHours())}:${two(when.getUTCMinutes())}`;
    return `${isDir ? 'd' : '-'}${bits}    ${isDir ? 2 : 1} root     root     ${String(size).padStart(8)} ${stamp} ${name}`;
  };
  paths.forEach((name, idx) => {
    const path = resolvePath(sh.cwd, name);
    const node = sh.fs.get(path);
    if (!node) {
      p.err(`ls: ${name}: No such file or directory\n`);
      code = 1;
      return;
    }
    if (node.type === 'file') {
      p.out(`${entry(name, path)}\n`);
      return;
    }
    if (paths.length > 1) p.out(`${idx ? '\n' : ''}${name}:\n`);
    const names = sh.fs.children(path).filter((n) => all || !n.startsWith('.'));
    const rows = [...(all ? ['.', '..'] : []), ...names].map((n) => entry(n, n === '.' || n === '..' ? path : resolvePath(path, n)));
    if (long) p.out(`total ${rows.length * 4}\n`);
    if (rows.length) p.out(long || !sh.opts.tty ? rows.map((r) => `${r}\n`).join('') : `${rows.join('  ')}\n`);
  });
  return code;
}

/** `test` and `[`: file tests, string and integer comparisons, `!`. */
function test(sh: Shell, p: Proc, bracket: boolean): number {
  let args = [...p.args];
  if (bracket) {
    if (args.at(-1) !== ']') {
      p.err('sh: missing ]\n');
      return 2;
    }
    args = args.slice(0, -1);
  }
  let negate = false;
  while (args[0] === '!' && args.length > 1) {
    negate = !negate;
    args = args.slice(1);
  }
  const node = (path: string) => sh.fs.get(resolvePath(sh.cwd, path));
  const integer = (s: string) => {
    if (!/^\s*-?\d+\s*$/.test(s)) throw new Error(`sh: invalid number '${s}'`);
    return Number(s);
  };
  let result: boolean;
  try {
    if (args.length === 0) result = false;
    else if (args.length === 1) result = args[0] !== '';
    else if (args.length === 2) {
      const [op, a] = args;
      const n = node(a);
      const unary: Record<string, () => boolean> = {
        '-e': () => !!n,
        '-d': () => n?.type === 'dir',
        '-f': () => n?.type === 'file',
        '-s': () => n?.type === 'file' && n.data.length > 0,
        '-r': () => !!n,
        '-w': () => !!n,
        '-x': () => !!n && (n.mode & 0o111) !== 0,
        '-n': () => a !== '',
        '-z': () => a === '',
      };
      if (!unary[op]) {
        p.err(`sh: ${op}: unknown operand\n`);
        return 2;
      }
      result = unary[op]();
    } else if (args.length === 3) {
      const [a, op, b] = args;
      const binary: Record<string, () => boolean> = {
        '=': () => a === b,
        '==': () => a === b,
        '!=': () => a !== b,
        '-eq': () => integer(a) === integer(b),
        '-ne': () => integer(a) !== integer(b),
        '-lt': () => integer(a) < integer(b),
        '-le': () => integer(a) <= integer(b),
        '-gt': () => integer(a) > integer(b),
        '-ge': () => integer(a) >= integer(b),
      };
      if (!binary[op]) {
        p.err(`sh: ${op}: unknown operand\n`);
        return 2;
      }
      result = binary[op]();
    } else {
      p.err('sh: too many arguments\n');
      return 2;
    }
  } catch (err) {
    p.err(`${(err as Error).message}\n`);
    return 2;
  }
  return result !== negate ? 0 : 1;
}

async function read(sh: Shell, p: Proc): Promise<number> {
  const names: string[] = [];
  let raw = false;
  for (let i = 0; i < p.args.length; i++) {
    const a = p.args[i];
    if (a === '-r') raw = true;
    else if (a === '-p') p.err(p.args[++i] ?? '');
    else names.push(a);
  }
  if (names.length === 0) names.push('REPLY');
  for (const n of names) {
    if (!/^[A-Za-z_]\w*$/.test(n)) {
      p.err(`sh: read: '${n}': not a valid identifier\n`);
      return 2;
    }
  }
  let line = await p.stdin.readLine(p.signal);
  if (line === null) {
    for (const n of names) sh.vars[n] = '';
    return 1;
  }
  if (!raw) line = line.replace(/\\(.)/g, '$1');
  const fields = line.trim().split(/[ \t]+/);
  names.forEach((n, i) => {
    sh.vars[n] = i === names.length - 1 ? fields.slice(i).join(' ') : (fields[i] ?? '');
  });
  return 0;
}

/** `-n N`, `-N` and `-c N` (with `+N` meaning "from the Nth" for `tail`). */
function countOption(args: string[], tool: string): { unit: 'lines' | 'bytes'; n: number; from: boolean; operands: string[] } | string {
  let unit: 'lines' | 'bytes' = 'lines';
  let spec = '10';
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = a.match(/^-([nc])(.*)$/);
    if (m) {
      unit = m[1] === 'c' ? 'bytes' : 'lines';
      spec = m[2] || args[++i] || '';
    } else if (/^-\d+$/.test(a)) spec = a.slice(1);
    else operands.push(a);
  }
  const from = spec.startsWith('+');
  const n = Number(spec.replace(/^[+-]/, ''));
  if (!Number.isInteger(n) || n < 0) return `${tool}: invalid number '${spec}'\n`;
  return { unit, n, from, operands };
}

function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, start)) {
    lines.push(data.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

async function headTail(sh: Shell, p: Proc, tool: 'head' | 'tail'): Promise<number> {
  const o = countOption(p.args, tool);
  if (typeof o === 'string') {
    p.err(o);
    return 1;
  }
  for await (const { data } of inputs(sh, p, tool, o.operands)) {
    if (o.unit === 'bytes') {
      if (tool === 'head') p.out(data.subarray(0, o.n));
      else p.out(o.from ? data.subarray(Math.max(0, o.n - 1)) : data.subarray(Math.max(0, data.length - o.n)));
    } else {
      const lines = splitLines(data);
      const picked = tool === 'head' ? lines.slice(0, o.n) : o.from ? lines.slice(Math.max(0, o.n - 1)) : o.n ? lines.slice(-o.n) : [];
      p.out(Buffer.concat(picked));
    }
  }
  return 0;
}

async function wc(sh: Shell, p: Proc): Promise<number> {
  const { flags, operands } = options(p.args);
  const want = flags ? [...'lwc'].filter((f) => flags.includes(f)) : ['l', 'w', 'c'];
  for await (const { name, data } of inputs(sh, p, 'wc', operands)) {
    const text = data.toString('utf8');
    const counts: Record<string, number> = { l: splitLines(data).filter((l) => l[l.length - 1] === 0x0a).length, w: text.split(/\s+/).filter(Boolean).length, c: data.length };
    const cells = want.map((f) => (want.length > 1 ? String(counts[f]).padStart(7) : String(counts[f])));
    p.out(`${cells.join(' ')}${name === '-' ? '' : ` ${name}`}\n`);
  }
  return 0;
}

function digest(algorithm: 'md5' | 'sha256'): Command {
  return async (sh, p) => {
    const { operands } = options(p.args);
    let code = 0;
    for (const name of operands.length ? operands : ['-']) {
      let found = false;
      for await (const { data } of inputs(sh, p, `${algorithm}sum`, [name])) {
        found = true;
        p.out(`${createHash(algorithm).update(data).digest('hex')}  ${name}\n`);
      }
      if (!found) code = 1;
    }
    return code;
  };
}

async function base64(sh: Shell, p: Proc): Promise<number> {
  const { flags, operands } = options(p.args);
  for await (const { data } of inputs(sh, p, 'base64', operands)) {
    if (flags.includes('d')) p.out(Buffer.from(data.toString('latin1').replace(/\s+/g, ''), 'base64'));
    else p.out(`${(data.toString('base64').match(/.{1,76}/g) ?? []).join('\n')}\n`);
  }
  return 0;
}

/** `printf FORMAT [ARG…]`: `%s`, `%d`, `%%`, and the escapes `\n \t \r \\ \NNN`. */
function printf(_sh: Shell, p: Proc): number {
  const [format = '', ...args] = p.args;
  const bytes: number[] = [];
  const text = (s: string) => bytes.push(...Buffer.from(s, 'utf8'));
  let ai = 0;
  do {
    for (let i = 0; i < format.length; i++) {
      const ch = format[i];
      if (ch === '\\') {
        const m = format.slice(i + 1).match(/^([0-7]{1,3})/);
        if (m) {
          bytes.push(parseInt(m[1], 8) & 0xff);
          i += m[1].length;
          continue;
        }
        const esc = format[++i];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07' };
        text(map[esc] ?? `\\${esc ?? ''}`);
      } else if (ch === '%') {
        const spec = format[++i];
        if (spec === '%') text('%');
        else if (spec === 's') text(args[ai++] ?? '');
        else if (spec === 'd') text(String(Math.trunc(Number(args[ai++] ?? 0)) || 0));
        else text(`%${spec ?? ''}`);
      } else text(ch);
    }
  } while (ai > 0 && ai < args.length);
  p.out(Buffer.from(bytes));
  return 0;
}

function mkdir(sh: Shell, p: Proc): number {
  const { flags, operands } = options(p.args);
  let code = 0;
  for (const name of operands) {
    try {
      if (flags.includes('p')) sh.fs.mkdirp(resolvePath(sh.cwd, name));
      else sh.fs.mkdir(resolvePath(sh.cwd, name));
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      p.err(`mkdir: can't create directory '${name}': ${err.message}\n`);
      code = 1;
    }
  }
  return code;
}

function rm(sh: Shell, p: Proc): number {
  const { flags, operands } = options(p.args);
  let code = 0;
  for (const name of operands) {
    const path = resolvePath(sh.cwd, name);
    const node = sh.fs.get(path);
    if (!node) {
      if (!flags.includes('f')) {
        p.err(`rm: can't remove '${name}': No such file or directory\n`);
        code = 1;
      }
      continue;
    }
    if (node.type === 'dir' && !/[rR]/.test(flags)) {
      p.err(`rm: '${name}' is a directory\n`);
      code = 1;
      continue;
    }
    sh.fs.remove(path, true);
  }
  return code;
}

function touch(sh: Shell, p: Proc): number {
  const { operands } = options(p.args);
  let code = 0;
  for (const name of operands) {
    const path = resolvePath(sh.cwd, name);
    const node = sh.fs.get(path);
    try {
      if (node?.type === 'dir') node.mtime = Math.floor(Date.now() / 1000);
      else sh.fs.write(path, node?.data ?? Buffer.alloc(0));
    } catch (err) {
      if (!(err instanceof FsError)) throw err;
      p.err(`touch: ${name}: ${err.message}\n`);
      code = 1;
    }
  }
  return code;
}

function sleep(_sh: Shell, p: Proc): Promise<number> {
  const arg = p.args[0];
  const seconds = Number(arg);
  if (arg === undefined || !Number.isFinite(seconds) || seconds < 0) {
    p.err(`sleep: invalid number '${arg ?? ''}'\n`);
    return Promise.resolve(1);
  }
  return new Promise((resolve) => {
    if (p.signal.aborted) return resolve(130);
    const t = setTimeout(() => {
      p.signal.removeEventListener('abort', onAbort);
      resolve(0);
    }, seconds * 1000);
    const onAbort = () => {
      clearTimeout(t);
      resolve(130);
    };
    p.signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function shell(sh: Shell, p: Proc): Promise<number> {
  const c = p.args.indexOf('-c');
  if (c >= 0) {
    if (p.args[c + 1] === undefined) {
      p.err(`${sh.name}: -c: option requires an argument\n`);
      return 2;
    }
    return sh.runScript(p.args[c + 1], p.stdio, p.signal);
  }
  const file = p.args.find((a) => !a.startsWith('-'));
  if (file !== undefined) {
    const node = sh.fs.get(resolvePath(sh.cwd, file));
    if (node?.type !== 'file') {
      p.err(`${sh.name}: can't open '${file}': No such file or directory\n`);
      return 2;
    }
    return sh.runScript(node.data.toString('utf8'), p.stdio, p.signal);
  }
  // `… | sh`: the script is what comes in on stdin.
  for (let line = await p.stdin.readLine(p.signal); line !== null; line = await p.stdin.readLine(p.signal)) await sh.runScript(line, p.stdio, p.signal);
  return sh.status;
}

function env(sh: Shell, p: Proc, cmd: 'env' | 'printenv' | 'export'): number {
  if (cmd === 'export' && p.args.length) {
    for (const a of p.args) {
      const [k, ...v] = a.split('=');
      if (v.length) sh.vars[k] = v.join('=');
    }
    return 0;
  }
  if (cmd === 'printenv' && p.args.length) {
    const v = sh.vars[p.args[0]];
    if (v === undefined) return 1;
    p.out(`${v}\n`);
    return 0;
  }
  p.out(Object.entries(sh.vars).map(([k, v]) => `${k}=${v}\n`).join(''));
  return 0;
}

/** `exit` unwinds the script with this; the shell catches it and ends. */
export class Exit {
  constructor(readonly code: number) {}
}

export const COMMANDS: Record<string, Command> = {
  echo: (_sh, p) => {
    const n = p.args[0] === '-n';
    p.out((n ? p.args.slice(1) : p.args).join(' ') + (n ? '' : '\n'));
    return 0;
  },
  true: () => 0,
  false: () => 1,
  ':': () => 0,
  pwd: (sh, p) => (p.out(`${sh.cwd}\n`), 0),
  cd: (sh, p) => {
    const target = resolvePath(sh.cwd, p.args[0] ?? sh.vars.HOME ?? '/');
    if (sh.fs.get(target)?.type !== 'dir') {
      p.err(`${sh.name}: cd: can't cd to ${p.args[0]}: No such file or directory\n`);
      return 2;
    }
    sh.cwd = target;
    sh.vars.PWD = target;
    return 0;
  },
  env: (sh, p) => env(sh, p, 'env'),
  printenv: (sh, p) => env(sh, p, 'printenv'),
  export: (sh, p) => env(sh, p, 'export'),
  hostname: (sh, p) => (p.out(`${sh.opts.hostname}\n`), 0),
  whoami: (_sh, p) => (p.out('root\n'), 0),
  date: (_sh, p) => (p.out(`${dateString(new Date())}\n`), 0),
  uname: (sh, p) => (p.out(p.args.includes('-a') ? `Linux ${sh.opts.hostname} 6.6.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n` : 'Linux\n'), 0),
  ps: (sh, p) => {
    p.out(`PID   USER     TIME  COMMAND\n    1 root      0:00 ${sh.opts.mainCommand.join(' ')}\n   37 root      0:00 ${sh.name}\n   44 root      0:00 ps${p.args.length ? ' ' + p.args.join(' ') : ''}\n`);
    return 0;
  },
  stty: (sh, p) => {
    if (p.args[0] !== 'size') return 0;
    if (!sh.opts.tty) {
      p.err('stty: standard input: Not a tty\n');
      return 1;
    }
    p.out(`${sh.rows} ${sh.cols}\n`);
    return 0;
  },
  sleep,
  exit: (sh, p) => {
    const code = p.args[0] === undefined ? sh.status : Number(p.args[0]);
    if (!Number.isInteger(code)) {
      p.err(`${sh.name}: exit: Illegal number: ${p.args[0]}\n`);
      throw new Exit(2);
    }
    throw new Exit(((code % 256) + 256) % 256);
  },
  cat,
  ls,
  read,
  test: (sh, p) => test(sh, p, false),
  '[': (sh, p) => test(sh, p, true),
  head: (sh, p) => headTail(sh, p, 'head'),
  tail: (sh, p) => headTail(sh, p, 'tail'),
  wc,
  md5sum: digest('md5'),
  sha256sum: digest('sha256'),
  base64,
  printf,
  mkdir,
  rm,
  touch,
  tar,
  sh: shell,
  bash: shell,
  ash: shell,
};
