/**
 * A latency histogram with logarithmic buckets (1 % wide), cheap to record into from a hot loop,
 * small to send between processes, and mergeable: generator processes each keep one and the
 * coordinator adds them up before reading percentiles.
 */

const MIN_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Up to ~100 s; slower samples land in the last bucket. */
const BUCKETS = Math.ceil(Math.log(100_000 / MIN_MS) / LOG_GROWTH) + 1;

/** Sparse [bucket, count] pairs: what crosses the process boundary. */
export type HistogramData = Array<[number, number]>;

export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  #total = 0;
  #sum = 0;
  #max = 0;

  record(ms: number): void {
    const bucket = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.#counts[bucket]!++;
    this.#total++;
    this.#sum += ms;
    if (ms > this.#max) this.#max = ms;
  }

  get count(): number {
    return this.#total;
  }

  get mean(): number {
    return this.#total ? this.#sum / this.#total : Number.NaN;
  }

  get max(): number {
    return this.#max;
  }

  /** The upper edge of the bucket holding the q-quantile (at most 1 % above the true value). */
  quantile(q: number): number {
    if (this.#total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(q * this.#total));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.#counts[bucket]!;
      if (seen >= rank) return Math.min(this.#max, MIN_MS * GROWTH ** bucket);
    }
    return this.#max;
  }

  toData(): { buckets: HistogramData; sum: number; max: number } {
    const buckets: HistogramData = [];
    this.#counts.forEach((count, bucket) => {
      if (count) buckets.push([bucket, count]);
    });
    return { buckets, sum: this.#sum, max: this.#max };
  }

  add(data: ReturnType<Histogram["toData"]>): this {
    for (const [bucket, count] of data.buckets) {
      this.#counts[bucket]! += count;
      this.#total += count;
    }
    this.#sum += data.sum;
    this.#max = Math.max(this.#max, data.max);
    return this;
  }

  static merge(parts: Array<ReturnType<Histogram["toData"]>>): Histogram {
    const merged = new Histogram();
    for (const part of parts) merged.add(part);
    return merged;
  }
}
