/**
 * A log-bucket histogram in the manner of HdrHistogram: values below 32 are
 * exact, above that each power of two is split into 16 buckets, so a recorded
 * value is known to within about 3 %. Small (a few hundred counters), mergeable
 * across processes, and serialisable as JSON.
 */
const EXACT = 32;
const PER_OCTAVE = 16;
const MAX = 2 ** 31 - 1;

export interface HistogramData {
  /** Sparse bucket counts: bucket index → count. */
  buckets: Record<string, number>;
  count: number;
  sum: number;
  min: number;
  max: number;
}

function bucketOf(value: number): number {
  const v = Math.min(MAX, Math.max(0, Math.floor(value)));
  if (v < EXACT) return v;
  const shift = 31 - Math.clz32(v) - 4;
  return EXACT + (shift - 1) * PER_OCTAVE + ((v >> shift) - PER_OCTAVE);
}

/** The middle of a bucket's range: what a value in it is reported as. */
function valueOf(bucket: number): number {
  if (bucket < EXACT) return bucket;
  const shift = Math.floor((bucket - EXACT) / PER_OCTAVE) + 1;
  const low = (((bucket - EXACT) % PER_OCTAVE) + PER_OCTAVE) * 2 ** shift;
  return low + (2 ** shift - 1) / 2;
}

export class Histogram {
  private counts = new Map<number, number>();
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  record(value: number): void {
    const b = bucketOf(value);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** The value below which `p` percent of recorded values fall (p in 0..100); NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, valueOf(b)));
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  merge(other: Histogram | HistogramData): this {
    const data = other instanceof Histogram ? other.toJSON() : other;
    for (const [b, n] of Object.entries(data.buckets)) this.counts.set(Number(b), (this.counts.get(Number(b)) ?? 0) + n);
    this.count += data.count;
    this.sum += data.sum;
    if (data.count > 0) {
      this.min = Math.min(this.min, data.min);
      this.max = Math.max(this.max, data.max);
    }
    return this;
  }

  toJSON(): HistogramData {
    return { buckets: Object.fromEntries(this.counts), count: this.count, sum: this.sum, min: this.min, max: this.max };
  }

  static from(data: HistogramData): Histogram {
    return new Histogram().merge(data);
  }
}
