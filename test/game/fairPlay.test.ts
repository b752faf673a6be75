import assert from "node:assert/strict";
import {
  assessFairPlay,
  type FairPlayAssessment,
  MAX_HUMAN_WPM,
  MAX_SUSTAINED_KEYS_PER_SECOND,
  SUSTAIN_WINDOW_MS,
} from "../../src/game/fairPlay.ts";
import { KeystrokeLog } from "../../src/game/keystrokeLog.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";

/** `count` key times from `startMs`, `stepMs` apart. */
function evenly(count: number, stepMs: number, startMs = 0): number[] {
  return Array.from({ length: count }, (_, i) => startMs + i * stepMs);
}

/** `bursts` runs of `keys` keys `stepMs` apart, each run starting `everyMs` after the previous one. */
function bursts(bursts: number, keys: number, stepMs: number, everyMs: number): number[] {
  return Array.from({ length: bursts }, (_, b) => evenly(keys, stepMs, b * everyMs)).flat();
}

// The definition, counted the slow way: the most keys in any [t, t + 2000) anchored at a key.
function mostKeysInAWindowByBruteForce(times: readonly number[]): number {
  let most = 0;
  for (const start of times) {
    most = Math.max(most, times.filter((t) => t >= start && t < start + SUSTAIN_WINDOW_MS).length);
  }
  return most;
}

const CLEAN: FairPlayAssessment = { flagged: false, reasons: [] };
const KEY_RATE: FairPlayAssessment = { flagged: true, reasons: ["KEY_RATE"] };

describe("fairPlay", () => {
  it("allows 25 keys per second sustained over 2 s, and 300 wpm", () => {
    assert.equal(MAX_SUSTAINED_KEYS_PER_SECOND, 25);
    assert.equal(SUSTAIN_WINDOW_MS, 2000);
    assert.equal(MAX_HUMAN_WPM, 300);
  });

  describe("key rate", () => {
    const cases: Array<[string, number[], FairPlayAssessment]> = [
      ["no keys", [], CLEAN],
      ["one key", [0], CLEAN],
      ["exactly 50 keys within 2 s", evenly(50, 40), CLEAN],
      ["51 keys within 2 s", evenly(51, 39), KEY_RATE],
      [
        "51 keys whose last falls exactly 2 s after the first (the window is half-open)",
        evenly(51, 40),
        CLEAN,
      ],
      ["50 keys in the same millisecond", evenly(50, 0), CLEAN],
      ["51 keys in the same millisecond", evenly(51, 0), KEY_RATE],
      ["25 keys/s sustained for a minute", evenly(1500, 40), CLEAN],
      ["26 keys/s sustained for 3 s", evenly(78, 1000 / 26), KEY_RATE],
      ["a 40 keys/s burst of 50 keys (1.25 s)", evenly(50, 25), CLEAN],
      ["a 40 keys/s burst of 51 keys (1.275 s)", evenly(51, 25), KEY_RATE],
      ["40 keys/s bursts of 1 s with 2 s pauses", bursts(10, 40, 25, 3000), CLEAN],
      ["40 keys/s bursts of 25 keys, one a second (50 in any 2 s)", bursts(10, 25, 25, 1000), CLEAN],
      ["40 keys/s bursts of 26 keys, one a second (52 in some 2 s)", bursts(10, 26, 25, 1000), KEY_RATE],
      [
        "a steady race with a superhuman stretch at the end",
        [...evenly(600, 200), ...evenly(51, 20, 120_000)],
        KEY_RATE,
      ],
      [
        "a superhuman stretch at the start of a steady race",
        [...evenly(51, 20), ...evenly(600, 200, 2000)],
        KEY_RATE,
      ],
    ];
    for (const [name, times, expected] of cases) {
      it(name, () => {
        assert.deepEqual(assessFairPlay(times, 0), expected);
      });
    }

    it("agrees with counting every window the slow way", () => {
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
        const expected = mostKeysInAWindowByBruteForce(times) > 50;
        assert.equal(assessFairPlay(times, 0).flagged, expected, JSON.stringify(times));
      }
    });

    it("reads the times of a keystroke log", () => {
      const log = new KeystrokeLog();
      for (const at of evenly(51, 10)) log.record("a", at);
      assert.deepEqual(assessFairPlay(log.times(), 0), KEY_RATE);
    });
  });

  describe("wpm", () => {
    const cases: Array<[number, FairPlayAssessment]> = [
      [0, CLEAN],
      [120, CLEAN],
      [299.99, CLEAN],
      [300, CLEAN],
      [300.01, { flagged: true, reasons: ["WPM"] }],
      [1000, { flagged: true, reasons: ["WPM"] }],
    ];
    for (const [wpm, expected] of cases) {
      it(`${wpm} wpm`, () => {
        assert.deepEqual(assessFairPlay([], wpm), expected);
      });
    }
  });

  it("gives every reason that applies, key rate first", () => {
    assert.deepEqual(assessFairPlay(evenly(51, 0), 301), { flagged: true, reasons: ["KEY_RATE", "WPM"] });
  });
});
