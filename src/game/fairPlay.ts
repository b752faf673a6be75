/**
 * Anti-cheat: flags race results that no human typist could have produced, so they can be kept out
 * of leaderboards and reviewed. A flag is a suspicion, not a verdict; the reasons say what tripped.
 *
 * - `KEY_RATE`: more than `MAX_SUSTAINED_KEYS_PER_SECOND` keys per second over some window of
 *   `SUSTAIN_WINDOW_MS`, i.e. more than 50 keys whose times fall within some [t, t + 2000 ms).
 *   Short bursts are human (rolling a familiar word); only a rate sustained over the window is not.
 * - `WPM`: a final wpm above `MAX_HUMAN_WPM`.
 */

export const MAX_SUSTAINED_KEYS_PER_SECOND = 25;
export const SUSTAIN_WINDOW_MS = 2000;
export const MAX_HUMAN_WPM = 300;

const MAX_KEYS_IN_WINDOW = (MAX_SUSTAINED_KEYS_PER_SECOND * SUSTAIN_WINDOW_MS) / 1000;

export type FairPlayReason = "KEY_RATE" | "WPM";

export interface FairPlayAssessment {
  flagged: boolean;
  reasons: FairPlayReason[];
}

/** `keyTimesMs` are the times of a race's keys in order (never decreasing), as `KeystrokeLog.times()` gives them. */
export function assessFairPlay(keyTimesMs: ArrayLike<number>, wpm: number): FairPlayAssessment {
  const reasons: FairPlayReason[] = [];
  if (mostKeysInAnyWindow(keyTimesMs) > MAX_KEYS_IN_WINDOW) reasons.push("KEY_RATE");
  if (wpm > MAX_HUMAN_WPM) reasons.push("WPM");
  return { flagged: reasons.length > 0, reasons };
}

/** The largest number of keys within one window, by a sliding window over the sorted times. */
function mostKeysInAnyWindow(times: ArrayLike<number>): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= SUSTAIN_WINDOW_MS) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
