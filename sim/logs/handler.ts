/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's lines as text/plain,
 * chunked and flushed at once. With follow the response stays open, writing each new
 * line when its time comes, and ends when the container stops, the pod goes, the
 * client leaves or the simulator closes.
 */
import type { ResourceRequest } from '../api/context';
import { queryFlag } from '../api/query';
import { badRequest, invalid, methodNotAllowed, notFound } from '../status';
import type { KubeObject } from '../types';
import { containerStatus, currentRun, pickContainer, previousRun } from './containers';
import { logFollowsOf } from './follows';
import { ContainerLog, rfc3339Nano, type LogLine } from './lines';

const POD_KEY = '/pods';

export interface LogQuery {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceMs?: number;
  limitBytes?: number;
}

function integer(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

function tooSmall(field: string, value: number, min: number) {
  return invalid('PodLogOptions', '', '', [{ field, message: `Invalid value: ${value}: must be greater than or equal to ${min}` }]);
}

/** Parses the query as the apiserver validates PodLogOptions. */
export function parseLogQuery(q: URLSearchParams, now = Date.now()): LogQuery {
  const tailLines = integer(q, 'tailLines');
  const sinceSeconds = integer(q, 'sinceSeconds');
  const limitBytes = integer(q, 'limitBytes');
  const sinceTime = q.get('sinceTime');
  if (tailLines !== undefined && tailLines < 0) throw tooSmall('tailLines', tailLines, 0);
  if (sinceSeconds !== undefined && sinceSeconds < 1) throw tooSmall('sinceSeconds', sinceSeconds, 1);
  if (limitBytes !== undefined && limitBytes < 1) throw tooSmall('limitBytes', limitBytes, 1);
  if (sinceSeconds !== undefined && sinceTime) {
    throw invalid('PodLogOptions', '', '', [{ field: 'sinceSeconds', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified' }]);
  }
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs)) throw badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as RFC3339`);
  }
  return {
    container: q.get('container') || undefined,
    follow: queryFlag(q, 'follow'),
    previous: queryFlag(q, 'previous'),
    timestamps: queryFlag(q, 'timestamps'),
    tailLines,
    sinceMs,
    limitBytes,
  };
}

/** The lines a non-following read returns, newest last. */
export function readLines(log: ContainerLog, q: Pick<LogQuery, 'tailLines' | 'sinceMs'>, now: number): { lines: LogLine[]; next: number } {
  const to = log.countBy(now);
  let from = log.firstRetained(now);
  if (q.sinceMs !== undefined) from = Math.max(from, log.firstAtOrAfter(q.sinceMs));
  if (q.tailLines !== undefined) from = Math.max(from, to - q.tailLines);
  const finish = log.source.finishMs;
  const fatal = finish !== undefined && finish <= now && (q.sinceMs === undefined || finish >= q.sinceMs);
  let lines = log.lines(from, to, fatal);
  if (q.tailLines !== undefined) lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines);
  return { lines, next: to };
}

export async function handlePodLog(r: ResourceRequest): Promise<void> {
  if (r.req.method !== 'GET' && r.req.method !== 'HEAD') throw methodNotAllowed();
  const { ctx, res } = r;
  const query = parseLogQuery(r.query);
  const pod = ctx.store.get(POD_KEY, r.namespace, r.name!);
  if (!pod) throw notFound('pods', '', r.name!);
  const container = pickContainer(pod, query.container);
  const source = query.previous ? previousRun(pod, container) : currentRun(pod, container);
  const log = new ContainerLog(source);

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  let budget = query.limitBytes ?? Infinity;
  let ended = false;
  const cleanups: (() => void)[] = [];
  const end = () => {
    if (ended) return;
    ended = true;
    for (const c of cleanups) c();
    res.end();
  };
  const write = (lines: LogLine[]) => {
    if (ended || lines.length === 0) return;
    let text = '';
    for (const l of lines) text += query.timestamps ? `${rfc3339Nano(l.time)} ${l.text}\n` : `${l.text}\n`;
    let buf = Buffer.from(text);
    if (buf.length >= budget) {
      buf = buf.subarray(0, budget);
      budget = 0;
    } else budget -= buf.length;
    res.write(buf);
    if (budget === 0) end();
  };

  const first = readLines(log, query, Date.now());
  write(first.lines);
  const finished = source.finishMs !== undefined;
  if (!query.follow || finished || query.previous || ended || r.req.method === 'HEAD') return end();

  // Follow: each new entry is written when its time comes; the run ending (the pod's
  // status says so) writes what is left, up to the finish, and closes.
  let next = first.next;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (ended) return;
    const wait = Math.max(0, log.timeOf(next) - Date.now());
    timer = setTimeout(tick, wait + 1);
  };
  const tick = () => {
    const to = log.countBy(Date.now());
    if (to > next) {
      write(log.lines(next, to, false));
      next = to;
    }
    schedule();
  };
  const finish = (stopped: { finishMs: number; exitCode?: number } | undefined) => {
    if (stopped) {
      const last = new ContainerLog({ ...source, ...stopped });
      write(last.lines(next, last.countBy(stopped.finishMs), true));
    }
    end();
  };
  const check = (p: KubeObject | undefined) => {
    if (!p || p.metadata.uid !== pod.metadata.uid) return finish(undefined);
    const s = containerStatus(p, container);
    const startedAt = (t: { startedAt?: string } | undefined) => (t?.startedAt ? Date.parse(t.startedAt) : NaN);
    if (s?.state?.running && startedAt(s.state.running) === source.startMs) return;
    const ended = [s?.state?.terminated, s?.lastState?.terminated].find((t) => t && startedAt(t) === source.startMs && t.finishedAt);
    finish(ended ? { finishMs: Date.parse(ended.finishedAt), exitCode: ended.exitCode } : undefined);
  };
  cleanups.push(() => clearTimeout(timer));
  cleanups.push(
    ctx.store.subscribe((e) => {
      if (e.key !== POD_KEY || e.object.metadata.namespace !== r.namespace || e.object.metadata.name !== r.name) return;
      check(e.type === 'DELETED' ? undefined : e.object);
    }),
  );
  // Counted while open; the simulator closing ends it (one listener for every follow).
  cleanups.push(logFollowsOf(ctx).add(`${r.namespace}/${r.name}/${container}`, end));
  res.on('close', end);
  schedule();
}
