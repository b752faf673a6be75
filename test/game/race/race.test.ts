import assert from "node:assert/strict";
import { BACKSPACE, type Key } from "../../../src/game/keys.ts";
import { decodeKeystrokeLog } from "../../../src/game/keystrokeLog.ts";
import { type KeyVerdict, Race, type RaceEvent, type RaceSettings } from "../../../src/game/race/race.ts";
import { scoreOfLog } from "../../../src/game/replay.ts";
import { computeStats } from "../../../src/game/stats.ts";
import { applyKey, newTypist } from "../../../src/game/typingEngine.ts";

const T0 = 1_000_000;
const SETTINGS: RaceSettings = {
  gameId: "game-1",
  mode: "public",
  words: ["the", "cat"],
  startsAt: T0,
  timeLimitMs: 60_000,
  noShowAfterMs: 20_000,
};
const ADA = { id: "ada", name: "Ada" };
const BOB = { id: "bob", name: "Bob" };
const CY = { id: "cy", name: "Cy" };

function raceOf(roster = [ADA, BOB], settings: Partial<RaceSettings> = {}): Race {
  return new Race({ ...SETTINGS, ...settings }, roster);
}

/** Sends each character of `text` ("⌫" is Backspace) as one key of `id`, `stepMs` apart from `at`. */
function type(race: Race, id: string, text: string, at: number, stepMs = 100): KeyVerdict[] {
  return [...text].map((char, i) => race.key(id, (char === "⌫" ? BACKSPACE : char) as Key, at + i * stepMs));
}

const kinds = (events: RaceEvent[]) => events.map((event) => event.type);

describe("the race model", () => {
  describe("its roster", () => {
    it("starts with every entrant at the first word, unconnected, unfinished", () => {
      const race = raceOf();
      assert.deepEqual(
        [...race.racers()].map(({ id, name, wordIndex, charIndex, finished, rank, connected }) => ({
          id,
          name,
          wordIndex,
          charIndex,
          finished,
          rank,
          connected,
        })),
        [
          { id: "ada", name: "Ada", wordIndex: 0, charIndex: 0, finished: false, rank: 0, connected: false },
          { id: "bob", name: "Bob", wordIndex: 0, charIndex: 0, finished: false, rank: 0, connected: false },
        ],
      );
      assert.equal(race.status, "countdown");
      assert.equal(race.endsAt, T0 + 60_000);
    });

    it("refuses a race without racers or without words", () => {
      assert.throws(() => raceOf([]), RangeError);
      assert.throws(() => raceOf([ADA], { words: [] }), RangeError);
    });

    it("follows connections: connect, drop, connect again, leave", () => {
      const race = raceOf();
      const connected = () => race.racer("ada")!.connected;
      race.connect("ada");
      assert.equal(connected(), true);
      race.disconnect("ada");
      assert.equal(connected(), false);
      race.connect("ada");
      assert.equal(connected(), true);
      race.leave("ada");
      assert.equal(connected(), false);
    });

    describe("who may take a seat in it and who is waited for after a drop", () => {
      const cases: Array<{
        name: string;
        play: (race: Race) => void;
        id: string;
        onRoster: boolean;
        awaited: boolean;
      }> = [
        { name: "a racer in the countdown", play: () => {}, id: "ada", onRoster: true, awaited: true },
        {
          name: "a racer while the race is on",
          play: (race) => race.tick(T0),
          id: "ada",
          onRoster: true,
          awaited: true,
        },
        {
          name: "a racer who finished, while the others still type",
          play: (race) => type(race, "ada", "the cat", T0),
          id: "ada",
          onRoster: true,
          awaited: true,
        },
        {
          name: "a racer once the race is over",
          play: (race) => race.tick(T0 + 60_000),
          id: "ada",
          onRoster: true,
          awaited: false,
        },
        { name: "someone not on the roster", play: () => {}, id: "eve", onRoster: false, awaited: false },
        {
          name: "the ghost: nobody connects for it",
          play: () => {},
          id: "ghost:cy",
          onRoster: false,
          awaited: false,
        },
      ];
      for (const { name, play, id, onRoster, awaited } of cases) {
        it(`${name}: ${onRoster ? "a seat" : "no seat"}, ${awaited ? "awaited" : "not awaited"}`, () => {
          const race = new Race(SETTINGS, [ADA, BOB], { id: "ghost:cy", name: "ghost of Cy", keys: [] });
          race.connect("ada");
          race.connect("bob");
          play(race);
          assert.equal(race.onRoster(id), onRoster);
          assert.equal(race.disconnect(id), awaited);
          if (id === "ghost:cy") assert.equal(race.racer(id)!.connected, true, "a ghost stays connected");
        });
      }
    });

    it("ignores anything about someone not on the roster, and refuses their keys", () => {
      const race = raceOf();
      race.connect("eve");
      race.disconnect("eve");
      race.leave("eve");
      assert.equal(race.key("eve", "t", T0 + 1), "NOT_A_RACER");
      assert.equal(race.racer("eve"), undefined);
      assert.deepEqual(race.takeEvents(), []);
    });
  });

  describe("when typing opens", () => {
    it("stays in countdown before startsAt, opens at startsAt, once", () => {
      const race = raceOf();
      race.tick(T0 - 1);
      assert.equal(race.status, "countdown");
      race.tick(T0);
      race.tick(T0 + 5);
      assert.equal(race.status, "racing");
      assert.deepEqual(kinds(race.takeEvents()), ["opened"]);
    });

    it("opens with the first key at or after startsAt, even before its timer fires", () => {
      const race = raceOf();
      assert.equal(race.key("ada", "t", T0), "typed");
      assert.equal(race.status, "racing");
      race.tick(T0 + 1);
      assert.deepEqual(kinds(race.takeEvents()), ["opened"]);
    });

    it("names the moments the clock must tick at", () => {
      assert.deepEqual(raceOf().deadlines(), [T0, T0 + 20_000, T0 + 60_000]);
    });
  });

  describe("a key", () => {
    const cases: Array<{
      name: string;
      setup: (race: Race) => void;
      key: Key;
      at: number;
      verdict: KeyVerdict;
    }> = [
      { name: "before startsAt", setup: () => {}, key: "t", at: T0 - 1, verdict: "NOT_STARTED" },
      { name: "at the time limit", setup: () => {}, key: "t", at: T0 + 60_000, verdict: "RACE_OVER" },
      {
        name: "after the race ended",
        setup: (race) => race.tick(T0 + 60_000),
        key: "t",
        at: T0 + 1_000,
        verdict: "RACE_OVER",
      },
      {
        name: "after finishing",
        setup: (race) => type(race, "ada", "the cat", T0),
        key: "x",
        at: T0 + 2_000,
        verdict: "ALREADY_FINISHED",
      },
      {
        name: "after giving up",
        setup: (race) => race.leave("ada"),
        key: "t",
        at: T0 + 1,
        verdict: "ALREADY_FINISHED",
      },
      { name: "a stray space", setup: () => {}, key: " ", at: T0, verdict: "ignored" },
      { name: "a Backspace on nothing", setup: () => {}, key: BACKSPACE, at: T0, verdict: "ignored" },
      { name: "a character", setup: () => {}, key: "t", at: T0, verdict: "typed" },
    ];
    for (const { name, setup, key, at, verdict } of cases) {
      it(`${name}: ${verdict}`, () => {
        const race = raceOf([ADA, BOB]);
        setup(race);
        const before = { ...race.racer("ada")! };
        assert.equal(race.key("ada", key, at), verdict);
        if (verdict !== "typed") {
          const { wordIndex, charIndex, finished } = race.racer("ada")!;
          assert.deepEqual(
            { wordIndex, charIndex, finished },
            {
              wordIndex: before.wordIndex,
              charIndex: before.charIndex,
              finished: before.finished,
            },
          );
        }
      });
    }

    it("moves the racer's position exactly as the typing engine does", () => {
      const race = raceOf();
      const typist = newTypist();
      for (const [i, char] of [..."tx⌫he c"].entries()) {
        const key = char === "⌫" ? BACKSPACE : char;
        applyKey(SETTINGS.words, typist, key);
        race.key("ada", key, T0 + i);
        const { wordIndex, charIndex } = race.racer("ada")!;
        assert.deepEqual(
          [wordIndex, charIndex],
          [typist.wordIndex, typist.input.length],
          `after ${i + 1} keys`,
        );
      }
    });

    it("records every applied key with its time since the start, and no ignored one", () => {
      const race = raceOf([ADA]);
      race.key("ada", " ", T0 + 5);
      type(race, "ada", "the cat", T0 + 100, 50);
      const [finished] = race.takeEvents().filter((event) => event.type === "finished");
      assert.ok(finished?.type === "finished");
      const log = decodeKeystrokeLog(finished.result.keystrokes);
      assert.equal(log.map(({ key }) => key).join(""), "the cat");
      assert.deepEqual(
        log.map(({ at }) => at),
        [100, 150, 200, 250, 300, 350, 400],
      );
    });
  });

  describe("the finish", () => {
    it("ranks racers in the order they finish, each result stored as they finish", () => {
      const race = raceOf([ADA, BOB, CY]);
      for (const id of ["ada", "bob", "cy"]) race.connect(id);
      type(race, "bob", "the cat", T0 + 1_000);
      type(race, "ada", "the cat", T0 + 2_000);
      const events = race.takeEvents();
      assert.deepEqual(kinds(events), ["opened", "finished", "finished"]);
      const finishes = events.flatMap((event) => (event.type === "finished" ? [event] : []));
      assert.deepEqual(
        finishes.map(({ userId, result }) => [userId, result.rank]),
        [
          ["bob", 1],
          ["ada", 2],
        ],
      );
      assert.deepEqual([race.racer("bob")!.rank, race.racer("ada")!.rank, race.racer("cy")!.rank], [1, 2, 0]);
      assert.equal(race.status, "racing", "Cy is still typing");
    });

    it("scores the finisher with the statistics of their typing over the time since the start", () => {
      const race = raceOf([ADA]);
      type(race, "ada", "thx⌫e cat", T0 + 3_000, 1_000);
      const [, finished] = race.takeEvents();
      assert.ok(finished?.type === "finished");
      const typist = newTypist();
      for (const char of "thx⌫e cat") applyKey(SETTINGS.words, typist, char === "⌫" ? BACKSPACE : char);
      const durationMs = 3_000 + 8 * 1_000;
      assert.deepEqual(finished.result, {
        gameId: "game-1",
        userId: "ada",
        rank: 1,
        ...computeStats(SETTINGS.words, typist, durationMs),
        finishedAt: new Date(T0 + durationMs),
        wordCount: 2,
        durationMs,
        flagged: false,
        won: false,
        keystrokes: finished.result.keystrokes,
      });
      const { wpm, acc } = race.racer("ada")!;
      assert.deepEqual([wpm, acc], [finished.result.wpm, finished.result.acc]);
    });

    it("flags a result no human could type", () => {
      const race = raceOf([ADA], { words: Array.from({ length: 30 }, () => "word") });
      type(race, "ada", Array.from({ length: 30 }, () => "word").join(" "), T0, 1);
      const finished = race.takeEvents().find((event) => event.type === "finished");
      assert.ok(finished?.type === "finished");
      assert.equal(finished.result.flagged, true);
    });
  });

  describe("the end", () => {
    const cases: Array<{
      name: string;
      play: (race: Race) => void;
      ended: boolean;
      dnf: string[];
    }> = [
      {
        name: "everyone finished",
        play: (race) => {
          type(race, "ada", "the cat", T0);
          type(race, "bob", "the cat", T0 + 10);
        },
        ended: true,
        dnf: [],
      },
      {
        name: "one finished, the other gave up",
        play: (race) => {
          type(race, "ada", "the cat", T0);
          race.leave("bob");
        },
        ended: true,
        dnf: ["bob"],
      },
      {
        name: "everyone gave up, even before the start",
        play: (race) => {
          race.leave("ada");
          race.leave("bob");
        },
        ended: true,
        dnf: ["ada", "bob"],
      },
      {
        name: "one finished, the other is still typing",
        play: (race) => {
          type(race, "ada", "the cat", T0);
          type(race, "bob", "th", T0);
        },
        ended: false,
        dnf: [],
      },
      {
        name: "a dropped racer keeps their place: no end",
        play: (race) => {
          race.disconnect("bob");
          type(race, "ada", "the cat", T0);
        },
        ended: false,
        dnf: [],
      },
      {
        name: "the time limit, whoever has not finished did not finish",
        play: (race) => {
          type(race, "ada", "the c", T0);
          race.tick(T0 + 60_000);
        },
        ended: true,
        dnf: ["ada", "bob"],
      },
      {
        name: "a racer who showed up and dropped is no no-show, even past the grace",
        play: (race) => {
          race.disconnect("bob");
          type(race, "ada", "the cat", T0);
          race.tick(T0 + 20_000);
        },
        ended: false,
        dnf: [],
      },
      {
        name: "a roster member who never connected does not hold up the race past the grace",
        play: (race) => {
          type(race, "ada", "the cat", T0);
          race.tick(T0 + 19_999);
          assert.equal(race.status, "racing");
          race.tick(T0 + 20_000);
        },
        ended: true,
        dnf: ["bob"],
      },
    ];
    for (const { name, play, ended, dnf } of cases) {
      it(`${name}: ${ended ? `ends, DNF ${dnf.join(", ") || "nobody"}` : "goes on"}`, () => {
        const race = raceOf();
        race.connect("ada");
        if (!name.startsWith("a roster member who never")) race.connect("bob");
        play(race);
        const events = race.takeEvents();
        const end = events.find((event) => event.type === "ended");
        assert.equal(race.status === "finished", ended);
        assert.equal(end !== undefined, ended);
        if (end?.type === "ended") {
          assert.deepEqual(
            end.dnf.map((result) => result.userId),
            dnf,
          );
          for (const result of end.dnf) assert.deepEqual([result.rank, result.finishedAt], [null, null]);
        }
      });
    }

    it("ends once: later ticks, leaves and keys change nothing", () => {
      const race = raceOf();
      race.tick(T0 + 60_000);
      race.takeEvents();
      race.tick(T0 + 70_000);
      race.leave("ada");
      assert.equal(race.key("bob", "t", T0 + 1), "RACE_OVER");
      assert.deepEqual(race.takeEvents(), []);
    });

    it("a finisher who leaves afterwards keeps their result and does not end the race", () => {
      const race = raceOf();
      type(race, "ada", "the cat", T0);
      race.leave("ada");
      assert.equal(race.racer("ada")!.finished, true);
      assert.equal(race.status, "racing");
    });

    it("scores those who did not finish over the time they typed, first key to last, however the race ended", () => {
      const cases: Array<[string, (race: Race) => void]> = [
        ["gave up long after", (race) => race.leave("ada")],
        ["the time limit", (race) => race.tick(T0 + 60_000)],
        ["a no-show's grace, long past", (race) => race.tick(T0 + 90_000)],
      ];
      for (const [how, end] of cases) {
        const race = raceOf([ADA]);
        race.connect("ada");
        // Six keys, 100 ms apart from the start + 1 s: they typed for 500 ms, whatever came after.
        type(race, "ada", "the ca", T0 + 1_000);
        end(race);
        const ended = race.takeEvents().find((event) => event.type === "ended");
        assert.ok(ended?.type === "ended", how);
        const [result] = ended.dnf;
        const typist = newTypist();
        for (const char of "the ca") applyKey(SETTINGS.words, typist, char);
        assert.equal(result!.durationMs, 500, how);
        assert.deepEqual(
          [result!.wpm, result!.wpmRaw, result!.acc],
          [
            computeStats(SETTINGS.words, typist, 500).wpm,
            computeStats(SETTINGS.words, typist, 500).wpmRaw,
            100,
          ],
          how,
        );
      }
    });

    it("scores a player who typed nothing with nothing", () => {
      const race = raceOf([ADA]);
      race.leave("ada");
      const ended = race.takeEvents().find((event) => event.type === "ended");
      assert.ok(ended?.type === "ended");
      assert.deepEqual([ended.dnf[0]!.durationMs, ended.dnf[0]!.wpm, ended.dnf[0]!.acc], [0, 0, 0]);
    });
  });

  describe("who won", () => {
    const LONG = Array.from({ length: 12 }, () => "typewriter");
    const cases: Array<{
      name: string;
      roster: Array<{ id: string; name: string }>;
      words?: string[];
      play: (race: Race) => void;
      won: Record<string, boolean>;
    }> = [
      {
        name: "the first of two finishers",
        roster: [ADA, BOB],
        play: (race) => {
          type(race, "ada", "the cat", T0 + 1_000, 300);
          type(race, "bob", "the cat", T0 + 2_000, 300);
        },
        won: { ada: true, bob: false },
      },
      {
        name: "a racer alone: a practice, no win",
        roster: [ADA],
        play: (race) => type(race, "ada", "the cat", T0 + 1_000, 300),
        won: { ada: false },
      },
      {
        name: "a flagged first place: nobody wins",
        roster: [ADA, BOB],
        words: LONG,
        play: (race) => type(race, "ada", LONG.join(" "), T0, 1),
        won: { ada: false },
      },
    ];
    for (const { name, roster, words, play, won } of cases) {
      it(name, () => {
        const race = raceOf(roster, words ? { words } : {});
        play(race);
        const finishes = race
          .takeEvents()
          .flatMap((event) => (event.type === "finished" ? [event.result] : []));
        for (const [id, expected] of Object.entries(won)) {
          assert.equal(finishes.find((result) => result.userId === id)?.won, expected, id);
        }
      });
    }
  });

  describe("a ghost: a stored race typed again at its recorded times", () => {
    // Ada's earlier race of "the cat": a typo fixed, finished 1.8 s after the start.
    const ADA_KEYS = [..."the cx⌫at"].map((char, i) => ({
      key: (char === "⌫" ? BACKSPACE : char) as Key,
      at: [300, 500, 700, 900, 1_100, 1_200, 1_300, 1_500, 1_800][i]!,
    }));
    const GHOST = { id: "ghost:ada", name: "ghost of Ada", keys: ADA_KEYS };
    const withGhost = (roster = [BOB], settings: Partial<RaceSettings> = {}) => {
      const race = new Race({ ...SETTINGS, ...settings }, roster, GHOST);
      for (const { id } of roster) race.connect(id);
      return race;
    };
    const position = (race: Race) => {
      const { wordIndex, charIndex, finished, rank } = race.racer(GHOST.id)!;
      return [wordIndex, charIndex, finished, rank];
    };
    const results = (events: RaceEvent[]) =>
      events.flatMap((event) =>
        event.type === "finished" ? [event.result] : event.type === "ended" ? event.dnf : [],
      );

    it("races from the start, there without a connection, marked a ghost, its keys its own", () => {
      const race = withGhost();
      const { name, connected, ghost } = race.racer(GHOST.id)!;
      assert.deepEqual([name, connected, ghost], ["ghost of Ada", true, true]);
      assert.equal(race.racer("bob")!.ghost, false);
      assert.equal(race.key(GHOST.id, "t", T0 + 1), "NOT_A_RACER", "nobody types for it");
    });

    it("types each key at its recorded time, whenever the clock ticks, and finishes at its recorded time", () => {
      const race = withGhost();
      assert.equal(race.nextGhostKeyAt(), T0 + 300);
      race.tick(T0);
      assert.deepEqual(position(race), [0, 0, false, 0]);
      race.tick(T0 + 700);
      assert.deepEqual(position(race), [0, 3, false, 0]);
      assert.equal(race.nextGhostKeyAt(), T0 + 900);
      race.tick(T0 + 1_250);
      assert.deepEqual(position(race), [1, 2, false, 0]);
      // A tick half a second late: the finish is the recorded one all the same.
      race.tick(T0 + 2_300);
      assert.deepEqual(position(race), [1, 3, true, 1]);
      const recorded = scoreOfLog(SETTINGS.words, ADA_KEYS);
      assert.deepEqual([race.racer(GHOST.id)!.wpm, race.racer(GHOST.id)!.acc], [recorded.wpm, recorded.acc]);
      assert.equal(race.nextGhostKeyAt(), undefined);
    });

    it("counts first when its finish was due first, even before the tick typing it", () => {
      const race = withGhost();
      race.tick(T0 + 1_000);
      // Bob's last key comes at 1.9 s; no tick came since 1 s.
      type(race, "bob", "the cat", T0 + 1_000, 150);
      assert.deepEqual(position(race), [1, 3, true, 1]);
      const [bob] = results(race.takeEvents());
      assert.deepEqual([bob!.userId, bob!.rank, bob!.won], ["bob", 2, false]);
    });

    it("a player who beats it is first, and wins nothing: a ghost is no opponent; nothing of it is stored", () => {
      const race = withGhost();
      race.tick(T0);
      type(race, "bob", "the cat", T0 + 1_000, 100);
      const [bob] = results(race.takeEvents());
      assert.deepEqual([bob!.rank, bob!.won], [1, false]);
      assert.equal(race.status, "racing", "Bob waits to see the ghost finish");
      race.tick(T0 + 1_800);
      assert.deepEqual(position(race), [1, 3, true, 2]);
      assert.equal(race.status, "finished");
      const events = race.takeEvents();
      assert.deepEqual(kinds(events), ["ended"]);
      assert.deepEqual(results(events), [], "no result for the ghost");
    });

    it("with two players: the first of them wins ahead of the ghost; behind it, first place is the ghost's", () => {
      const ahead = withGhost([ADA, BOB]);
      type(ahead, "ada", "the cat", T0 + 100, 100);
      type(ahead, "bob", "the cat", T0 + 200, 100);
      ahead.tick(T0 + 2_000);
      assert.deepEqual(
        results(ahead.takeEvents()).map(({ userId, rank, won }) => [userId, rank, won]),
        [
          ["ada", 1, true],
          ["bob", 2, false],
        ],
      );
      const behind = withGhost([ADA, BOB]);
      type(behind, "ada", "the cat", T0 + 1_000, 150);
      type(behind, "bob", "the cat", T0 + 1_100, 150);
      assert.deepEqual(
        results(behind.takeEvents()).map(({ userId, rank, won }) => [userId, rank, won]),
        [
          ["ada", 2, false],
          ["bob", 3, false],
        ],
      );
    });

    it("holds nobody up: every player gave up, the race ends at once", () => {
      const race = withGhost();
      race.tick(T0 + 500);
      race.leave("bob");
      assert.equal(race.status, "finished");
      assert.deepEqual(
        results(race.takeEvents()).map(({ userId }) => userId),
        ["bob"],
      );
      race.tick(T0 + 5_000);
      assert.deepEqual(position(race), [0, 2, false, 0], "it stops where the race ended");
    });

    it("stops at the time limit, unfinished, and nothing of it is stored", () => {
      const race = withGhost([BOB], { timeLimitMs: 1_000 });
      assert.equal(race.nextGhostKeyAt(), T0 + 300);
      race.tick(T0 + 1_000);
      assert.equal(race.status, "finished");
      assert.deepEqual(position(race), [1, 0, false, 0]);
      assert.deepEqual(
        results(race.takeEvents()).map(({ userId }) => userId),
        ["bob"],
      );
      assert.equal(race.nextGhostKeyAt(), undefined);
    });
  });
});
