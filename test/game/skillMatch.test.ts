import assert from "node:assert/strict";
import {
  acceptedDistance,
  DEFAULT_SKILL_WINDOWS,
  type ListedLobby,
  lobbiesFor,
  type OpenLobby,
  parseSkillWindows,
  regroupTarget,
  type SkillWindow,
} from "../../src/game/skillMatch.ts";

const schedule = parseSkillWindows(DEFAULT_SKILL_WINDOWS);
const NOW = 1_000_000;
/** A lobby of mean `rating` opened `ageMs` before NOW. */
const lobby = (roomId: string, rating: number | undefined, ageMs: number): OpenLobby => ({
  roomId,
  rating,
  openedAt: NOW - ageMs,
});
const picked = (rating: number, lobbies: OpenLobby[], windows: SkillWindow[] = schedule) =>
  lobbiesFor(rating, lobbies, NOW, windows).map(({ roomId }) => roomId);

describe("skillMatch: which lobby a queuing player is seated in", () => {
  describe("the schedule", () => {
    it("defaults to ±100 at once, ±250 after 3 s, anyone after 6 s", () => {
      assert.deepEqual(schedule, [
        { fromMs: 0, distance: 100 },
        { fromMs: 3000, distance: 250 },
        { fromMs: 6000, distance: Infinity },
      ]);
    });

    it("reads any schedule that starts at 0 and widens step by step, spaces allowed", () => {
      assert.deepEqual(parseSkillWindows("0:any"), [{ fromMs: 0, distance: Infinity }]);
      assert.deepEqual(parseSkillWindows("0:0"), [{ fromMs: 0, distance: 0 }]);
      assert.deepEqual(parseSkillWindows(" 0 : 50 , 1000 : 60 "), [
        { fromMs: 0, distance: 50 },
        { fromMs: 1000, distance: 60 },
      ]);
    });

    const refused: Array<[string, RegExp]> = [
      ["", /is not age-ms:distance/],
      ["100", /is not age-ms:distance/],
      ["0:-5", /is not age-ms:distance/],
      ["0:1.5", /is not age-ms:distance/],
      ["0:100,", /is not age-ms:distance/],
      ["0:100;3000:250", /is not age-ms:distance/],
      ["any:100", /is not age-ms:distance/],
      ["1000:100", /must start at age 0/],
      ["0:100,0:200", /start later/],
      ["0:100,3000:100", /wider distance/],
      ["0:any,3000:500", /wider distance/],
      ["0:100,3000:250,2000:300", /start later/],
    ];
    for (const [text, why] of refused) {
      it(`refuses ${JSON.stringify(text)}`, () => {
        assert.throws(() => parseSkillWindows(text), why);
      });
    }

    const widths: Array<[number, number]> = [
      [0, 100],
      [1, 100],
      [2999, 100],
      [3000, 250],
      [5999, 250],
      [6000, Infinity],
      [600_000, Infinity],
      // a listing written on a clock a little ahead of this one
      [-50, 100],
    ];
    for (const [ageMs, distance] of widths) {
      it(`a lobby ${ageMs} ms old accepts ±${distance}`, () => {
        assert.equal(acceptedDistance(schedule, ageMs), distance);
      });
    }
  });

  describe("picking", () => {
    // [case, player's rating, lobbies, the lobbies that accept them, best first]
    const cases: Array<[string, number, OpenLobby[], string[]]> = [
      ["no lobby: none", 1000, [], []],
      ["a new lobby at exactly 100 away accepts", 1000, [lobby("a", 1100, 0)], ["a"]],
      ["a new lobby 101 away does not", 1000, [lobby("a", 1101, 0), lobby("b", 899, 0)], []],
      ["below as above", 1000, [lobby("a", 900, 0)], ["a"]],
      ["at 3 s the window is 250", 1000, [lobby("a", 1250, 3000), lobby("b", 1251, 3000)], ["a"]],
      ["just before 3 s it is still 100", 1000, [lobby("a", 1150, 2999)], []],
      ["at 6 s anyone", 600, [lobby("a", 2200, 6000)], ["a"]],
      [
        "the closest first, whatever the ages",
        1000,
        [lobby("far", 1090, 0), lobby("old", 760, 5000), lobby("near", 1010, 100)],
        ["near", "far", "old"],
      ],
      [
        "equally close: the older first (it starts sooner), then by id",
        1000,
        [lobby("b", 1050, 100), lobby("c", 950, 200), lobby("a", 1050, 100)],
        ["c", "a", "b"],
      ],
      [
        "a lobby with no rating yet accepts anyone, after every lobby with one",
        2000,
        [lobby("empty", undefined, 0), lobby("open", 800, 7000), lobby("near", 1950, 0)],
        ["near", "open", "empty"],
      ],
      [
        "an old lobby far away beats none, a new one far away is left",
        2200,
        [lobby("new", 600, 10), lobby("old", 600, 6500)],
        ["old"],
      ],
    ];
    for (const [name, rating, lobbies, expected] of cases) {
      it(name, () => {
        assert.deepEqual(picked(rating, lobbies), expected);
      });
    }

    it("with a schedule of anyone at once, every lobby accepts, closest first", () => {
      const anyone = parseSkillWindows("0:any");
      assert.deepEqual(picked(1000, [lobby("a", 3000, 0), lobby("b", 0, 0)], anyone), ["b", "a"]);
    });

    it("exhaustively: a lobby accepts exactly when the distance is within its age's window", () => {
      const ratings = [0, 500, 899, 900, 1000, 1100, 1101, 1249, 1250, 1251, 2200, 5000];
      const ages = [0, 1, 2999, 3000, 3001, 5999, 6000, 60_000];
      for (const player of ratings) {
        const lobbies = ratings.flatMap((rating) =>
          ages.map((age) => lobby(`${rating}@${age}`, rating, age)),
        );
        const accepted = lobbiesFor(player, lobbies, NOW, schedule);
        for (const candidate of lobbies) {
          const age = NOW - candidate.openedAt;
          const within =
            Math.abs(player - candidate.rating!) <= (age >= 6000 ? Infinity : age >= 3000 ? 250 : 100);
          assert.equal(accepted.includes(candidate), within, `${player} into ${candidate.roomId}`);
        }
        for (let i = 1; i < accepted.length; i++) {
          const [before, after] = [accepted[i - 1]!, accepted[i]!];
          const [d1, d2] = [Math.abs(player - before.rating!), Math.abs(player - after.rating!)];
          assert.ok(d1 < d2 || (d1 === d2 && before.openedAt <= after.openedAt), `order at ${i}`);
        }
      }
    });
  });

  describe("regrouping: a waiting lobby moves into an older one that accepts all its players", () => {
    /** An open lobby of mean `rating`, opened `ageMs` before NOW, `players` of 3 seats taken. */
    const listed = (
      roomId: string,
      rating: number | undefined,
      ageMs: number,
      players = 1,
      maxPlayers = 3,
    ): ListedLobby => ({ ...lobby(roomId, rating, ageMs), players, maxPlayers });
    /** The lobby asking: its players' ratings, opened `ageMs` before NOW (a step of its schedule). */
    const asking = (ratings: Array<number | undefined>, ageMs = 3000, roomId = "m") => ({
      roomId,
      openedAt: NOW - ageMs,
      ratings,
    });

    // [case, the asking lobby, the open lobbies (itself among them, as a listing shows it), the target]
    const cases: Array<[string, ReturnType<typeof asking>, ListedLobby[], string | undefined]> = [
      ["alone: nowhere to go", asking([1000]), [listed("m", 1000, 3000)], undefined],
      ["empty: stays (nobody to move)", asking([]), [listed("a", 1000, 3200)], undefined],
      ["an older lobby within its 3 s window of ±250", asking([1000]), [listed("a", 1150, 3200)], "a"],
      ["just outside it", asking([1000]), [listed("a", 1251, 3200)], undefined],
      [
        "its window at its own age: still ±100 at 2.9 s",
        asking([1000], 1000),
        [listed("a", 1150, 2900)],
        undefined,
      ],
      ["anyone once it is 6 s old", asking([600]), [listed("a", 2200, 6000)], "a"],
      ["a younger lobby is never a target", asking([1000]), [listed("y", 1000, 2800)], undefined],
      [
        "opened at the same moment: only the smaller roomId is older",
        asking([1000], 3000, "m"),
        [listed("a", 1000, 3000), listed("z", 1000, 3000)],
        "a",
      ],
      [
        "every player must be accepted, not just the mean",
        asking([900, 1100]),
        [listed("a", 1200, 3200)],
        undefined,
      ],
      ["each within reach: all move", asking([1000, 1100]), [listed("a", 1200, 3200)], "a"],
      ["a seat for each of them", asking([1000, 1000]), [listed("a", 1000, 3200, 2)], undefined],
      ["the last seats are enough", asking([1000, 1000]), [listed("a", 1000, 3200, 1)], "a"],
      ["a full lobby is not a target", asking([1000]), [listed("a", 1000, 7000, 3)], undefined],
      ["a lobby with no rating yet accepts anyone", asking([2000]), [listed("a", undefined, 3100)], "a"],
      [
        "a player with no rating is accepted anywhere",
        asking([undefined, 1000]),
        [listed("a", 1100, 3100)],
        "a",
      ],
      [
        "of several, the oldest (it starts soonest), whatever the distances",
        asking([1000]),
        [listed("near", 1000, 3100), listed("old", 1200, 3500), listed("far", 2000, 3300)],
        "old",
      ],
      [
        "one that will not do is passed over for one that will",
        asking([1000, 1000]),
        [listed("full", 1000, 5000, 2), listed("open", 1200, 3100)],
        "open",
      ],
    ];
    for (const [name, own, lobbies, expected] of cases) {
      it(name, () => {
        assert.equal(regroupTarget(own, lobbies, NOW, schedule)?.roomId, expected);
      });
    }

    it("two lobbies never move into each other, and the oldest never moves", () => {
      const lobbies = [listed("a", 1000, 4000), listed("b", 1000, 3000), listed("c", 1000, 3000)];
      const targets = lobbies.map(
        (each) =>
          regroupTarget(
            { roomId: each.roomId, openedAt: each.openedAt, ratings: [1000] },
            lobbies,
            NOW,
            schedule,
          )?.roomId,
      );
      assert.deepEqual(targets, [undefined, "a", "a"]);
    });
  });
});
