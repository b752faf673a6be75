import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import pg from "pg";
import type { ResultResponse } from "../../src/api/contracts/games.ts";
import { isInviteCode } from "../../src/game/party.ts";
import { joinRefusalCode, RoomCloseCode } from "../../src/protocol.ts";
import type { TypingRoom } from "../../src/rooms/TypingRoom.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { call, dataOf, errorOf } from "../support/http.ts";
import { dropConnection, eventually, Player, type Player as PlayerType } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const RECONNECT_GRACE_S = 2;

const textOf = (player: PlayerType) => [...player.race!.state.words].join(" ");

/** Typing faster than the flood guard refills, as a 10-word text at once would be, is refused. */
const KEY_INTERVAL_MS = 35;

/** Every entrant takes their seat, types the whole text, and sees their result. */
async function raceThrough(players: PlayerType[]): Promise<string> {
  await Promise.all(players.map((player) => player.enterRace()));
  const gameId = players[0]!.race!.roomId;
  await Promise.all(players.map((player) => player.waitForRacing()));
  await Promise.all(players.map((player) => player.typeSlowly(textOf(player), KEY_INTERVAL_MS)));
  await Promise.all(players.map((player) => eventually(`${player.name}'s finish`, () => player.finished)));
  return gameId;
}

/** What the room answers a join with, as the close code and message. */
async function refusalOf(join: Promise<unknown>): Promise<{ code: number | undefined; message: string }> {
  try {
    await join;
  } catch (error) {
    const { code, message } = error as { code: number; message: string };
    return { code: joinRefusalCode(code), message };
  }
  throw new Error("the join was not refused");
}

describe("PrivateRoom: racing friends by code", function () {
  this.timeout(60_000);
  let server: TestServer;
  const everyone: PlayerType[] = [];
  const signIn = async (name: string) => {
    const player = await Player.signIn(server.url, name);
    everyone.push(player);
    return player;
  };

  before(async () => {
    server = await startTestServer({
      RACE_START_COUNTDOWN_MS: "200",
      RACE_WORDS: "3",
      RECONNECT_GRACE_S: String(RECONNECT_GRACE_S),
    });
  });
  afterEach(async () => {
    await Promise.all(everyone.splice(0).map((player) => player.leaveAll()));
  });
  after(async () => {
    await server.stop();
  });

  it("create → join by code → only the host starts → everyone races → rematch twice → host hands over", async () => {
    const [ada, bob, cy] = [await signIn("Ada"), await signIn("Bob"), await signIn("Cy")];
    const room = await ada.createParty({ words: 10, maxPlayers: 4 });
    const code = room.roomId;
    assert.ok(isInviteCode(code), code);
    assert.equal(room.state.code, code);
    assert.equal(room.state.hostId, ada.id);
    assert.deepEqual([room.state.words, room.state.maxPlayers, room.state.status], [10, 4, "open"]);
    assert.equal(room.state.lastGameId, "");

    await bob.joinParty(code);
    await cy.joinParty(code);
    await eventually("three players", () => room.state.players.size === 3);
    assert.deepEqual(
      [...room.state.players.values()].map(({ name }) => name),
      ["Ada", "Bob", "Cy"],
    );

    bob.start();
    assert.equal(await bob.nextError(0), "NOT_HOST");
    bob.settings({ words: 25 });
    assert.equal(await bob.nextError(1), "NOT_HOST");
    assert.equal(room.state.words, 10, "nothing changed");

    const games: string[] = [];
    for (let round = 1; round <= 3; round++) {
      ada.start();
      await eventually("racing", () => room.state.status === "racing");
      const gameId = await raceThrough([ada, bob, cy]);
      games.push(gameId);
      const race = ada.race!.state;
      assert.equal(race.mode, "private");
      assert.equal(race.words.length, 10);
      assert.deepEqual(new Set(race.players.keys()), new Set([ada.id, bob.id, cy.id]));
      await eventually(`round ${round} over: the room reopens`, () => room.state.status === "open");
      assert.equal(room.state.lastGameId, gameId);
      if (round === 1) {
        ada.start();
        // The room reopened: a start now is the rematch, not ALREADY_RACING.
        await eventually("the rematch", () => room.state.status === "racing");
        const rematch = await raceThrough([ada, bob, cy]);
        games.push(rematch);
        await eventually("rematch over", () => room.state.lastGameId === rematch);
      }
    }
    assert.equal(new Set(games).size, 4, "each start is a new race");

    const result = dataOf(
      await call<{ mode: string; wordCount: number; ranking: unknown[] }>(
        server.url,
        `/api/v1/games/${games[0]}/result`,
      ),
    );
    assert.deepEqual([result.mode, result.wordCount, result.ranking.length], ["private", 10, 3]);

    // The host leaves: the one present longest takes over, and races with whoever is left.
    await ada.party!.leave();
    await eventually("Bob hosts", () => bob.party!.state.hostId === bob.id);
    assert.equal(bob.party!.state.players.size, 2);
    const before = cy.errors.length;
    cy.start();
    assert.equal(await cy.nextError(before), "NOT_HOST");
    bob.start();
    const last = await raceThrough([bob, cy]);
    assert.equal(bob.race!.state.players.size, 2);
    await eventually("the room reopens", () => bob.party!.state.lastGameId === last);
  });

  it("ALREADY_RACING while its race is on; a player who comes in meanwhile races the next one", async () => {
    const [ada, bob] = [await signIn("Ada"), await signIn("Bob")];
    const room = await ada.createParty({ words: 10 });
    ada.start();
    await ada.enterRace();
    ada.start();
    assert.equal(await ada.nextError(0), "ALREADY_RACING");
    await bob.joinParty(room.roomId);
    await eventually("Bob is in", () => room.state.players.has(bob.id));
    assert.equal(ada.race!.state.players.has(bob.id), false, "not in the race under way");
    assert.equal(bob.gameStart, undefined);

    await ada.waitForRacing();
    await ada.typeSlowly(textOf(ada), KEY_INTERVAL_MS);
    await eventually("the room reopens", () => room.state.status === "open");
    ada.start();
    const next = await raceThrough([ada, bob]);
    assert.equal(ada.race!.state.players.size, 2, `${next}: Bob races this one`);
  });

  it("practice: a host alone races at once, and the result counts like any other", async () => {
    const solo = await signIn("Solo");
    const room = await solo.createParty({ words: 10 });
    const asked = Date.now();
    solo.start();
    const gameId = await raceThrough([solo]);
    assert.ok(solo.race!.state.startsAt - asked < 1_000, "no waiting for opponents");
    assert.equal(solo.finished!.rank, 1);
    await eventually("the room reopens", () => room.state.lastGameId === gameId);

    // The result reaches PostgreSQL just after the player is told.
    const history = await eventually("the race in the history", async () => {
      const page = dataOf(
        await call<{ data: Array<{ gameId: string; mode: string; wordCount: number; rank: number }> }>(
          server.url,
          `/api/v1/profile/history`,
          { token: solo.accessToken },
        ),
      );
      return page.data.length > 0 && page;
    });
    assert.deepEqual(
      history.data.map(({ gameId, mode, wordCount, rank }) => ({ gameId, mode, wordCount, rank })),
      [{ gameId, mode: "private", wordCount: 10, rank: 1 }],
    );
    const stats = dataOf(
      await call<{ totalGames: number; racesWon: number }>(server.url, `/api/v1/profile/statistics`, {
        token: solo.accessToken,
      }),
    );
    assert.deepEqual([stats.totalGames, stats.racesWon], [1, 0], "a race alone is played, never won");
  });

  it("a private race is never rated: no `rating` message, no rating stored", async () => {
    const [ada, bob] = [await signIn("Unrated Ada"), await signIn("Unrated Bob")];
    const room = await ada.createParty();
    await bob.joinParty(room.roomId);
    await eventually("two players", () => room.state.players.size === 2);
    ada.start();
    await Promise.all([ada, bob].map((player) => player.enterRace()));
    const gameId = ada.race!.roomId;
    await Promise.all([ada, bob].map((player) => player.waitForRacing()));
    // Human paces (about 100 and 75 wpm, well clear of the fair-play limits even when a busy test
    // machine bunches keys): unflagged results, which a public race would rate.
    await Promise.all([ada.typeUnevenly(textOf(ada), 120), bob.typeUnevenly(textOf(bob), 160)]);
    await Promise.all(
      [ada, bob].map((player) => eventually(`${player.name}'s finish`, () => player.finished)),
    );
    const db = new pg.Client(testDatabaseUrl());
    await db.connect();
    try {
      await eventually("the race's end stored", async () => {
        const { rows } = await db.query("SELECT status FROM games WHERE id = $1", [gameId]);
        return rows[0]?.status === "finished";
      });
      // The rating message of a rated race follows its stored end at once.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual([ada.rating, bob.rating], [undefined, undefined]);
      const { rows } = await db.query(
        `SELECT r.flagged, r.rating_before, r.rating_after, u.rated_races
         FROM game_results AS r JOIN users AS u ON u.id = r.user_id WHERE r.game_id = $1`,
        [gameId],
      );
      assert.deepEqual(
        rows,
        [ada, bob].map(() => ({ flagged: false, rating_before: null, rating_after: null, rated_races: 0 })),
      );
    } finally {
      await db.end();
    }
  });

  it("a full room refuses with ROOM_FULL; a code with no room is ROOM_NOT_FOUND", async () => {
    const [ada, bob, cy] = [await signIn("Ada"), await signIn("Bob"), await signIn("Cy")];
    const room = await ada.createParty({ maxPlayers: 2 });
    await bob.joinParty(room.roomId);
    const full = await refusalOf(cy.joinParty(room.roomId));
    assert.equal(full.code, RoomCloseCode.FULL);
    assert.match(full.message, /^ROOM_FULL: /);
    // Bob again (another tab) still fits: it is him.
    await bob.joinParty(room.roomId);

    const missing = await refusalOf(cy.joinParty("ZZZZZZ"));
    assert.equal(missing.code, 404 + 4000);
    assert.match(missing.message, /^ROOM_NOT_FOUND: /);
  });

  it("refuses bad options with BAD_OPTIONS and bad messages with errors, and keeps working", async () => {
    const [ada, bob] = [await signIn("Ada"), await signIn("Bob")];
    for (const options of [
      { words: 30 },
      { words: "25" },
      { words: null },
      { maxPlayers: 1 },
      { maxPlayers: 11 },
      { maxPlayers: 2.5 },
      { maxPlayers: "4" },
      { words: 25, colour: "red" },
    ]) {
      const refused = await refusalOf(ada.createParty(options));
      assert.equal(refused.code, RoomCloseCode.BAD_OPTIONS, JSON.stringify(options));
      assert.match(refused.message, /^BAD_OPTIONS: /);
    }
    const room = await ada.createParty();
    assert.deepEqual([room.state.words, room.state.maxPlayers], [3, 10], "this server's defaults");
    const refused = await refusalOf(bob.joinParty(room.roomId, { words: 10 }));
    assert.equal(refused.code, RoomCloseCode.BAD_OPTIONS);

    const bad = [
      null,
      [],
      "words=25",
      { words: 11 },
      { words: "10" },
      { maxPlayers: 0 },
      { maxPlayers: 11 },
      { maxPlayers: 2.5 },
      { words: 10, extra: 1 },
    ];
    for (const [i, settings] of bad.entries()) {
      ada.settings(settings);
      assert.equal(await ada.nextError(i), "INVALID_SETTINGS", JSON.stringify(settings));
    }
    assert.deepEqual([room.state.words, room.state.maxPlayers], [3, 10], "nothing changed");
    ada.party!.send("shout", { loud: true });
    assert.equal(await ada.nextError(bad.length), "UNKNOWN_MESSAGE");

    ada.settings({ words: 50, maxPlayers: 2 });
    await eventually("the new settings", () => room.state.words === 50 && room.state.maxPlayers === 2);
    await bob.joinParty(room.roomId);
    ada.settings({ maxPlayers: 3 });
    await eventually("room for three", () => room.state.maxPlayers === 3);
    ada.start();
    await Promise.all([ada.enterRace(), bob.enterRace()]);
    assert.equal(ada.race!.state.words.length, 50);
  });

  it("keeps a dropped player's place through the grace, then disposes when empty", async () => {
    const ada = await signIn("Ada");
    const room = await ada.createParty();
    const code = room.roomId;
    // A reload: the page goes away without leaving, and its new page joins by code again.
    dropConnection(room);
    const back = await ada.joinParty(code);
    assert.equal(back.state.hostId, ada.id);
    assert.equal(back.state.players.size, 1);
    await back.leave();
    await eventually("the room is gone", async () => {
      const answer = await call(server.url, `/matchmake/joinById/${code}`, {
        method: "POST",
        json: {},
        token: ada.accessToken,
      });
      return answer.status === 404 && errorOf(answer).code === "ROOM_NOT_FOUND";
    });
  });

  it("a ghost: a stored race typed again by the server, finishing at its recorded time, nothing of it stored", async () => {
    const [ada, bob] = [await signIn("Ada"), await signIn("Bob")];
    const room = await ada.createParty();
    await bob.joinParty(room.roomId);
    await eventually("Bob is in", () => room.state.players.size === 2);
    // The race to race again: Ada finishes, a typo fixed on the way; Bob gives up.
    ada.start();
    await Promise.all([ada.enterRace(), bob.enterRace()]);
    const recorded = ada.race!.roomId;
    await ada.waitForRacing();
    await bob.race!.leave();
    const text = textOf(ada);
    await ada.typeSlowly(`${text.slice(0, 2)}x\b${text.slice(2)}`, 90);
    await eventually("the room reopens", () => room.state.lastGameId === recorded);
    const stored = dataOf(await call<ResultResponse>(server.url, `/api/v1/games/${recorded}/result`));
    const adaStored = stored.ranking.find((entry) => entry.userId === ada.id)!;

    // Only the host sets one, only of a finished result.
    bob.settings({ ghost: { gameId: recorded, userId: ada.id } });
    assert.equal(await bob.nextError(bob.errors.length), "NOT_HOST");
    for (const ghost of [
      { gameId: recorded, userId: bob.id },
      { gameId: "0b5f3f9e-8d1c-4c53-9a5e-0a8e2f1b7c11", userId: ada.id },
      { gameId: recorded },
    ]) {
      const before = ada.errors.length;
      ada.settings({ ghost });
      assert.equal(await ada.nextError(before), "INVALID_SETTINGS", JSON.stringify(ghost));
    }
    assert.equal(room.state.ghost, undefined);
    ada.settings({ ghost: { gameId: recorded, userId: ada.id } });
    const shown = await eventually("the ghost in the room", () => room.state.ghost);
    assert.deepEqual(
      [shown.gameId, shown.userId, shown.name, shown.words, shown.wpm],
      [recorded, ada.id, "Ada", 3, adaStored.wpm],
    );

    // Ada races her ghost, more slowly than she did; Bob watches from the room.
    await bob.party!.leave();
    ada.start();
    await ada.enterRace();
    const race = ada.race!;
    const ghostId = `ghost:${ada.id}`;
    assert.equal(textOf(ada), text, "the ghost's race's text");
    const ghost = race.state.players.get(ghostId)!;
    assert.deepEqual([ghost.name, ghost.ghost, ghost.connected], ["ghost of Ada", true, true]);
    assert.equal(race.state.players.get(ada.id)!.ghost, false);

    // Seen live: its caret moves key by key; on the server, when its finish is applied.
    const seen = new Set<string>();
    race.onStateChange(() => {
      const now = race.state.players.get(ghostId)!;
      seen.add(`${now.wordIndex}/${now.charIndex}`);
    });
    const serverRoom = matchMaker.getLocalRoomById(race.roomId) as TypingRoom;
    let finishedAt: number | undefined;
    const watch = setInterval(() => {
      if (finishedAt === undefined && serverRoom.state.players.get(ghostId)?.finished)
        finishedAt = Date.now();
    }, 1);
    try {
      await ada.waitForRacing();
      await ada.typeSlowly(text, 150);
      await eventually("the race over", () => race.state.status === "finished");
    } finally {
      clearInterval(watch);
    }
    // A room's clock ticks with its patches: the ghost's finish is applied at the first patch at or
    // after its recorded time, the patch that shows it (its figures are those of the recorded time).
    const late = finishedAt! - (race.state.startsAt + adaStored.durationMs);
    const tick = server.config.game.racePatchMs;
    assert.ok(late >= 0 && late <= tick + 50, `the ghost finished ${late} ms after its recorded time`);
    const final = race.state.players.get(ghostId)!;
    assert.deepEqual(
      [final.finished, final.rank, final.wpm],
      [true, 1, adaStored.wpm],
      "its recorded figures",
    );
    assert.ok(seen.size >= text.length / 2, `its caret moved live (${seen.size} positions seen)`);
    assert.equal(ada.finished!.rank, 2, "behind her ghost");

    await eventually("the room reopens", () => room.state.status === "open");
    const result = dataOf(await call<ResultResponse>(server.url, `/api/v1/games/${race.roomId}/result`));
    assert.deepEqual(
      result.ranking.map(({ userId, rank, won }) => [userId, rank, won]),
      [[ada.id, 2, false]],
      "Ada's result alone is stored, a private race",
    );
    assert.equal(result.mode, "private");

    ada.settings({ ghost: null });
    await eventually("no ghost any more", () => room.state.ghost === undefined);
  });
});
