/**
 * One load-client process of `npm run bench` (forked by the orchestrator): opens
 * many streams over plain TCP and measures what arrives. In `sse` mode each
 * stream is a Crowsnest SSE watch; in `watch` mode each is what a portal without
 * a shared informer would run per browser: its own paged LIST and WATCH on the
 * apiserver. Frames are scanned, not parsed: only ids, event names, stamps and
 * done reasons are read.
 */
import http from 'node:http';
import { epochOf, LineParser, seqOf, SseParser, stampOf, watchTypeOf } from './frames';
import { Histogram } from './histogram';
import type { Command, OpenCommand, Progress, Reply, Report } from './protocol';

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;

interface Stream {
  startedAt: number;
  open: boolean;
  synced: boolean;
  ended: boolean;
  /** When it ended (µs since the epoch): a stream gone before a window does not count in it. */
  endedAt?: number;
  done?: string;
  epoch?: string;
  seq?: number;
  maxStamp: number;
  measured: number;
  request?: http.ClientRequest;
}

const streams: Stream[] = [];
let window = { from: Infinity, to: -Infinity };
let windowOpenUntil = -Infinity;
let latency = new Histogram();
const syncMs = new Histogram();
let framesInWindow = 0;
let bytesInWindow = 0;
let seqGaps = 0;
let negative = 0;
let snapshotBytes = 0;
let failed = 0;
const refused: Record<string, number> = {};
const done: Record<string, number> = {};
let endedWithoutDone = 0;

function send(reply: Reply): void {
  process.send?.(reply);
}

/** A frame with a stamp arrived at `now`: measure it if it belongs to the window. */
function measure(stream: Stream, stamp: number | undefined, now: number): void {
  if (stamp === undefined) return;
  if (stamp > stream.maxStamp) stream.maxStamp = stamp;
  if (stamp < window.from || stamp > window.to) return;
  stream.measured++;
  const micros = now - stamp;
  if (micros < 0) negative++;
  latency.record(Math.max(0, micros));
}

function countArrival(bytes: number, now: number): void {
  if (now >= window.from && now <= windowOpenUntil) {
    framesInWindow++;
    bytesInWindow += bytes;
  }
}

function ended(stream: Stream, why?: string): void {
  if (stream.ended) return;
  stream.ended = true;
  stream.endedAt = nowMicros();
  if (!stream.open) return;
  if (stream.done) done[stream.done] = (done[stream.done] ?? 0) + 1;
  else if (why !== 'closing') endedWithoutDone++;
}

function refuse(stream: Stream, why: string): void {
  stream.ended = true;
  failed++;
  refused[why] = (refused[why] ?? 0) + 1;
}

/** One Crowsnest SSE stream. Resolves when its response headers are in (or it failed). */
function openSse(cmd: OpenCommand, stream: Stream): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get(cmd.url, { agent, headers: { Accept: 'text/event-stream', ...cmd.headers } }, (res) => {
      if (res.statusCode !== 200) {
        refuse(stream, String(res.statusCode));
        res.resume();
        resolve();
        return;
      }
      stream.open = true;
      resolve();
      const parser = new SseParser();
      res.on('data', (chunk: Buffer) => {
        const now = nowMicros();
        parser.push(chunk, (frame) => {
          countArrival(frame.bytes, now);
          if (frame.event === 'snapshot') {
            snapshotBytes += frame.bytes;
            if (!stream.synced) {
              stream.synced = true;
              syncMs.record((now - stream.startedAt) / 1000);
            }
          } else if (frame.event === 'added' || frame.event === 'modified') {
            measure(stream, stampOf(frame.data), now);
          } else if (frame.event === 'done') {
            try {
              stream.done = (JSON.parse(frame.data) as { reason?: string }).reason ?? 'unknown';
            } catch {
              stream.done = 'unreadable';
            }
          }
          if (frame.id !== undefined) {
            const seq = seqOf(frame.id);
            const epoch = epochOf(frame.id);
            if (seq !== undefined) {
              if (stream.seq !== undefined && epoch === stream.epoch && seq > stream.seq + 1 && frame.event !== 'snapshot') seqGaps += seq - stream.seq - 1;
              stream.seq = seq;
              stream.epoch = epoch;
            }
          }
        });
      });
      res.on('close', () => ended(stream));
      res.on('error', () => ended(stream));
    });
    stream.request = req;
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!stream.open) {
        refuse(stream, err.code ?? 'error');
        resolve();
      } else ended(stream);
    });
  });
}

function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** The naive baseline's one client: a paged LIST of all pods, then a WATCH from its resourceVersion. */
async function openWatch(cmd: OpenCommand, stream: Stream): Promise<void> {
  let rv = '';
  let cont = '';
  try {
    do {
      const page = await getJson(`${cmd.url}/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, cmd.headers);
      if (page.status !== 200) return refuse(stream, String(page.status));
      const list = page.body as { metadata: { resourceVersion: string; continue?: string } };
      snapshotBytes += JSON.stringify(list).length;
      rv = list.metadata.resourceVersion;
      cont = list.metadata.continue ?? '';
    } while (cont);
  } catch (err) {
    return refuse(stream, (err as NodeJS.ErrnoException).code ?? 'error');
  }
  stream.synced = true;
  syncMs.record((nowMicros() - stream.startedAt) / 1000);
  await new Promise<void>((resolve) => {
    const req = http.get(`${cmd.url}/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=3600&resourceVersion=${rv}`, { agent, headers: cmd.headers }, (res) => {
      if (res.statusCode !== 200) {
        refuse(stream, String(res.statusCode));
        res.resume();
        resolve();
        return;
      }
      stream.open = true;
      resolve();
      const parser = new LineParser();
      res.on('data', (chunk: Buffer) => {
        const now = nowMicros();
        parser.push(chunk, (line) => {
          const type = watchTypeOf(line);
          if (type === 'BOOKMARK') return;
          countArrival(line.length + 1, now);
          if (type === 'ADDED' || type === 'MODIFIED') measure(stream, stampOf(line), now);
          else if (type === 'ERROR') stream.done = 'watch-error';
        });
      });
      res.on('close', () => ended(stream));
      res.on('error', () => ended(stream));
    });
    stream.request = req;
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!stream.open) {
        refuse(stream, err.code ?? 'error');
        resolve();
      } else ended(stream);
    });
  });
}

async function open(cmd: OpenCommand): Promise<void> {
  const mine: Stream[] = [];
  for (let i = 0; i < cmd.streams; i++) {
    const stream: Stream = { startedAt: 0, open: false, synced: false, ended: false, maxStamp: 0, measured: 0 };
    mine.push(stream);
    streams.push(stream);
  }
  let next = 0;
  const worker = async () => {
    while (next < mine.length) {
      const stream = mine[next++];
      stream.startedAt = nowMicros();
      await (cmd.mode === 'sse' ? openSse(cmd, stream) : openWatch(cmd, stream));
    }
  };
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency, cmd.streams) }, worker));
}

function progress(caughtUpAt?: number): Progress {
  let open = 0;
  let synced = 0;
  let endedCount = 0;
  let caughtUp = 0;
  for (const s of streams) {
    if (s.open) open++;
    if (s.synced) synced++;
    if (s.open && s.ended) endedCount++;
    if (caughtUpAt !== undefined && s.maxStamp >= caughtUpAt) caughtUp++;
  }
  return { type: 'progress', requested: streams.length, open, synced, failed, ended: endedCount, caughtUp };
}

function report(): Report {
  const usage = process.cpuUsage();
  return {
    type: 'report',
    latency: latency.toJSON(),
    perStream: streams.filter((s) => s.open && !(s.ended && (s.endedAt ?? 0) < window.from)).map((s) => s.measured),
    framesInWindow,
    bytesInWindow,
    seqGaps,
    negative,
    done: { ...done },
    endedWithoutDone,
    refused: { ...refused },
    syncMs: syncMs.toJSON(),
    snapshotBytes,
    cpuMicros: usage.user + usage.system,
    rssBytes: process.memoryUsage.rss(),
  };
}

process.on('message', (cmd: Command) => {
  switch (cmd.type) {
    case 'open':
      void open(cmd);
      break;
    case 'window':
      window = { from: cmd.from, to: cmd.to };
      windowOpenUntil = cmd.to;
      latency = new Histogram();
      framesInWindow = 0;
      bytesInWindow = 0;
      seqGaps = 0;
      negative = 0;
      for (const s of streams) s.measured = 0;
      break;
    case 'progress':
      send(progress(cmd.caughtUpAt));
      break;
    case 'report':
      send(report());
      break;
    case 'close':
      for (const s of streams) {
        ended(s, 'closing');
        s.request?.destroy();
      }
      setImmediate(() => process.exit(0));
      break;
  }
});
// The orchestrator is gone: so is the point of this process.
process.on('disconnect', () => process.exit(0));
