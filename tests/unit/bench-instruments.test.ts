import { describe, expect, it } from 'vitest';
import { LineParser, seqOf, SseParser, stampOf, watchTypeOf, type SseFrame } from '../../bench/frames';
import { Histogram } from '../../bench/histogram';
import { compare } from '../../bench/report';
import type { FanoutPoint } from '../../bench/scenarios';

describe('the benchmark histogram', () => {
  it('reports percentiles within its bucket precision', () => {
    const h = new Histogram();
    for (let v = 1; v <= 100_000; v++) h.record(v);
    expect(h.count).toBe(100_000);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = (p / 100) * 100_000;
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.04);
    }
    expect(h.percentile(100)).toBe(100_000);
    expect(h.min).toBe(1);
  });

  it('keeps small values exact and clamps to what was recorded', () => {
    const h = new Histogram();
    for (const v of [3, 3, 7, 31]) h.record(v);
    expect(h.percentile(50)).toBe(3);
    expect(h.percentile(75)).toBe(7);
    expect(h.percentile(100)).toBe(31);
    expect(new Histogram().percentile(50)).toBeNaN();
  });

  it('merges across processes through JSON', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let v = 0; v < 1000; v++) (v % 2 ? a : b).record(v * 10);
    const merged = Histogram.from(JSON.parse(JSON.stringify(a)));
    merged.merge(JSON.parse(JSON.stringify(b)));
    const whole = new Histogram();
    for (let v = 0; v < 1000; v++) whole.record(v * 10);
    expect(merged.count).toBe(1000);
    expect(merged.percentile(50)).toBe(whole.percentile(50));
    expect(merged.percentile(99)).toBe(whole.percentile(99));
    expect(merged.max).toBe(9990);
    expect(merged.min).toBe(0);
  });
});

describe('the SSE frame parser', () => {
  const collect = (chunks: string[]): SseFrame[] => {
    const parser = new SseParser();
    const frames: SseFrame[] = [];
    for (const chunk of chunks) parser.push(Buffer.from(chunk, 'latin1'), (f) => frames.push(f));
    return frames;
  };
  const text = 'retry: 3000\n\nid: e1-41\nevent: snapshot\ndata: {"kind":"pods","items":[]}\n\n: ping\n\nid: e1-42\nevent: modified\ndata: {"kind":"pods","row":{"labels":{"bench.crowsnest/t":"1700000000123456"}}}\n\nevent: done\ndata: {"reason":"overloaded"}\n\n';

  it('cuts frames wherever the chunks split, even between the two newlines', () => {
    const whole = collect([text]);
    expect(whole.map((f) => f.event)).toEqual(['message', 'snapshot', 'comment', 'modified', 'done']);
    for (let cut = 1; cut < text.length; cut++) {
      expect(collect([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(collect(text.split(''))).toEqual(whole);
  });

  it('reads ids, sequence numbers, stamps and data', () => {
    const [, snapshot, ping, modified, done] = collect([text]);
    expect(snapshot.id).toBe('e1-41');
    expect(seqOf(snapshot.id)).toBe(41);
    expect(ping.comment).toBe(true);
    expect(stampOf(modified.data)).toBe(1_700_000_000_123_456);
    expect(stampOf(snapshot.data)).toBeUndefined();
    expect(JSON.parse(done.data)).toEqual({ reason: 'overloaded' });
    expect(modified.bytes).toBe(Buffer.byteLength('id: e1-42\nevent: modified\ndata: \n\n') + modified.data.length);
  });

  it('splits watch responses into lines and reads their type without parsing', () => {
    const parser = new LineParser();
    const lines: string[] = [];
    const body = '{"type":"ADDED","object":{}}\n{"type":"MODIFIED","object":{"metadata":{"labels":{"bench.crowsnest/t":"12"}}}}\n';
    parser.push(body.slice(0, 10), (l) => lines.push(l));
    parser.push(body.slice(10), (l) => lines.push(l));
    expect(lines.map(watchTypeOf)).toEqual(['ADDED', 'MODIFIED']);
    expect(stampOf(lines[1])).toBe(12);
  });
});

describe('the side-by-side comparison', () => {
  const point = (engine: FanoutPoint['engine'], p50: number, p99: number, saturation: string[] = []): FanoutPoint =>
    ({
      engine,
      streams: 5000,
      rate: 200,
      latencyMs: { p50, p90: p99, p99, max: p99, mean: p50, count: 1 },
      cpuCores: { portal: 1, apiserver: 1, clients: 1 },
      rssMiB: { portal: 100, apiserver: 100, clients: 100 },
      apiserverWatches: engine === 'naive' ? 5000 : 7,
      saturated: saturation.length > 0,
      saturation,
    }) as FanoutPoint;

  it('counts a faster baseline as better only while it carried the same load', () => {
    const [same] = compare([point('crowsnest', 250, 570), point('naive', 84, 168)]);
    expect(same.crowsnestAtLeastAsGood).toBe(false);
    const [short] = compare([point('crowsnest', 250, 570), point('naive', 84, 168, ['the apiserver wrote 16 of the 200 changes/s asked'])]);
    expect(short.crowsnestAtLeastAsGood).toBe(true);
    const [both] = compare([point('crowsnest', 250, 570, ['p99 latency over 1 s']), point('naive', 84, 168, ['p99 latency over 1 s'])]);
    expect(both.crowsnestAtLeastAsGood).toBe(false);
  });
});
