/**
 * Keystroke -> opponent latency. A sender stamps each key it sends with the time and the cursor
 * position the key leads to; an opponent in the same generator process that sees the sender's cursor
 * change in its decoded state finds the latest key leading to that position, and counts every key up
 * to it as delivered now. A key whose effect is undone within one patch (a typo erased at once) is
 * counted with the next visible move: that can only overstate latency, never understate it.
 */
import type { Histogram } from "../metrics/histogram.ts";

/** Keys older than this many sends are forgotten (25 s at 10 keys/s): never seen = lost. */
const RING = 256;

export class SentKeys {
  readonly #sentAt = new Float64Array(RING);
  readonly #word = new Int32Array(RING);
  readonly #char = new Int32Array(RING);
  /** sequence number of the last key sent; -1 before the first */
  last = -1;

  record(wordIndex: number, charIndex: number, at: number): void {
    const slot = ++this.last % RING;
    this.#sentAt[slot] = at;
    this.#word[slot] = wordIndex;
    this.#char[slot] = charIndex;
  }

  sentAt(seq: number): number {
    return this.#sentAt[seq % RING]!;
  }

  /** The latest key after `after` that leaves the cursor at this position, or -1. */
  latestLeadingTo(wordIndex: number, charIndex: number, after: number): number {
    const oldest = Math.max(after + 1, this.last - RING + 1);
    for (let seq = this.last; seq >= oldest; seq--) {
      const slot = seq % RING;
      if (this.#word[slot] === wordIndex && this.#char[slot] === charIndex) return seq;
    }
    return -1;
  }
}

/** What one player has seen of one opponent. */
export class OpponentView {
  readonly #keys: SentKeys;
  #seen: number;
  #wordIndex = -1;
  #charIndex = -1;

  constructor(keys: SentKeys) {
    this.#keys = keys;
    // Keys sent before this view existed are not this view's to measure.
    this.#seen = keys.last;
  }

  /** The opponent's cursor as decoded now; records the latency of each key this reveals. */
  observePosition(wordIndex: number, charIndex: number, now: number, latencies: Histogram): void {
    if (wordIndex === this.#wordIndex && charIndex === this.#charIndex) return;
    this.#wordIndex = wordIndex;
    this.#charIndex = charIndex;
    const upTo = this.#keys.latestLeadingTo(wordIndex, charIndex, this.#seen);
    if (upTo >= 0) this.#deliver(upTo, now, latencies);
  }

  /** For protocols that relay each key as its own message: the next key has arrived. */
  observeNextKey(now: number, latencies: Histogram): void {
    if (this.#seen < this.#keys.last) this.#deliver(this.#seen + 1, now, latencies);
  }

  #deliver(upTo: number, now: number, latencies: Histogram): void {
    for (let seq = Math.max(this.#seen + 1, upTo - RING + 1); seq <= upTo; seq++) {
      latencies.record(now - this.#keys.sentAt(seq));
    }
    this.#seen = upTo;
  }
}
