/**
 * A tiny shell that runs inside a simulated container: the builtins a person reaches
 * for first (echo, ls, cat, cd, env, ps, sleep, stty size …), `sh -c`, an interactive
 * prompt with line editing when there is a TTY, and a plain line reader when there is
 * not. It never throws at its caller: bad input becomes an error message and a status.
 */
import { FakeFs, resolvePath } from './fs';
import { expand, parse, SyntaxError, type Command } from './parse';

export interface ShellIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Called once, when the process ends. */
  exit(code: number): void;
}

export interface ShellOptions {
  tty: boolean;
  /** Does the client send stdin at all? Without it an interactive shell ends at once. */
  stdin: boolean;
  env: Record<string, string>;
  fs: FakeFs;
  hostname: string;
  cwd: string;
  /** PID 1's command line, for `ps`. */
  mainCommand: string[];
}

export const SHELLS = new Set(['sh', 'bash', 'ash']);
const BUILTINS = new Set(['echo', 'ls', 'cat', 'pwd', 'cd', 'env', 'hostname', 'ps', 'sleep', 'exit', 'stty', 'true', 'false', 'whoami', 'date', 'uname', 'export', 'printenv']);

export function isKnownCommand(argv0: string): boolean {
  const name = argv0.split('/').pop() ?? '';
  return SHELLS.has(name) || BUILTINS.has(name);
}

class Exit {
  constructor(readonly code: number) {}
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

function dateString(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

export class Shell {
  private status = 0;
  private cwd: string;
  private readonly vars: Record<string, string>;
  private name = 'sh';
  private cols = 80;
  private rows = 24;
  private sized = false;
  private done = false;
  /** The foreground command's interrupt, while one runs. */
  private running: AbortController | undefined;
  private interactive = false;
  private line = '';
  private escape = 0;
  private queued: string[] = [];
  private pendingText = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly io: ShellIo,
    private readonly opts: ShellOptions,
  ) {
    this.cwd = opts.cwd;
    this.vars = { ...opts.env };
  }

  /** Runs argv as the container runtime would: a shell, or a builtin called directly. */
  start(argv: string[]): void {
    const argv0 = argv[0] ?? 'sh';
    const name = argv0.split('/').pop() ?? argv0;
    if (SHELLS.has(name)) {
      this.name = name === 'bash' ? 'bash' : 'sh';
      const c = argv.indexOf('-c');
      if (c >= 0) {
        const script = argv[c + 1];
        if (script === undefined) {
          this.io.stderr(`${this.name}: -c: option requires an argument\n`);
          return this.finish(2);
        }
        void this.runForeground(script).then(() => this.finish(this.status));
        return;
      }
      this.interactive = true;
      if (!this.opts.stdin) return this.finish(0);
      if (this.opts.tty) this.prompt();
      return;
    }
    void this.runForeground(argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')).then(() => this.finish(this.status));
  }

  resize(cols: number, rows: number): void {
    if (!(cols > 0 && rows > 0)) return;
    this.cols = Math.floor(cols);
    this.rows = Math.floor(rows);
    this.sized = true;
  }

  /** Bytes typed or piped in. */
  input(data: Uint8Array): void {
    if (this.done) return;
    const text = this.decoder.decode(data, { stream: true });
    if (!this.opts.tty) {
      if (this.interactive) this.readPlain(text);
      return;
    }
    for (const ch of text) this.key(ch);
  }

  /** The client closed stdin (Ctrl-D for a pipe). */
  endInput(): void {
    if (this.done || !this.interactive) return;
    if (this.opts.tty) return;
    this.readPlain('', true);
  }

  /** The connection went away: stop whatever runs. */
  close(): void {
    this.done = true;
    this.running?.abort();
  }

  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    this.io.exit(code);
  }

  private prompt(): void {
    const where = this.cwd === this.vars.HOME ? '~' : this.cwd;
    this.io.stdout(this.name === 'bash' ? `root@${this.opts.hostname}:${where}# ` : `${where} # `);
  }

  // --- input without a TTY: whole lines, no echo, no prompt -------------------------
  private readPlain(text: string, eof = false): void {
    this.pendingText += text;
    const lines = this.pendingText.split('\n');
    this.pendingText = lines.pop() ?? '';
    this.queued.push(...lines);
    if (eof) {
      if (this.pendingText) this.queued.push(this.pendingText);
      this.pendingText = '';
      this.queued.push('\u0000eof');
    }
    void this.drainPlain();
  }

  private draining = false;
  private async drainPlain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    while (this.queued.length && !this.done) {
      const line = this.queued.shift()!;
      if (line === '\u0000eof') return this.finish(this.status);
      await this.runForeground(line);
    }
    this.draining = false;
  }

  // --- input with a TTY: echo, editing, Ctrl-C, Ctrl-D ------------------------------
  private key(ch: string): void {
    if (this.escape === 1) {
      this.escape = ch === '[' || ch === 'O' ? 2 : 0;
      return;
    }
    if (this.escape === 2) {
      if (ch >= '@' && ch <= '~') this.escape = 0;
      return;
    }
    if (ch === '\x03') return this.interrupt();
    if (this.running) {
      this.queued.push(ch);
      return;
    }
    switch (ch) {
      case '\x1b':
        this.escape = 1;
        return;
      case '\r':
      case '\n': {
        this.io.stdout('\n');
        const line = this.line;
        this.line = '';
        if (!this.interactive) return;
        void this.runForeground(line).then(() => {
          if (this.done) return;
          this.prompt();
          const typed = this.queued.splice(0);
          for (const c of typed) this.key(c);
        });
        return;
      }
      case '\x7f':
      case '\b':
        if (this.line) {
          this.line = [...this.line].slice(0, -1).join('');
          this.io.stdout('\b \b');
        }
        return;
      case '\x04':
        if (!this.line && this.interactive) {
          if (this.name === 'bash') this.io.stdout('exit\n');
          this.finish(this.status);
        }
        return;
      case '\x15':
        this.io.stdout('\b \b'.repeat([...this.line].length));
        this.line = '';
        return;
      default:
        if (ch === '\t' || ch >= ' ') {
          this.line += ch;
          this.io.stdout(ch);
        }
    }
  }

  private interrupt(): void {
    this.io.stdout('^C\n');
    this.queued = [];
    if (this.running) {
      this.running.abort();
      return;
    }
    this.line = '';
    this.status = 130;
    if (this.interactive) this.prompt();
  }

  // --- running -----------------------------------------------------------------------
  private async runForeground(script: string): Promise<void> {
    const ac = new AbortController();
    this.running = ac;
    try {
      await this.runScript(script, ac.signal);
    } catch (err) {
      if (err instanceof Exit) {
        this.status = err.code;
        this.finish(err.code);
      } else {
        this.io.stderr(`${this.name}: ${(err as Error).message}\n`);
        this.status = 2;
      }
    } finally {
      if (this.running === ac) this.running = undefined;
    }
  }

  private async runScript(script: string, signal: AbortSignal): Promise<void> {
    let commands: Command[];
    try {
      commands = parse(script);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      this.io.stderr(`${this.name}: ${err.message}\n`);
      this.status = 2;
      return;
    }
    for (const c of commands) {
      if (signal.aborted) {
        this.status = 130;
        return;
      }
      if (c.after === '&&' && this.status !== 0) continue;
      if (c.after === '||' && this.status === 0) continue;
      const argv = c.words.map((w) => expand(w, (n) => (n === '?' ? String(this.status) : (this.vars[n] ?? ''))));
      this.status = await this.run(argv, signal);
    }
  }

  private async run(argv: string[], signal: AbortSignal): Promise<number> {
    while (argv.length && /^[A-Za-z_]\w*=/.test(argv[0])) {
      const [k, ...v] = argv.shift()!.split('=');
      this.vars[k] = v.join('=');
    }
    if (argv.length === 0) return 0;
    const out = (s: string) => this.io.stdout(s);
    const err = (s: string) => this.io.stderr(s);
    const [cmd0, ...args] = argv;
    const cmd = cmd0.includes('/') && this.opts.fs.get(resolvePath(this.cwd, cmd0))?.type === 'file' ? (cmd0.split('/').pop() ?? cmd0) : cmd0;
    switch (cmd) {
      case 'echo': {
        const n = args[0] === '-n';
        out((n ? args.slice(1) : args).join(' ') + (n ? '' : '\n'));
        return 0;
      }
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'pwd':
        out(`${this.cwd}\n`);
        return 0;
      case 'cd': {
        const target = resolvePath(this.cwd, args[0] ?? this.vars.HOME ?? '/');
        if (this.opts.fs.get(target)?.type !== 'dir') {
          err(`${this.name}: cd: can't cd to ${args[0]}: No such file or directory\n`);
          return 2;
        }
        this.cwd = target;
        this.vars.PWD = target;
        return 0;
      }
      case 'env':
      case 'printenv':
      case 'export':
        if (cmd === 'export' && args.length) {
          for (const a of args) {
            const [k, ...v] = a.split('=');
            if (v.length) this.vars[k] = v.join('=');
          }
          return 0;
        }
        if (cmd === 'printenv' && args.length) {
          const v = this.vars[args[0]];
          if (v === undefined) return 1;
          out(`${v}\n`);
          return 0;
        }
        out(Object.entries(this.vars).map(([k, v]) => `${k}=${v}\n`).join(''));
        return 0;
      case 'hostname':
        out(`${this.opts.hostname}\n`);
        return 0;
      case 'whoami':
        out('root\n');
        return 0;
      case 'date':
        out(`${dateString(new Date())}\n`);
        return 0;
      case 'uname':
        out(args.includes('-a') ? `Linux ${this.opts.hostname} 6.6.0-sim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n` : 'Linux\n');
        return 0;
      case 'ps':
        out(`PID   USER     TIME  COMMAND\n    1 root      0:00 ${this.opts.mainCommand.join(' ')}\n   37 root      0:00 ${this.name}\n   44 root      0:00 ps${args.length ? ' ' + args.join(' ') : ''}\n`);
        return 0;
      case 'stty':
        if (args[0] === 'size') {
          if (!this.opts.tty) {
            err('stty: standard input: Not a tty\n');
            return 1;
          }
          out(`${this.rows} ${this.cols}\n`);
          return 0;
        }
        return 0;
      case 'sleep':
        return this.sleep(args[0], signal);
      case 'exit': {
        const code = args[0] === undefined ? this.status : Number(args[0]);
        if (!Number.isInteger(code)) {
          err(`${this.name}: exit: Illegal number: ${args[0]}\n`);
          throw new Exit(2);
        }
        throw new Exit(((code % 256) + 256) % 256);
      }
      case 'cat':
        return this.cat(args);
      case 'ls':
        return this.ls(args);
      case 'sh':
      case 'bash':
        if (args[0] === '-c' && args[1] !== undefined) {
          await this.runScript(args[1], signal);
          return this.status;
        }
        return 0;
      default:
        err(this.name === 'bash' ? `bash: ${cmd0}: command not found\n` : `sh: ${cmd0}: not found\n`);
        return 127;
    }
  }

  private sleep(arg: string | undefined, signal: AbortSignal): Promise<number> {
    const seconds = Number(arg);
    if (arg === undefined || !Number.isFinite(seconds) || seconds < 0) {
      this.io.stderr(`sleep: invalid number '${arg ?? ''}'\n`);
      return Promise.resolve(1);
    }
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(130);
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(0);
      }, seconds * 1000);
      const onAbort = () => {
        clearTimeout(t);
        resolve(130);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private cat(args: string[]): number {
    let code = 0;
    for (const a of args) {
      const node = this.opts.fs.get(resolvePath(this.cwd, a));
      if (!node) {
        this.io.stderr(`cat: can't open '${a}': No such file or directory\n`);
        code = 1;
      } else if (node.type === 'dir') {
        this.io.stderr('cat: read error: Is a directory\n');
        code = 1;
      } else this.io.stdout(node.content);
    }
    return code;
  }

  private ls(args: string[]): number {
    const flags = args.filter((a) => a.startsWith('-') && a.length > 1).join('');
    const long = flags.includes('l');
    const all = flags.includes('a');
    const paths = args.filter((a) => !a.startsWith('-') || a === '-');
    if (paths.length === 0) paths.push('.');
    let code = 0;
    const entry = (name: string, path: string) => {
      const node = this.opts.fs.get(path);
      if (!long) return name;
      const isDir = node?.type !== 'file';
      const size = isDir ? 4096 : Buffer.byteLength(node.content);
      const mode = isDir ? 'drwxr-xr-x' : path.startsWith('/bin/') || path === '/app/server' ? '-rwxr-xr-x' : '-rw-r--r--';
      return `${mode}    ${isDir ? 2 : 1} root     root     ${String(size).padStart(8)} Jan  1 00:00 ${name}`;
    };
    paths.forEach((p, idx) => {
      const path = resolvePath(this.cwd, p);
      const node = this.opts.fs.get(path);
      if (!node) {
        this.io.stderr(`ls: ${p}: No such file or directory\n`);
        code = 1;
        return;
      }
      if (node.type === 'file') {
        this.io.stdout(`${entry(p, path)}\n`);
        return;
      }
      if (paths.length > 1) this.io.stdout(`${idx ? '\n' : ''}${p}:\n`);
      const names = this.opts.fs.children(path).filter((n) => all || !n.startsWith('.'));
      const rows = [...(all ? ['.', '..'] : []), ...names].map((n) => entry(n, n === '.' || n === '..' ? path : resolvePath(path, n)));
      if (long) this.io.stdout(`total ${rows.length * 4}\n`);
      if (rows.length) this.io.stdout(long || !this.opts.tty ? rows.map((r) => `${r}\n`).join('') : `${rows.join('  ')}\n`);
    });
    return code;
  }
}
