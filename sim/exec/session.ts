/**
 * One exec or attach over the Kubernetes WebSocket channel protocol: binary frames
 * whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize;
 * 255 closes a channel in v5). The process behind it — a shell started for this exec,
 * or a container's main process for attach — is told about input, resizes and stdin's
 * end; its exit becomes a status frame and a normal close. Bytes pass unchanged,
 * except that a TTY turns `\n` into `\r\n` as a terminal does.
 */
import type { WebSocket } from 'ws';
import type { Sink } from './streams';

export const SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'] as const;

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
const RESIZE = 4;
const CLOSE = 255;

export interface ExecStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** What the session hands the process: where its output goes, and how it says it ended. */
export interface SessionIo {
  stdout: Sink;
  stderr: Sink;
  exit(code: number): void;
}

/** What the session drives: the process's input side. */
export interface Attachment {
  /** Called once the session is ready (with a TTY, after the first resize or a short wait). */
  begin(): void;
  input(data: Buffer): void;
  endInput(): void;
  resize(cols: number, rows: number): void;
  /** The client went away. */
  close(): void;
}

/** `{"Width":80,"Height":24}` from kubectl, `{"width":…}` from client-node; anything else → undefined. */
export function parseResize(payload: Buffer): { cols: number; rows: number } | undefined {
  try {
    const raw: unknown = JSON.parse(payload.toString('utf8'));
    if (!raw || typeof raw !== 'object') return undefined;
    const lower = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v]));
    const cols = Number(lower.width);
    const rows = Number(lower.height);
    return cols > 0 && rows > 0 ? { cols, rows } : undefined;
  } catch {
    return undefined;
  }
}

/** The status frame's body, as kube-protocol.md §5.4 shows it. */
export function exitStatus(code: number): object {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [sh], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** A terminal's output post-processing: every `\n` not already after `\r` becomes `\r\n`. */
export function crlf(data: Uint8Array): Buffer {
  const b = Buffer.from(data);
  if (!b.includes(0x0a)) return b;
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out.push(0x0d);
    out.push(b[i]);
  }
  return Buffer.from(out);
}

export interface SessionOptions {
  /** Attach reports only success when the process ends; exec reports its exit code. */
  exitCodes: boolean;
}

export function runSession(ws: WebSocket, streams: ExecStreams, connect: (io: SessionIo) => Attachment, opts: SessionOptions = { exitCodes: true }): void {
  const v4plus = ws.protocol !== 'channel.k8s.io';
  const send = (channel: number, data: Uint8Array) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  };
  const output = (data: Uint8Array) => (streams.tty ? crlf(data) : data);
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    const reported = opts.exitCodes ? code : 0;
    if (v4plus) send(STATUS, Buffer.from(JSON.stringify(exitStatus(reported))));
    else if (reported !== 0) send(STATUS, Buffer.from(`command terminated with non-zero exit code: error executing command, exit code ${reported}`));
    ws.close(1000);
  };
  const process = connect({
    stdout: (b) => {
      if (streams.stdout) send(STDOUT, output(b));
    },
    stderr: (b) => {
      // Behind a TTY there is one stream: stderr is written to the terminal too.
      if (streams.tty) {
        if (streams.stdout) send(STDOUT, output(b));
      } else if (streams.stderr) send(STDERR, b);
    },
    exit,
  });
  const early: Buffer[] = [];
  let started = false;
  const deliver = (buf: Buffer) => {
    const payload = buf.subarray(1);
    try {
      if (buf[0] === STDIN) process.input(payload);
      else if (buf[0] === RESIZE) {
        const size = parseResize(payload);
        if (size) {
          process.resize(size.cols, size.rows);
          begin();
        }
      } else if (buf[0] === CLOSE && v4plus && payload[0] === STDIN) process.endInput();
    } catch (err) {
      // The process should never throw; if it does, the session ends with a message, not a crash.
      send(STDERR, Buffer.from(`sim: ${(err as Error).message}\n`));
      exit(1);
    }
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) return;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (buf.length === 0) return;
    // Input that arrives before the program has started is kept for it, not lost.
    if (!started && (buf[0] === STDIN || buf[0] === CLOSE)) {
      early.push(Buffer.from(buf));
      return;
    }
    deliver(buf);
  });
  // With a TTY the client sends the terminal's size first thing; wait briefly for it so
  // `kubectl exec -t pod -- stty size` sees the real size rather than 24x80.
  const begin = () => {
    if (started) return;
    started = true;
    clearTimeout(grace);
    process.begin();
    for (const buf of early.splice(0)) deliver(buf);
  };
  const grace = setTimeout(begin, streams.tty ? 300 : 0);
  ws.on('close', () => {
    clearTimeout(grace);
    process.close();
  });
  ws.on('error', () => process.close());
}
