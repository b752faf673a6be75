import assert from "node:assert/strict";
import { RoomCloseCode, RoomErrorCode } from "../../src/protocol.ts";
import {
  alignedTimelines,
  playersOf,
  playheadTime,
  replayLength,
  slowestWords,
} from "../../web/src/replayData.ts";
import { hashOf, parseRoute, type Route } from "../../web/src/routes.ts";
import {
  clockTime,
  closeText,
  duration,
  ordinal,
  ratingChange,
  roomErrorText,
  seconds,
  signedInText,
} from "../../web/src/words.ts";

const GAME = "0b5f3f9e-8d1c-4c53-9a5e-0a8e2f1b7c11";

describe("web client: hash routes", () => {
  const routes: Array<[string, Route]> = [
    ["", { screen: "home" }],
    ["#/", { screen: "home" }],
    ["#/lobby", { screen: "lobby" }],
    [`#/race/${GAME}`, { screen: "race", gameId: GAME }],
    [`#/results/${GAME}`, { screen: "results", gameId: GAME }],
    [`#/replay/${GAME}`, { screen: "replay", gameId: GAME }],
    ["#/profile", { screen: "profile" }],
    [`#/users/${GAME}`, { screen: "user", userId: GAME }],
    ["#/sign-in", { screen: "sign-in" }],
    ["#/account", { screen: "account" }],
    ["#/leaderboard/weekly/10", { screen: "leaderboard", period: "weekly", words: 10 }],
    ["#/leaderboard/rating", { screen: "ratings" }],
    ["#/room/H8QHD9", { screen: "room", code: "H8QHD9" }],
    ["#/join/H8QHD9", { screen: "join", code: "H8QHD9" }],
    ["#/watch", { screen: "watch" }],
    [`#/watch/${GAME}`, { screen: "spectate", gameId: GAME }],
  ];
  for (const [hash, route] of routes) {
    it(`${hash || "(no hash)"} is ${route.screen}, and back`, () => {
      assert.deepEqual(parseRoute(hash), route);
      if (hash.length > 1) assert.equal(hashOf(route), hash);
    });
  }

  it("anything unknown or malformed goes home; a leaderboard without a period or length shows today's 25-word board", () => {
    for (const hash of [
      "#/nowhere",
      "#/race/",
      "#/race/a b",
      "#/lobby/x",
      `#/race/${GAME}/more`,
      "#/account/x",
      "#/room/h8qhd9",
      "#/room/ABC10O",
      "#/room/",
      "#/join/",
      "#/watch/a b",
      `#/watch/${GAME}/more`,
    ]) {
      assert.deepEqual(parseRoute(hash), { screen: "home" }, hash);
    }
    assert.deepEqual(parseRoute("#/leaderboard"), { screen: "leaderboard", period: "daily", words: 25 });
    assert.deepEqual(parseRoute("#/leaderboard/yearly/7"), {
      screen: "leaderboard",
      period: "daily",
      words: 25,
    });
  });
});

describe("web client: what a replay draws", () => {
  const replay = {
    gameId: GAME,
    mode: "public" as const,
    words: ["ab", "cd"],
    startsAt: "2025-03-20T12:00:00.000Z",
    players: [
      {
        userId: "ada",
        name: "Ada",
        rank: 1,
        wpm: 40,
        acc: 100,
        finished: true,
        flagged: false,
        keystrokes: [
          [300, "a"],
          [500, "b"],
          [700, " "],
          [900, "c"],
          [1500, "d"],
        ] as Array<[number, string]>,
      },
      {
        userId: "bob",
        name: "Bob",
        rank: null,
        wpm: 20,
        acc: 100,
        finished: false,
        flagged: false,
        keystrokes: [
          [400, "a"],
          [2200, "b"],
        ] as Array<[number, string]>,
      },
    ],
  };

  it("each player's keys as the engine takes them, and the replay as long as the last key anyone typed", () => {
    const players = playersOf(replay);
    assert.deepEqual(players[0]!.keys.slice(0, 2), [
      { at: 300, key: "a" },
      { at: 500, key: "b" },
    ]);
    assert.deepEqual(
      players.map((player) => player.lastKeyAt),
      [1500, 2200],
    );
    assert.equal(replayLength(players), 2200);
    assert.equal(replayLength([]), 0);
  });

  it("timelines of different moments on one axis, gaps left empty", () => {
    const aligned = alignedTimelines(
      [{ seconds: [1, 1.5] }, { seconds: [1, 2, 2.2] }],
      (t, moment) => (t + 1) * 100 + moment,
    );
    assert.deepEqual(aligned, {
      seconds: [1, 1.5, 2, 2.2],
      values: [
        [100, 101, null, null],
        [200, null, 201, 202],
      ],
    });
  });

  it("marks the slowest words, the earlier first among equals", () => {
    const speeds = [40, 20, 60, 20, 80].map((wpm, index) => ({ index, word: `w${index}`, ms: 1, wpm }));
    assert.deepEqual([...slowestWords(speeds, 3)], [1, 3, 0]);
    assert.deepEqual([...slowestWords(speeds.slice(0, 1), 3)], [0]);
  });

  it("the playhead's time", () => {
    assert.deepEqual(
      [playheadTime(0), playheadTime(4_250), playheadTime(75_999)],
      ["0:00.0", "0:04.2", "1:15.9"],
    );
  });
});

describe("web client: words", () => {
  it("places", () => {
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal), [
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "101st",
    ]);
  });

  it("times", () => {
    assert.deepEqual([clockTime(65), clockTime(9), clockTime(-3)], ["1:05", "0:09", "0:00"]);
    assert.deepEqual([duration(12), duration(250), duration(7500)], ["12 s", "4 min 10 s", "2 h 5 min"]);
    assert.deepEqual([seconds(3_412), seconds(65_250)], ["3.4 s", "1:05.3"]);
  });

  it("a rating's change in a race, with a true minus sign", () => {
    assert.deepEqual(
      [ratingChange(1000, 1014), ratingChange(1014, 1008), ratingChange(990, 990)],
      ["+14", "\u22126", "\u00b10"],
    );
  });

  it("a sign-in, and the races it moved", () => {
    assert.equal(signedInText("Ada", 0), "Signed in as Ada.");
    assert.equal(signedInText("Ada", 1), "Signed in as Ada — 1 race moved into your account.");
    assert.equal(signedInText("Ada", 12), "Signed in as Ada — 12 races moved into your account.");
  });

  it("every room error code and refusal has plain words", () => {
    for (const code of Object.values(RoomErrorCode))
      assert.doesNotMatch(roomErrorText(code), /^Something went wrong/, code);
    for (const code of Object.values(RoomCloseCode)) assert.ok(closeText(code), String(code));
    assert.match(closeText(RoomCloseCode.UNAUTHORIZED, "TOKEN_EXPIRED: expired")!, /expired/);
    assert.equal(closeText(4000), undefined);
    assert.equal(closeText(RoomCloseCode.FULL, "ROOM_FULL: no place"), "This room is full.");
    assert.match(closeText(RoomCloseCode.FULL, "SPECTATORS_FULL: no place")!, /spectators/);
    assert.match(closeText(RoomCloseCode.REPLACED)!, /another tab/);
  });
});
