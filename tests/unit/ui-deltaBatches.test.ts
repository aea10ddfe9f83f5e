import { describe, expect, it } from 'vitest';
import { DeltaBatches } from '@/lib/ui/deltaBatches';
import type { RowChange } from '@/lib/ui/rowSet';

const upsert = (name: string, seq: number): RowChange => ({ type: 'upsert', row: { uid: name, name, cells: {} }, epoch: 'e1', seq });

/** Batches whose frames run when the test says so. */
function batches(maxPending?: number) {
  const applied: { key: string; seqs: (number | undefined)[] }[] = [];
  const frames: (() => void)[] = [];
  const b = new DeltaBatches((key, changes) => applied.push({ key, seqs: changes.map((c) => c.seq) }), (run) => frames.push(run), maxPending);
  const frame = () => frames.splice(0).forEach((run) => run());
  return { b, applied, frames, frame };
}

describe('DeltaBatches', () => {
  it('applies the changes of one frame as one batch per list, in arrival order', () => {
    const { b, applied, frames, frame } = batches();
    b.add('pods', upsert('a', 1));
    b.add('pods', upsert('b', 2));
    b.add('nodes', upsert('n', 7));
    b.add('pods', upsert('a', 3));
    expect(applied).toEqual([]);
    expect(frames.length).toBe(1);
    frame();
    expect(applied).toEqual([
      { key: 'pods', seqs: [1, 2, 3] },
      { key: 'nodes', seqs: [7] },
    ]);
    b.add('pods', upsert('c', 4));
    frame();
    expect(applied.at(-1)).toEqual({ key: 'pods', seqs: [4] });
  });

  it('applies a list at once when asked (before another change to it), and forgets what a snapshot replaces', () => {
    const { b, applied, frame } = batches();
    b.add('pods', upsert('a', 1));
    b.add('nodes', upsert('n', 1));
    b.flushKey('pods');
    expect(applied).toEqual([{ key: 'pods', seqs: [1] }]);
    b.drop('nodes');
    frame();
    expect(applied).toEqual([{ key: 'pods', seqs: [1] }]);
  });

  it('does not let changes pile up without frames', () => {
    const { b, applied } = batches(3);
    b.add('pods', upsert('a', 1));
    b.add('pods', upsert('b', 2));
    expect(applied).toEqual([]);
    b.add('pods', upsert('c', 3));
    expect(applied).toEqual([{ key: 'pods', seqs: [1, 2, 3] }]);
  });
});
