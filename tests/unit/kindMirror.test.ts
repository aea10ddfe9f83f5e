import { describe, expect, it } from 'vitest';
import type { Row } from '../../lib/kinds/types';
import { approximateBytes, KindMirror } from '../../server/live/kindMirror';

function aRow(name: string, labelCount = 0): Row {
  const labels = Object.fromEntries(Array.from({ length: labelCount }, (_, i) => [`label-${i}`, 'x'.repeat(60)]));
  return { uid: `uid-${name}`, name, namespace: 'team-a', labels, cells: {} } as unknown as Row;
}

describe('KindMirror', () => {
  it('replays what it still holds and answers null for what it let go, by count', () => {
    const mirror = new KindMirror('pods', 'e1', 4);
    mirror.reset('e1', 0, []);
    for (let seq = 1; seq <= 6; seq++) mirror.apply({ type: 'added', seq, row: aRow(`p${seq}`) });
    expect(mirror.since('e1', 2)?.map((d) => d.seq)).toEqual([3, 4, 5, 6]);
    expect(mirror.since('e1', 1)).toBeNull();
    expect(mirror.since('e2', 5)).toBeNull();
  });

  it('bounds the resume ring in bytes: big rows push the oldest out, and a client that far behind gets null (a snapshot)', () => {
    const big = approximateBytes(aRow('big', 1500));
    expect(big).toBeGreaterThan(100_000);
    const mirror = new KindMirror('configmaps', 'e1', 5000, 10 * big);
    mirror.reset('e1', 0, []);
    for (let seq = 1; seq <= 100; seq++) mirror.apply({ type: 'modified', seq, row: aRow('big', 1500) });
    expect(mirror.heldBytes).toBeLessThanOrEqual(10 * big);
    expect(mirror.heldBytes).toBeGreaterThan(8 * big);
    expect(mirror.since('e1', 50)).toBeNull();
    expect(mirror.since('e1', 95)?.map((d) => d.seq)).toEqual([96, 97, 98, 99, 100]);
    // The current rows are whole whatever the ring let go.
    expect(mirror.size).toBe(1);
    expect(mirror.count(null)).toBe(1);
  });

  it('counts rows per namespace as they come and go', () => {
    const mirror = new KindMirror('pods', 'e1', 10);
    mirror.reset('e1', 0, [aRow('a'), { ...aRow('b'), uid: 'uid-b2', namespace: 'team-b' } as Row]);
    mirror.apply({ type: 'added', seq: 1, row: { ...aRow('c'), uid: 'uid-c' } as Row });
    mirror.apply({ type: 'modified', seq: 2, row: aRow('a') });
    expect(mirror.count(new Set(['team-a']))).toBe(2);
    expect(mirror.count(new Set(['team-b', 'nowhere']))).toBe(1);
    mirror.apply({ type: 'deleted', seq: 3, key: { namespace: 'team-a', name: 'a', uid: 'uid-a' } });
    mirror.apply({ type: 'deleted', seq: 4, key: { namespace: 'team-a', name: 'gone', uid: 'uid-never-there' } });
    expect(mirror.count(new Set(['team-a']))).toBe(1);
    expect(mirror.count(null)).toBe(2);
  });
});
