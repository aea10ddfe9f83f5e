import pino from 'pino';

const LEVEL_COLOURS: Record<string, number> = { trace: 90, debug: 90, info: 36, warn: 33, error: 31, fatal: 35 };

function paint(code: number, text: string, colour: boolean): string {
  return colour ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/**
 * One JSON log line as a person reads it in a terminal: the time of day, the
 * level, the message, then the other fields as `key=value`. A line with
 * `banner: true` (what the server says when it is ready) is just its message.
 */
export function formatLogLine(line: string, colour = true): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, service: _service, banner, ...fields } = entry;
  const message = typeof msg === 'string' ? msg : '';
  if (banner === true) return message;
  const clock = typeof time === 'string' ? time.slice(11, 19) : '';
  const label = typeof level === 'string' ? level : 'info';
  const rest = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${paint(90, clock, colour)} ${paint(LEVEL_COLOURS[label] ?? 0, label.toUpperCase().padEnd(5), colour)} ${message}${rest ? `  ${paint(90, rest, colour)}` : ''}`;
}

/** Pretty lines for a person at a terminal; JSON lines (one object each) for everything else, and whenever CROWSNEST_LOG_FORMAT=json. */
function destination(): pino.DestinationStream | undefined {
  const format = process.env.CROWSNEST_LOG_FORMAT;
  const pretty = format === 'pretty' || (format !== 'json' && process.stdout.isTTY === true);
  if (!pretty) return undefined;
  const colour = process.stdout.hasColors?.() ?? false;
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line) process.stdout.write(`${formatLogLine(line, colour)}\n`);
    },
  };
}

/**
 * Structured logs, one object per line (pretty in a terminal). Every field
 * that could carry a credential is redacted before it is written.
 */
export const log = pino(
  {
    level: process.env.CROWSNEST_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    base: { service: 'crowsnest' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['token', 'password', 'secret', 'headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
  },
  destination(),
);

export type Logger = typeof log;
