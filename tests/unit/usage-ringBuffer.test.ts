import { describe, expect, it } from 'vitest';
import { RingBuffer } from '@/server/usage/ringBuffer';
import { capacityFor, MemoryUsageStore } from '@/server/usage/usageStore';
import type { UsageSample } from '@/server/usage/sample';

const aSample = (t: number): UsageSample => ({ t, nodes: { 'node-1': [t / 1000, 1024] }, pods: {} });

describe('RingBuffer', () => {
  it('keeps the newest items, oldest first, once full', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    expect(ring.last()).toBeUndefined();
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
    expect(ring.size).toBe(3);
    expect(ring.last()).toBe(7);
  });

  it('is in order before it wraps', () => {
    const ring = new RingBuffer<string>(4);
    ring.push('a');
    ring.push('b');
    expect(ring.toArray()).toEqual(['a', 'b']);
    expect(ring.last()).toBe('b');
  });

  it('refuses a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});

describe('MemoryUsageStore', () => {
  it('holds an hour of samples at the interval, and forgets older ones', async () => {
    expect(capacityFor(15_000)).toBe(241);
    const store = new MemoryUsageStore(capacityFor(600_000));
    for (let i = 0; i < 10; i++) await store.append('demo', aSample(i * 600_000));
    const kept = await store.samples('demo', 0);
    expect(kept.map((s) => s.t)).toEqual([3, 4, 5, 6, 7, 8, 9].map((i) => i * 600_000));
    expect((await store.samples('demo', 8 * 600_000)).map((s) => s.t)).toEqual([8 * 600_000, 9 * 600_000]);
    expect((await store.latest('demo'))?.t).toBe(9 * 600_000);
  });

  it('keeps clusters apart', async () => {
    const store = new MemoryUsageStore(5);
    await store.append('a', aSample(1));
    await store.setState('a', { state: 'ok', since: '2026-01-01T00:00:00Z' });
    expect(await store.samples('b', 0)).toEqual([]);
    expect(await store.latest('b')).toBeUndefined();
    expect(await store.state('b')).toBeUndefined();
    expect((await store.state('a'))?.state).toBe('ok');
  });
});
