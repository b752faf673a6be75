import assert from "node:assert/strict";
import { BACKSPACE, type Key } from "../../src/game/keys.ts";
import { decodeKeystrokeLog, type LoggedKey } from "../../src/game/keystrokeLog.ts";
import { Race } from "../../src/game/race/race.ts";
import type { RaceResult } from "../../src/game/race/result.ts";
import { LogPlayer, playKeys, scoreOfLog } from "../../src/game/replay.ts";
import { computeStats } from "../../src/game/stats.ts";

const WORDS = ["ab", "cd"];

/** A hand-made log: "key@ms" entries, "⌫" for Backspace and "␣" for the space. */
function log(entries: string): LoggedKey[] {
  return entries.split(" ").map((entry) => {
    const [char, at] = entry.split("@") as [string, string];
    const key: Key = char === "⌫" ? BACKSPACE : char === "␣" ? " " : char;
    return { key, at: Number(at) };
  });
}

describe("replaying a keystroke log", () => {
  it("tells what each key did, and what it was aimed at", () => {
    const played: unknown[] = [];
    playKeys(WORDS, log("a@1 x@2 ⌫@3 ␣@4 b@5 c@6 ⌫@7 ␣@8 c@9 d@10"), (key) =>
      played.push([key.key, key.outcome, key.wordIndex, key.counted, key.right, key.target]),
    );
    assert.deepEqual(played, [
      ["a", "typed", 0, true, true, "a"],
      ["x", "typed", 0, true, false, "b"],
      [BACKSPACE, "deleted", 0, false, false, ""],
      [" ", "blocked", 0, true, false, "b"],
      ["b", "typed", 0, true, true, "b"],
      ["c", "typed", 0, true, false, " "],
      [BACKSPACE, "deleted", 0, false, false, ""],
      [" ", "advanced", 0, true, true, " "],
      ["c", "typed", 1, true, true, "c"],
      ["d", "finished", 1, true, true, "d"],
    ]);
  });

  it("scores a finisher over the time to their finishing key", () => {
    assert.deepEqual(scoreOfLog(WORDS, log("a@200 x@400 ⌫@600 b@800 ␣@1200 c@1600 d@2100")), {
      finished: true,
      durationMs: 2100,
      wpm: 28.57,
      wpmRaw: 34.29,
      acc: 83.33,
      accRaw: 80,
    });
  });

  it("scores anyone else over the time they typed, first key to last", () => {
    assert.deepEqual(scoreOfLog(WORDS, log("a@500 b@900 ␣@1400 c@2300")), {
      finished: false,
      durationMs: 1800,
      wpm: 26.67,
      wpmRaw: 26.67,
      acc: 100,
      accRaw: 100,
    });
    assert.deepEqual(scoreOfLog(WORDS, []), {
      finished: false,
      durationMs: 0,
      wpm: 0,
      wpmRaw: 0,
      acc: 0,
      accRaw: 0,
    });
  });

  it("scores exactly what the race stored, for finishers and for those who did not finish", () => {
    const startsAt = 1_000_000;
    const race = new Race(
      { gameId: "g", mode: "public", words: WORDS, startsAt, timeLimitMs: 10_000, noShowAfterMs: 5_000 },
      [
        { id: "ada", name: "Ada" },
        { id: "bob", name: "Bob" },
      ],
    );
    const keys: Array<[string, string, number]> = [
      ["ada", "a", 137],
      ["bob", "a", 401],
      ["ada", "x", 390],
      ["ada", BACKSPACE, 577],
      ["ada", "b", 702],
      ["bob", "b", 933],
      ["ada", " ", 1_111],
      ["bob", "c", 1_500],
      ["ada", "c", 1_640],
      ["ada", "d", 2_222],
    ];
    for (const [id, key, at] of keys.sort((a, b) => a[2] - b[2])) race.key(id, key, startsAt + at);
    race.tick(startsAt + 10_000);
    const results: RaceResult[] = race
      .takeEvents()
      .flatMap((event) =>
        event.type === "finished" ? [event.result] : event.type === "ended" ? event.dnf : [],
      );
    assert.equal(results.length, 2);
    for (const result of results) {
      const { wpm, wpmRaw, acc, accRaw, durationMs } = result;
      assert.deepEqual(
        scoreOfLog(WORDS, decodeKeystrokeLog(result.keystrokes)),
        { finished: result.rank !== null, durationMs, wpm, wpmRaw, acc, accRaw },
        result.userId,
      );
    }
  });

  describe("to any moment (a replay's playhead)", () => {
    const keys = log("a@200 x@400 ⌫@600 b@800 ␣@1200 c@1600 d@2100");

    it("stands where the player stood, forwards and backwards", () => {
      const player = new LogPlayer(WORDS, keys);
      const at = (ms: number) => {
        const { wordIndex, input, finished } = player.seek(ms);
        return [wordIndex, input, finished];
      };
      assert.deepEqual(at(0), [0, "", false]);
      assert.deepEqual(at(450), [0, "ax", false]);
      assert.deepEqual(at(600), [0, "a", false]);
      assert.deepEqual(at(1700), [1, "c", false]);
      assert.deepEqual(at(500), [0, "ax", false], "dragged back");
      assert.deepEqual(at(5000), [1, "cd", true]);
    });

    it("shows the live figures while typing, the result's once finished", () => {
      const player = new LogPlayer(WORDS, keys);
      const typist = player.seek(1700);
      assert.deepEqual(player.figuresAt(1700), computeStats(WORDS, typist, 1700));
      const { finished: _, durationMs: __, ...result } = scoreOfLog(WORDS, keys);
      assert.deepEqual(player.figuresAt(2100), result);
      assert.deepEqual(player.figuresAt(9000), result, "the result stays");
      assert.notDeepEqual(player.figuresAt(2000), result);
    });
  });
});
