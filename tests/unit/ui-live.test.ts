import { describe, expect, it } from 'vitest';
import type { Row } from '@/lib/kinds/types';
import { formatAge } from '@/lib/ui/age';
import { backoffDelay, retryAfterMs } from '@/lib/ui/backoff';
import { RowSet } from '@/lib/ui/rowSet';
import { SseParser, type SseMessage } from '@/lib/ui/sseParser';

const aRow = (name: string, namespace = 'team-a', extra: Partial<Row> = {}): Row => ({ uid: `uid-${namespace}-${name}`, name, namespace, cells: {}, ...extra });

describe('RowSet', () => {
  it('applies deltas by uid and yields a new version per change, sharing one Map', () => {
    const set = RowSet.fromSnapshot({ epoch: 'e1', seq: 3, items: [aRow('a'), aRow('b')] });
    const added = set.upsert(aRow('c'), 'e1', 4);
    expect(added).not.toBe(set);
    expect(added.version).toBe(set.version + 1);
    expect(added.rows).toBe(set.rows);
    const modified = added.upsert(aRow('a', 'team-a', { tone: 'error' }), 'e1', 5);
    expect(modified.rows.get('uid-team-a-a')?.tone).toBe('error');
    const removed = modified.remove({ namespace: 'team-a', name: 'b', uid: 'uid-team-a-b' }, 'e1', 6);
    expect([...removed.rows.keys()].sort()).toEqual(['uid-team-a-a', 'uid-team-a-c']);
    expect(removed.seq).toBe(6);
  });

  it('ignores a delta older than what it already holds in the same history', () => {
    const set = RowSet.fromSnapshot({ epoch: 'e1', seq: 10, items: [aRow('a')] });
    expect(set.upsert(aRow('late'), 'e1', 9)).toBe(set);
    expect(set.covers('e1', 10)).toBe(true);
    expect(set.covers('e2', 1)).toBe(false);
  });

  it('remembers that the portal was still loading the kind (no rows known yet) until a fresh snapshot', () => {
    const loading = RowSet.fromSnapshot({ epoch: '', seq: 0, items: [], syncing: true });
    expect(loading.syncing).toBe(true);
    expect(loading.withError({ kind: 'pods', namespace: 'prod', code: 403, message: 'forbidden' }).syncing).toBe(true);
    expect(RowSet.fromSnapshot({ epoch: 'e1', seq: 1, items: [aRow('a')] }).syncing).toBe(false);
  });

  it('drops the rows of a namespace that failed and keeps its error', () => {
    const set = RowSet.fromSnapshot({ epoch: 'e1', seq: 1, items: [aRow('a', 'team-a'), aRow('b', 'prod')] });
    const next = set.withError({ kind: 'pods', namespace: 'prod', code: 403, message: 'forbidden' });
    expect([...next.rows.values()].map((r) => r.name)).toEqual(['a']);
    expect(next.errors).toEqual([{ kind: 'pods', namespace: 'prod', code: 403, message: 'forbidden' }]);
  });
});

describe('SseParser', () => {
  it('reads events split across chunks, ids, comments and retry', () => {
    const messages: SseMessage[] = [];
    const comments: string[] = [];
    let retry = 0;
    const p = new SseParser({ message: (m) => messages.push(m), comment: (c) => comments.push(c), retry: (ms) => (retry = ms) });
    p.push('retry: 3000\n\n: ping\n\nid: pods:e1-4\nevent: add');
    p.push('ed\ndata: {"kind":"pods",\ndata: "x":1}\n');
    expect(messages).toEqual([]);
    p.push('\r\n');
    expect(retry).toBe(3000);
    expect(comments).toEqual(['ping']);
    expect(messages).toEqual([{ event: 'added', id: 'pods:e1-4', data: '{"kind":"pods",\n"x":1}' }]);
  });

  it('reads a line of many chunks once whole, and a CRLF split between two chunks as one line end', () => {
    const messages: SseMessage[] = [];
    const p = new SseParser({ message: (m) => messages.push(m) });
    const rows = JSON.stringify({ kind: 'pods', items: Array.from({ length: 2000 }, (_, i) => ({ name: `pod-${i}` })) });
    p.push('event: snapshot\r\ndata: ');
    for (let i = 0; i < rows.length; i += 977) p.push(rows.slice(i, i + 977));
    p.push('\r');
    expect(messages).toEqual([]);
    p.push('\n\r');
    expect(messages).toEqual([{ event: 'snapshot', data: rows, id: undefined }]);
    p.push('\nevent: deleted\rdata: {}\r\r');
    expect(messages.map((m) => m.event)).toEqual(['snapshot', 'deleted']);
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter and stays under its cap', () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { random: () => 1 })).toBe(8000);
    expect(backoffDelay(40, { random: () => 1 })).toBe(30_000);
    expect(backoffDelay(40, { random: () => 0 })).toBe(15_000);
  });
  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('7', 1)).toBe(7000);
    expect(retryAfterMs(null, 1234)).toBe(1234);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 0, 4_000)).toBe(6000);
  });
});

describe('formatAge', () => {
  it('reads like kubectl', () => {
    const now = Date.parse('2025-01-10T00:00:00Z');
    expect(formatAge('2025-01-09T23:59:15Z', now)).toBe('45s');
    expect(formatAge('2025-01-09T23:48:00Z', now)).toBe('12m');
    expect(formatAge('2025-01-09T21:00:00Z', now)).toBe('3h');
    expect(formatAge('2025-01-05T00:00:00Z', now)).toBe('5d');
    expect(formatAge(undefined, now)).toBe('—');
  });
});
