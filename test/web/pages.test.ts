import assert from "node:assert/strict";
import { RoomCloseCode, RoomErrorCode } from "../../src/protocol.ts";
import { chartGeometry, tickStep } from "../../web/src/chart.ts";
import { hashOf, parseRoute, type Route } from "../../web/src/routes.ts";
import {
  clockTime,
  closeText,
  duration,
  ordinal,
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
    ["#/profile", { screen: "profile" }],
    [`#/users/${GAME}`, { screen: "user", userId: GAME }],
    ["#/sign-in", { screen: "sign-in" }],
    ["#/account", { screen: "account" }],
    ["#/leaderboard/weekly/10", { screen: "leaderboard", period: "weekly", words: 10 }],
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

describe("web client: the wpm chart's geometry", () => {
  const box = { width: 220, height: 120, left: 20, right: 0, top: 0, bottom: 20 };

  it("round ticks from 0 up to at least the best wpm", () => {
    assert.deepEqual(
      [tickStep(1), tickStep(24), tickStep(48), tickStep(120), tickStep(180), tickStep(260)],
      [5, 5, 10, 25, 50, 100],
    );
    const chart = chartGeometry([40, 80, 60], box);
    assert.equal(chart.max, 80);
    assert.deepEqual(
      chart.ticks.map((tick) => tick.value),
      [0, 20, 40, 60, 80],
    );
  });

  it("races spread from the left edge to the right, wpm up from the bottom", () => {
    const chart = chartGeometry([40, 80, 60], box);
    assert.deepEqual(chart.points, [
      { x: 20, y: 50 },
      { x: 120, y: 0 },
      { x: 220, y: 25 },
    ]);
    assert.equal(chart.line, "M20 50 L120 0 L220 25");
  });

  it("one race sits in the middle; no race draws nothing", () => {
    assert.deepEqual(chartGeometry([50], box).points, [{ x: 120, y: 0 }]);
    const empty = chartGeometry([], box);
    assert.deepEqual([empty.points, empty.line], [[], ""]);
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
