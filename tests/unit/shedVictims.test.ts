import { describe, expect, it } from 'vitest';
import { SHED_MIN_LAG_BYTES, shedVictims } from '../../server/live/streamHub';

const entry = (id: string, lag: number, state = 'open') => ({ id, stream: { state }, lag });

describe('which streams an overloaded replica sheds', () => {
  it('sheds the tenth furthest behind, at least one', () => {
    const behind = Array.from({ length: 30 }, (_, i) => entry(`s${i}`, (30 - i) * SHED_MIN_LAG_BYTES));
    expect(shedVictims(behind, 30).map((e) => e.id)).toEqual(['s0', 's1', 's2']);
    expect(shedVictims(behind.slice(0, 2), 2).map((e) => e.id)).toEqual(['s0']);
  });

  it('never sheds a stream that keeps up: one with only its heartbeat or first bytes waiting while the loop is held', () => {
    // A stream still waiting for the snapshot of a kind being listed: `retry`, its `status: syncing` and a few pings queued.
    const syncing = entry('syncing', 120);
    expect(shedVictims([syncing], 1)).toEqual([]);
    expect(shedVictims([entry('far', 4 * SHED_MIN_LAG_BYTES), syncing], 2).map((e) => e.id)).toEqual(['far']);
  });

  it('leaves streams that are already ending', () => {
    expect(shedVictims([entry('closing', 10 * SHED_MIN_LAG_BYTES, 'closed')], 1)).toEqual([]);
  });
});
