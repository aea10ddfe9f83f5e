/**
 * Deterministic container log lines, computed on demand. A container run writes
 * "entries" at a steady rate chosen from its identity; entry i has a fixed time and
 * fixed text derived from (pod uid, container, run id, i), so any time range can be
 * produced again without storing anything. An entry is usually one line; the odd
 * ERROR carries a stack trace (several lines with the same timestamp).
 */

/** FNV-1a, 32 bits: a stable seed from text. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast, deterministic generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Style = 'access' | 'text' | 'json';

/** Who writes the log: enough to choose the rate, the style and every line. */
export interface LogSource {
  podUid: string;
  podName: string;
  container: string;
  image: string;
  /** 0 for the first run, then one more per restart. */
  runId: number;
  /** When the run started and (if it has) finished, in ms since the epoch. */
  startMs: number;
  finishMs?: number;
  exitCode?: number;
  /** Lines per second instead of the identity-chosen 0.5–5 (container env `SIM_LOG_RATE`, for stress tests). */
  rate?: number;
  /** Entry 3 of the run is one line of this many bytes (container env `SIM_LOG_LINE_BYTES`, for stress tests). */
  hugeLineBytes?: number;
}

export interface LogLine {
  /** ms since the epoch, with a sub-millisecond fraction. */
  time: number;
  text: string;
}

/** Entries older than the newest RETAINED ones have been rotated away, as the kubelet rotates files. */
export const RETAINED_ENTRIES = 5000;
/** Share of each period an entry may drift late; keeps entry times strictly increasing. */
const JITTER = 0.8;

/** Lines per second for a container, 0.5–5, fixed by its pod uid and name. */
export function rateOf(podUid: string, container: string): number {
  const r = rng(hash32(`rate/${podUid}/${container}`))();
  return Math.round((0.5 + r * 4.5) * 10) / 10;
}

export function styleOf(image: string, container: string): Style {
  if (/nginx|ingress|envoy|haproxy|traefik/.test(image)) return 'access';
  return hash32(`style/${image}/${container}`) % 3 === 0 ? 'json' : 'text';
}

/** Some containers colour their levels, as a dev-mode logger writing to a TTY would. */
export function coloured(podUid: string, container: string): boolean {
  return hash32(`ansi/${podUid}/${container}`) % 4 === 0;
}

export class ContainerLog {
  readonly rate: number;
  readonly period: number;
  readonly style: Style;
  readonly ansi: boolean;
  private readonly seed: number;

  constructor(readonly source: LogSource) {
    this.rate = source.rate ?? rateOf(source.podUid, source.container);
    this.period = 1000 / this.rate;
    this.style = styleOf(source.image, source.container);
    this.ansi = this.style === 'text' && coloured(source.podUid, source.container);
    this.seed = hash32(`${source.podUid}/${source.container}/${source.runId}`);
  }

  /** Time of entry i. */
  timeOf(i: number): number {
    const jitter = rng((this.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0)();
    return this.source.startMs + (i + jitter * JITTER) * this.period;
  }

  /** First entry at or after t. */
  firstAtOrAfter(t: number): number {
    let i = Math.max(0, Math.floor((t - this.source.startMs) / this.period) - 1);
    while (this.timeOf(i) < t) i++;
    return i;
  }

  /** The last moment this run writes at: its finish, or now. */
  end(now: number): number {
    return this.source.finishMs !== undefined ? Math.min(this.source.finishMs, now) : now;
  }

  /** Index one past the last entry written by `now` (ordinary entries only). */
  countBy(now: number): number {
    return this.firstAtOrAfter(this.end(now) + 1e-6);
  }

  /** The oldest entry still on "disk". */
  firstRetained(now: number): number {
    return Math.max(0, this.countBy(now) - RETAINED_ENTRIES);
  }

  /** Does the run end with a fatal line (it failed)? */
  get fatal(): boolean {
    return this.source.finishMs !== undefined && (this.source.exitCode ?? 0) !== 0;
  }

  /** Lines of entries [from, to), plus the fatal line if `to` reaches the end of a failed run. */
  lines(from: number, to: number, includeFatal: boolean): LogLine[] {
    const out: LogLine[] = [];
    for (let i = from; i < to; i++) {
      const t = this.timeOf(i);
      for (const text of this.entry(i)) out.push({ time: t, text });
    }
    if (includeFatal && this.fatal) {
      for (const text of this.fatalLines()) out.push({ time: this.source.finishMs!, text });
    }
    return out;
  }

  private entry(i: number): string[] {
    const r = rng((this.seed ^ Math.imul(i + 7, 0x85ebca6b)) >>> 0);
    if (i < STARTUP.length) return [this.format('INFO', fill(STARTUP[i], this.source, r), r)];
    if (i === STARTUP.length && this.source.hugeLineBytes) return [this.format('INFO', `huge payload ${'x'.repeat(this.source.hugeLineBytes)}`, r)];
    const roll = r();
    const level = roll < 0.1 ? 'DEBUG' : roll < 0.8 ? 'INFO' : roll < 0.93 ? 'WARN' : 'ERROR';
    if (this.style === 'access' && level !== 'ERROR' && level !== 'DEBUG') return [accessLine(r)];
    if (r() < 0.005) return [this.format('INFO', `payload dump ${longPayload(r)}`, r)];
    const message = fill(pick(r, MESSAGES[level]), this.source, r);
    const line = this.format(level, message, r);
    if (level === 'ERROR' && r() < 0.35) return [line, ...stackTrace(r)];
    return [line];
  }

  private fatalLines(): string[] {
    const r = rng(this.seed ^ 0xfa7a1);
    const why = pick(r, FATAL);
    return [this.format('FATAL', `${why}; exiting with code ${this.source.exitCode}`, r)];
  }

  private format(level: string, message: string, r: () => number): string {
    if (this.style === 'json') {
      return JSON.stringify({ level: level.toLowerCase(), logger: pick(r, LOGGERS), msg: message, request_id: hex(r, 12) });
    }
    const tag = this.ansi ? `${COLOURS[level] ?? ''}${level.padEnd(5)}\x1b[0m` : level.padEnd(5);
    return `${tag} [${pick(r, LOGGERS)}] ${message}`;
  }
}

const COLOURS: Record<string, string> = { DEBUG: '\x1b[90m', INFO: '\x1b[32m', WARN: '\x1b[33m', ERROR: '\x1b[31m', FATAL: '\x1b[1;31m' };
const LOGGERS = ['main', 'http', 'db', 'cache', 'worker', 'auth', 'scheduler', 'grpc'];
const PATHS = ['/', '/api/v1/orders', '/api/v1/users/me', '/healthz', '/metrics', '/static/app.js', '/api/v1/cart', '/login', '/api/v1/search?q=boots'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'kube-probe/1.32', 'curl/8.5.0', 'Prometheus/2.53.0', 'Go-http-client/1.1'];
const STARTUP = [
  'starting {container} ({image}), run {run}',
  'loaded configuration from /etc/{container}/config.yaml',
  'listening on 0.0.0.0:8080',
];
const MESSAGES: Record<string, string[]> = {
  DEBUG: ['cache lookup key=user:{n} hit={bool}', 'pool stats idle={small} in_use={small} waiting=0', 'tick took {ms}ms'],
  INFO: [
    'handled GET /api/v1/orders in {ms}ms status=200',
    'processed job id={n} queue=default duration={ms}ms',
    'refreshed token for service account default',
    'connected to postgres.team-b.svc:5432 (pool size {small})',
    'flushed {n} metrics to prometheus',
    'request completed method=POST path=/api/v1/cart status=201 duration={ms}ms',
    'leader election: still holding lease {container}-lock',
  ],
  WARN: ['slow query took {ms}ms: SELECT * FROM orders WHERE customer_id = $1', 'retrying request to payments.team-b.svc (attempt {small}/5)', 'config key "timeout" is deprecated, use "requestTimeout"', 'high memory usage: {small}0% of limit'],
  ERROR: ['failed to process job id={n}: context deadline exceeded', 'upstream returned 503 for GET /api/v1/inventory', 'could not acquire lock orders-{n}: timeout after 5s', 'unhandled exception in request handler'],
};
const FATAL = ['panic: failed to connect to database: dial tcp 10.96.0.12:5432: connect: connection refused', 'fatal: required environment variable DATABASE_URL is not set', 'OOM: heap limit reached while loading catalogue'];
const FRAMES = ['com.example.orders.OrderService.process(OrderService.java:{n})', 'com.example.orders.Worker.run(Worker.java:{small})', 'java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)', 'java.base/java.lang.Thread.run(Thread.java:1583)'];

function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

function fill(template: string, s: LogSource, r: () => number): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    switch (k) {
      case 'container':
        return s.container;
      case 'image':
        return s.image;
      case 'run':
        return String(s.runId);
      case 'n':
        return String(1000 + Math.floor(r() * 90000));
      case 'ms':
        return String(1 + Math.floor(r() * 900));
      case 'small':
        return String(1 + Math.floor(r() * 9));
      case 'bool':
        return r() < 0.5 ? 'true' : 'false';
      default:
        return k;
    }
  });
}

function accessLine(r: () => number): string {
  const ip = `10.244.${Math.floor(r() * 8)}.${2 + Math.floor(r() * 250)}`;
  const st = r() < 0.9 ? 200 : pick(r, [301, 304, 404, 500, 502]);
  return `${ip} - - "GET ${pick(r, PATHS)} HTTP/1.1" ${st} ${Math.floor(r() * 20000)} "-" "${pick(r, AGENTS)}" rt=${(r() * 0.5).toFixed(3)}`;
}

function stackTrace(r: () => number): string[] {
  const lines = ['java.lang.IllegalStateException: connection pool exhausted'];
  const depth = 2 + Math.floor(r() * 3);
  for (let i = 0; i < depth; i++) lines.push(`\tat ${fill(FRAMES[i % FRAMES.length], {} as LogSource, r)}`);
  lines.push(`\t... ${Math.floor(r() * 20) + 3} more`);
  return lines;
}

/** 2–6 KB of base64-ish text on one line. */
function longPayload(r: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const n = 2048 + Math.floor(r() * 4096);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * 64)];
  return s;
}

/** RFC3339Nano as Go prints it: nine fraction digits with trailing zeros trimmed. */
export function rfc3339Nano(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.min(999_999, Math.floor((ms - whole) * 1e6));
  const base = new Date(whole).toISOString(); // 2024-01-01T00:00:00.123Z
  const frac = (base.slice(20, 23) + String(nanos).padStart(6, '0')).replace(/0+$/, '');
  return `${base.slice(0, 19)}${frac ? `.${frac}` : ''}Z`;
}
