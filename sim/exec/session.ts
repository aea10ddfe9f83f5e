/**
 * One exec over the Kubernetes WebSocket channel protocol: binary frames whose first
 * byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize; 255 closes a
 * channel in v5). The shell behind it is told about input, resizes and stdin's end;
 * its exit becomes a status frame and a normal close.
 */
import type { WebSocket } from 'ws';
import { Shell, type ShellOptions } from './shell';

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

export function runSession(ws: WebSocket, streams: ExecStreams, argv: string[], shellOpts: Omit<ShellOptions, 'tty' | 'stdin'>, failure?: { message: string; code: number }): void {
  const v4plus = ws.protocol !== 'channel.k8s.io';
  const send = (channel: number, data: string | Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    ws.send(Buffer.concat([Buffer.from([channel]), body]), { binary: true });
  };
  const text = (s: string) => (streams.tty ? s.replace(/\r?\n/g, '\r\n') : s);
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    if (v4plus) send(STATUS, JSON.stringify(exitStatus(code)));
    else if (code !== 0) send(STATUS, `command terminated with non-zero exit code: error executing command, exit code ${code}`);
    ws.close(1000);
  };
  if (failure) {
    send(streams.tty ? STDOUT : STDERR, text(failure.message));
    exit(failure.code);
    return;
  }
  const shell = new Shell(
    {
      stdout: (s) => streams.stdout && send(STDOUT, text(s)),
      stderr: (s) => (streams.tty ? streams.stdout && send(STDOUT, text(s)) : streams.stderr && send(STDERR, s)),
      exit,
    },
    { ...shellOpts, tty: streams.tty, stdin: streams.stdin },
  );
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    if (!isBinary) return;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (buf.length === 0) return;
    const payload = buf.subarray(1);
    // Input that arrives before the program has started is kept for it, not lost.
    if (!started && (buf[0] === STDIN || buf[0] === CLOSE)) {
      early.push(Buffer.from(buf));
      return;
    }
    deliver(buf, payload);
  });
  const early: Buffer[] = [];
  const deliver = (buf: Buffer, payload: Buffer) => {
    try {
      if (buf[0] === STDIN) shell.input(payload);
      else if (buf[0] === RESIZE) {
        const size = parseResize(payload);
        if (size) {
          shell.resize(size.cols, size.rows);
          begin();
        }
      } else if (buf[0] === CLOSE && v4plus && payload[0] === STDIN) shell.endInput();
    } catch (err) {
      // The shell should never throw; if it does, the session ends with a message, not a crash.
      send(STDERR, `sim: ${(err as Error).message}\n`);
      exit(1);
    }
  };
  // With a TTY the client sends the terminal's size first thing; wait briefly for it so
  // `kubectl exec -t pod -- stty size` sees the real size rather than 24x80.
  let started = false;
  const begin = () => {
    if (started) return;
    started = true;
    clearTimeout(grace);
    shell.start(argv);
    for (const buf of early.splice(0)) deliver(buf, buf.subarray(1));
  };
  const grace = setTimeout(begin, streams.tty ? 300 : 0);
  ws.on('close', () => {
    clearTimeout(grace);
    shell.close();
  });
  ws.on('error', () => shell.close());
}
