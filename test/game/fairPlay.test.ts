import assert from "node:assert/strict";
import {
  assessFairPlay,
  BURST_WINDOW_MS,
  type FairPlayAssessment,
  MAX_BURST_KEYS_PER_SECOND,
  MAX_HUMAN_WPM,
  MAX_SUSTAINED_KEYS_PER_SECOND,
  MIN_RHYTHM_SPREAD,
  RHYTHM_MIN_INTERVALS,
  rhythmSpread,
  SUSTAIN_WINDOW_MS,
} from "../../src/game/fairPlay.ts";
import { KeystrokeLog } from "../../src/game/keystrokeLog.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";

/** `count` key times from `startMs`, `stepMs` apart. */
function evenly(count: number, stepMs: number, startMs = 0): number[] {
  return Array.from({ length: count }, (_, i) => startMs + i * stepMs);
}

/**
 * `count` key times the way a person types: intervals drawn around `meanMs` with the spread of real
 * typing (from half to twice the mean, a longer pause now and then between words).
 */
function humanly(count: number, meanMs: number, seed = 1): number[] {
  const random = seededRandom(seed);
  const gaps = Array.from({ length: count - 1 }, () => {
    const pause = random() < 0.15 ? 1 + 2 * random() : 0;
    return 0.5 + 1.5 * random() * random() + 0.5 * random() + pause;
  });
  const scale = (meanMs * gaps.length) / gaps.reduce((sum, gap) => sum + gap, 0);
  const times = [0];
  for (const gap of gaps) times.push(times.at(-1)! + gap * scale);
  return times.map(Math.round);
}

/** `bursts` runs of `keys` keys `stepMs` apart, each run starting `everyMs` after the previous one. */
function bursts(bursts: number, keys: number, stepMs: number, everyMs: number): number[] {
  return Array.from({ length: bursts }, (_, b) => evenly(keys, stepMs, b * everyMs)).flat();
}

/** The burst rule, counted the slow way: the most keys in any [t, t + 2000) anchored at a key. */
function mostKeysInABurstWindowByBruteForce(times: readonly number[]): number {
  let most = 0;
  for (const start of times) {
    most = Math.max(most, times.filter((t) => t >= start && t < start + BURST_WINDOW_MS).length);
  }
  return most;
}

const CLEAN: FairPlayAssessment = { flagged: false, reasons: [] };
const EVEN: FairPlayAssessment = { flagged: true, reasons: ["EVEN_RHYTHM"] };

describe("fairPlay", () => {
  it("allows bursts of 25 keys/s over 2 s, 20 keys/s over 10 s, and 250 wpm; judges rhythm over 50 intervals", () => {
    assert.deepEqual(
      [MAX_BURST_KEYS_PER_SECOND, BURST_WINDOW_MS, MAX_SUSTAINED_KEYS_PER_SECOND, SUSTAIN_WINDOW_MS],
      [25, 2000, 20, 10_000],
    );
    assert.deepEqual([MAX_HUMAN_WPM, RHYTHM_MIN_INTERVALS, MIN_RHYTHM_SPREAD], [250, 50, 0.1]);
  });

  describe("key rate (bursts, times too few or too scattered for a rhythm)", () => {
    const cases: Array<[string, number[], FairPlayAssessment]> = [
      ["no keys", [], CLEAN],
      ["one key", [0], CLEAN],
      ["exactly 50 keys within 2 s", evenly(50, 40), CLEAN],
      ["51 keys within 2 s", evenly(51, 39), { flagged: true, reasons: ["KEY_RATE", "EVEN_RHYTHM"] }],
      ["50 keys in the same millisecond", evenly(50, 0), CLEAN],
      ["a 40 keys/s burst of 50 keys (1.25 s)", evenly(50, 25), CLEAN],
      ["40 keys/s bursts of 1 s with 2 s pauses", bursts(5, 10, 100, 3000), CLEAN],
    ];
    for (const [name, times, expected] of cases) {
      it(name, () => {
        assert.deepEqual(assessFairPlay(times, 0), expected);
      });
    }

    it("flags bursts exactly when some 2 s window holds more than 50 keys (random human-like races)", () => {
      const random = seededRandom(7);
      for (let race = 0; race < 300; race++) {
        const times: number[] = [];
        let at = 0;
        const meanGap = 10 + random() * 80;
        const count = Math.floor(random() * 200);
        for (let i = 0; i < count; i++) {
          at += Math.floor(random() * 2 * meanGap);
          times.push(at);
        }
        const burst = mostKeysInABurstWindowByBruteForce(times) > 50;
        assert.equal(
          assessFairPlay(times, 0).reasons.includes("KEY_RATE"),
          burst || sustained(times),
          JSON.stringify(times),
        );
      }
    });
  });

  describe("sustained rate", () => {
    const cases: Array<[string, number[], boolean]> = [
      ["18 keys/s for a minute, humanly uneven", humanly(1080, 1000 / 18), false],
      ["24.4 keys/s for 10 s, humanly uneven (just under the burst limit)", humanly(250, 41), true],
      ["21 keys/s for 10 s", humanly(215, 1000 / 21.5), true],
    ];
    for (const [name, times, flagged] of cases) {
      it(`${name}: ${flagged ? "flagged" : "clean"}`, () => {
        assert.equal(assessFairPlay(times, 0).reasons.includes("KEY_RATE"), flagged);
      });
    }
  });

  describe("rhythm", () => {
    const cases: Array<[string, number[], FairPlayAssessment]> = [
      ["a script at a perfectly even 10 keys/s", evenly(200, 100), EVEN],
      ["a script at an even 5 keys/s with a pause between words", bursts(40, 5, 200, 1600), EVEN],
      ["a script with ±3 ms of jitter", evenly(200, 100).map((t, i) => t + ((i * 7) % 7) - 3), EVEN],
      ["a person at 10 keys/s", humanly(200, 100), CLEAN],
      ["a person at 15 keys/s", humanly(300, 66, 3), CLEAN],
      ["a person at 5 keys/s", humanly(200, 200, 5), CLEAN],
      ["too few keys to judge (50 keys, 49 intervals)", evenly(50, 100), CLEAN],
      ["51 even keys are judged", evenly(51, 100), EVEN],
    ];
    for (const [name, times, expected] of cases) {
      it(name, () => {
        assert.deepEqual(assessFairPlay(times, 0), expected);
      });
    }

    it("measures the spread as median absolute deviation over median", () => {
      assert.equal(rhythmSpread(evenly(10, 100)), Number.POSITIVE_INFINITY);
      assert.equal(rhythmSpread(evenly(60, 100)), 0);
      // Intervals alternating 80 and 120 ms: median 100, every deviation 20.
      const alternating = [0];
      for (let i = 0; i < 60; i++) alternating.push(alternating.at(-1)! + (i % 2 ? 120 : 80));
      assert.equal(rhythmSpread(alternating), 0.2);
    });
  });

  it("reads the times of a keystroke log", () => {
    const log = new KeystrokeLog();
    for (const at of evenly(51, 10)) log.record("a", at);
    assert.deepEqual(assessFairPlay(log.times(), 0), { flagged: true, reasons: ["KEY_RATE", "EVEN_RHYTHM"] });
  });

  describe("wpm", () => {
    const cases: Array<[number, FairPlayAssessment]> = [
      [0, CLEAN],
      [120, CLEAN],
      [249.99, CLEAN],
      [250, CLEAN],
      [250.01, { flagged: true, reasons: ["WPM"] }],
      [1000, { flagged: true, reasons: ["WPM"] }],
    ];
    for (const [wpm, expected] of cases) {
      it(`${wpm} wpm`, () => {
        assert.deepEqual(assessFairPlay([], wpm), expected);
      });
    }
  });

  it("gives every reason that applies, in order", () => {
    assert.deepEqual(assessFairPlay(evenly(60, 0), 301), {
      flagged: true,
      reasons: ["KEY_RATE", "EVEN_RHYTHM", "WPM"],
    });
  });
});

/** The sustained rule, counted the slow way. */
function sustained(times: readonly number[]): boolean {
  return times.some((start) => times.filter((t) => t >= start && t < start + SUSTAIN_WINDOW_MS).length > 200);
}
