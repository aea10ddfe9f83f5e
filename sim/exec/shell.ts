/**
 * A tiny shell that runs inside a simulated container: pipelines, redirection, the
 * builtins a person reaches for first (commands.ts), `sh -c`, an interactive prompt
 * behind a terminal (terminal.ts) when there is a TTY, and a plain line reader when
 * there is not. Every stream is bytes, so binary data piped through `cat` or `tar`
 * comes out as it went in. It never throws at its caller: bad input becomes an error
 * message and a status.
 */
import { COMMANDS, Exit, type Proc } from './commands';
import { FakeFs, FsError, resolvePath } from './fs';
import { expand, parse, SyntaxError, type Pipeline, type SimpleCommand } from './parse';
import { ByteStream, emptyInput, type Sink } from './streams';
import { Terminal } from './terminal';

export interface ShellIo {
  stdout: Sink;
  stderr: Sink;
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

export interface Stdio {
  stdin: ByteStream;
  stdout: Sink;
  stderr: Sink;
}

export const SHELLS = new Set(['sh', 'bash', 'ash']);

export function isKnownCommand(argv0: string): boolean {
  const name = argv0.split('/').pop() ?? '';
  return SHELLS.has(name) || name in COMMANDS;
}


const utf8 = (s: string) => Buffer.from(s, 'utf8');

export class Shell {
  status = 0;
  cwd: string;
  readonly vars: Record<string, string>;
  name = 'sh';
  cols = 80;
  rows = 24;
  private done = false;
  /** The foreground command's interrupt, while one runs. */
  private running: AbortController | undefined;
  private readonly closed = new AbortController();
  private readonly terminal: Terminal | undefined;
  /** What the shell and its commands read: the client's bytes, or the terminal's lines. */
  private readonly stdin: ByteStream;

  constructor(
    private readonly io: ShellIo,
    readonly opts: ShellOptions,
  ) {
    this.cwd = opts.cwd;
    this.vars = { ...opts.env };
    if (opts.tty) {
      this.terminal = new Terminal((s) => io.stdout(utf8(s)), () => this.interrupt());
      this.stdin = this.terminal.input;
    } else this.stdin = opts.stdin ? new ByteStream() : emptyInput();
  }

  get fs(): FakeFs {
    return this.opts.fs;
  }

  /** Runs argv as the container runtime would: a shell, or a builtin called directly. */
  start(argv: string[]): void {
    const argv0 = argv[0] ?? 'sh';
    const name = argv0.split('/').pop() ?? argv0;
    const stdio = this.stdio();
    if (SHELLS.has(name)) {
      this.name = name === 'bash' ? 'bash' : 'sh';
      const c = argv.indexOf('-c');
      if (c >= 0) {
        const script = argv[c + 1];
        if (script === undefined) {
          this.io.stderr(utf8(`${this.name}: -c: option requires an argument\n`));
          return this.finish(2);
        }
        void this.runForeground(script, stdio).then(() => this.finish(this.status));
        return;
      }
      void this.interactive();
      return;
    }
    void this.runForeground(argv.map(quote).join(' '), stdio).then(() => this.finish(this.status));
  }

  resize(cols: number, rows: number): void {
    if (!(cols > 0 && rows > 0)) return;
    this.cols = Math.floor(cols);
    this.rows = Math.floor(rows);
  }

  /** Bytes typed or piped in. */
  input(data: Uint8Array): void {
    if (this.done) return;
    if (this.terminal) this.terminal.type(data);
    else this.stdin.write(data);
  }

  /** The client closed stdin (behind a terminal: one end of input, as Ctrl-D). */
  endInput(): void {
    this.stdin.end();
  }

  /** The connection went away: stop whatever runs. */
  close(): void {
    this.done = true;
    this.closed.abort();
    this.running?.abort();
  }

  private stdio(): Stdio {
    return { stdin: this.stdin, stdout: (b) => this.io.stdout(b), stderr: (b) => this.io.stderr(b) };
  }

  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    this.closed.abort();
    this.io.exit(code);
  }

  private prompt(): void {
    const where = this.cwd === this.vars.HOME ? '~' : this.cwd;
    this.io.stdout(utf8(this.name === 'bash' ? `root@${this.opts.hostname}:${where}# ` : `${where} # `));
  }

  /** Reads commands line by line until the end of input or `exit`. */
  private async interactive(): Promise<void> {
    const stdio = this.stdio();
    while (!this.done) {
      if (this.terminal) this.prompt();
      const line = await this.stdin.readLine(this.closed.signal);
      if (this.done) return;
      if (line === null) {
        if (this.terminal && this.name === 'bash') this.io.stdout(utf8('exit\n'));
        return this.finish(this.status);
      }
      await this.runForeground(line, stdio);
    }
  }

  private interrupt(): void {
    if (this.running) this.running.abort();
    else {
      this.status = 130;
      this.prompt();
    }
  }

  private async runForeground(script: string, stdio: Stdio): Promise<void> {
    const ac = new AbortController();
    this.running = ac;
    try {
      await this.runScript(script, stdio, ac.signal);
    } catch (err) {
      if (err instanceof Exit) {
        this.status = err.code;
        this.finish(err.code);
      } else {
        stdio.stderr(utf8(`${this.name}: ${(err as Error).message}\n`));
        this.status = 2;
      }
    } finally {
      if (this.running === ac) this.running = undefined;
    }
  }

  /** Runs a script with the given streams; `exit` throws `Exit`. */
  async runScript(script: string, stdio: Stdio, signal: AbortSignal): Promise<number> {
    let pipelines: Pipeline[];
    try {
      pipelines = parse(script);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      stdio.stderr(utf8(`${this.name}: ${err.message}\n`));
      return (this.status = 2);
    }
    for (const p of pipelines) {
      if (signal.aborted) return (this.status = 130);
      if (p.after === '&&' && this.status !== 0) continue;
      if (p.after === '||' && this.status === 0) continue;
      this.status = await this.runPipeline(p, stdio, signal);
    }
    return this.status;
  }

  private async runPipeline(p: Pipeline, stdio: Stdio, signal: AbortSignal): Promise<number> {
    if (p.commands.length === 1) return this.runCommand(p.commands[0], stdio, signal);
    const pipes = p.commands.slice(1).map(() => new ByteStream());
    const codes = await Promise.all(
      p.commands.map(async (c, i) => {
        const own: Stdio = {
          stdin: i === 0 ? stdio.stdin : pipes[i - 1],
          stdout: i === p.commands.length - 1 ? stdio.stdout : (b) => pipes[i].write(b),
          stderr: stdio.stderr,
        };
        try {
          return await this.runCommand(c, own, signal);
        } finally {
          pipes[i]?.end();
        }
      }),
    );
    return codes[codes.length - 1];
  }

  private async runCommand(c: SimpleCommand, stdio: Stdio, signal: AbortSignal): Promise<number> {
    const word = (w: SimpleCommand['words'][number]) => expand(w, (n) => (n === '?' ? String(this.status) : (this.vars[n] ?? '')));
    const argv = c.words.map(word);
    const files: { path: string; chunks: Buffer[] }[] = [];
    let own: Stdio;
    try {
      own = this.redirect(c, stdio, files, word);
    } catch (err) {
      if (!(err instanceof RedirectError)) throw err;
      stdio.stderr(utf8(`${this.name}: ${err.message}\n`));
      return 1;
    }
    try {
      return await this.run(argv, own, signal);
    } finally {
      for (const f of files) {
        try {
          this.fs.write(f.path, Buffer.concat(f.chunks), { append: true });
        } catch (err) {
          if (!(err instanceof FsError)) throw err;
          stdio.stderr(utf8(`${this.name}: write error: ${err.message}\n`));
        }
      }
    }
  }

  /** The streams a command gets once its redirections are applied, in order. */
  private redirect(c: SimpleCommand, stdio: Stdio, files: { path: string; chunks: Buffer[] }[], word: (w: SimpleCommand['words'][number]) => string): Stdio {
    const fds: [ByteStream, Sink, Sink] = [stdio.stdin, stdio.stdout, stdio.stderr];
    const discard: Sink = () => {};
    for (const r of c.redirects) {
      const target = word(r.target);
      const outs: (1 | 2)[] = r.fd === 'both' ? [1, 2] : r.fd === 1 || r.fd === 2 ? [r.fd] : [];
      if (r.op === '>&' && /^\d$/.test(target)) {
        const from = Number(target);
        for (const fd of outs) fds[fd] = from === 1 || from === 2 ? fds[from] : discard;
        continue;
      }
      if (r.op === '>&' && target === '-') {
        for (const fd of outs) fds[fd] = discard;
        continue;
      }
      if (r.op === '<&') continue;
      const path = resolvePath(this.cwd, target);
      if (r.op === '<') {
        if (r.fd !== 0) continue;
        if (path === '/dev/null') {
          fds[0] = emptyInput();
          continue;
        }
        const node = this.fs.get(path);
        if (!node) throw new RedirectError(`can't open '${target}': No such file or directory`);
        if (node.type !== 'file') throw new RedirectError(`can't open '${target}': Is a directory`);
        const input = new ByteStream();
        input.write(node.data);
        input.end();
        fds[0] = input;
        continue;
      }
      let sink: Sink;
      if (path === '/dev/null') sink = discard;
      else if (path === '/dev/stdout' || path === '/dev/stderr') sink = fds[path === '/dev/stdout' ? 1 : 2];
      else {
        try {
          const existing = this.fs.get(path);
          if (r.op === '>' || !existing) this.fs.write(path, Buffer.alloc(0));
          else if (existing.type === 'dir') throw new FsError(path, 'EISDIR');
        } catch (err) {
          if (err instanceof FsError) throw new RedirectError(`can't create ${target}: ${err.message}`);
          throw err;
        }
        const file = { path, chunks: [] as Buffer[] };
        files.push(file);
        sink = (b) => file.chunks.push(Buffer.from(b));
      }
      for (const fd of outs) fds[fd] = sink;
    }
    return { stdin: fds[0], stdout: fds[1], stderr: fds[2] };
  }

  private async run(argv: string[], stdio: Stdio, signal: AbortSignal): Promise<number> {
    while (argv.length && /^[A-Za-z_]\w*=/.test(argv[0])) {
      const [k, ...v] = argv.shift()!.split('=');
      this.vars[k] = v.join('=');
    }
    if (argv.length === 0) return 0;
    const [cmd0, ...args] = argv;
    const cmd = cmd0.includes('/') && this.fs.get(resolvePath(this.cwd, cmd0))?.type === 'file' ? (cmd0.split('/').pop() ?? cmd0) : cmd0;
    const p: Proc = {
      args,
      stdin: stdio.stdin,
      out: (t) => stdio.stdout(typeof t === 'string' ? utf8(t) : t),
      err: (t) => stdio.stderr(utf8(t)),
      signal,
      stdio,
    };
    const builtin = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
    if (!builtin) {
      p.err(this.name === 'bash' ? `bash: ${cmd0}: command not found\n` : `sh: ${cmd0}: not found\n`);
      return 127;
    }
    return builtin(this, p);
  }
}

class RedirectError extends Error {}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
