/**
 * Fair play: flags race results that no human typist could have produced, so they count for no
 * win, best, average or leaderboard. A flag is a suspicion, not a verdict; the reasons say what
 * tripped. Every word of a result was typed exactly (src/game/typingEngine.ts), so what is left to
 * judge is how the keys came:
 *
 * - `KEY_RATE`: faster than fingers go. More than `MAX_BURST_KEYS_PER_SECOND` keys a second over
 *   some `BURST_WINDOW_MS` (short bursts are human: rolling a familiar word), or more than
 *   `MAX_SUSTAINED_KEYS_PER_SECOND` over some `SUSTAIN_WINDOW_MS` (no human keeps that up).
 * - `EVEN_RHYTHM`: keys as evenly spaced as a machine's. People type in a rhythm that varies from key
 *   to key; over at least `RHYTHM_MIN_INTERVALS` intervals, a median absolute deviation of the
 *   intervals under `MIN_RHYTHM_SPREAD` of their median is a script, however slow.
 * - `WPM`: a final wpm above `MAX_HUMAN_WPM`.
 */

export const MAX_BURST_KEYS_PER_SECOND = 25;
export const BURST_WINDOW_MS = 2_000;
export const MAX_SUSTAINED_KEYS_PER_SECOND = 20;
export const SUSTAIN_WINDOW_MS = 10_000;
export const RHYTHM_MIN_INTERVALS = 50;
export const MIN_RHYTHM_SPREAD = 0.1;
export const MAX_HUMAN_WPM = 250;

type FairPlayReason = "KEY_RATE" | "EVEN_RHYTHM" | "WPM";

export interface FairPlayAssessment {
  flagged: boolean;
  reasons: FairPlayReason[];
}

/** `keyTimesMs` are the times of a race's keys in order (never decreasing), as `KeystrokeLog.times()` gives them. */
export function assessFairPlay(keyTimesMs: ArrayLike<number>, wpm: number): FairPlayAssessment {
  const reasons: FairPlayReason[] = [];
  if (
    mostKeysInAnyWindow(keyTimesMs, BURST_WINDOW_MS) > (MAX_BURST_KEYS_PER_SECOND * BURST_WINDOW_MS) / 1000 ||
    mostKeysInAnyWindow(keyTimesMs, SUSTAIN_WINDOW_MS) >
      (MAX_SUSTAINED_KEYS_PER_SECOND * SUSTAIN_WINDOW_MS) / 1000
  ) {
    reasons.push("KEY_RATE");
  }
  if (rhythmSpread(keyTimesMs) < MIN_RHYTHM_SPREAD) reasons.push("EVEN_RHYTHM");
  if (wpm > MAX_HUMAN_WPM) reasons.push("WPM");
  return { flagged: reasons.length > 0, reasons };
}

/** The largest number of keys within one [t, t + windowMs), by a sliding window over the sorted times. */
function mostKeysInAnyWindow(times: ArrayLike<number>, windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/**
 * How much the intervals between keys vary: their median absolute deviation over their median.
 * Infinity (no judgement) with fewer than RHYTHM_MIN_INTERVALS intervals; 0 when every key came at
 * the same moment or equally spaced.
 */
export function rhythmSpread(times: ArrayLike<number>): number {
  const count = times.length - 1;
  if (count < RHYTHM_MIN_INTERVALS) return Number.POSITIVE_INFINITY;
  const intervals = new Float64Array(count);
  for (let i = 0; i < count; i++) intervals[i] = times[i + 1]! - times[i]!;
  const median = medianOf(intervals);
  if (median === 0) return 0;
  for (let i = 0; i < count; i++) intervals[i] = Math.abs(intervals[i]! - median);
  return medianOf(intervals) / median;
}

/** The median of `values`, which it sorts in place. */
function medianOf(values: Float64Array): number {
  values.sort();
  const middle = values.length >> 1;
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}
