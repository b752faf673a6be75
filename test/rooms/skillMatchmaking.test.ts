import assert from "node:assert/strict";
import { joinRefusalCode, RoomCloseCode, RoomName } from "../../src/protocol.ts";
import { playerVia, twoProcesses } from "../support/cluster.ts";
import { call, dataOf } from "../support/http.ts";
import { eventually, Player } from "../support/players.ts";
import type { ServerProcess } from "../support/processes.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import {
  lobbiesOf,
  type QueueOutcome,
  queueSpread,
  randomSeatingSpread,
  ratingSpread,
  setRatings,
  spreadRatings,
} from "../support/skillQueue.ts";

const PLAYERS = 40;
/** 40 players queue within 2 s */
const QUEUE_GAP_MS = 50;
const COUNTDOWN_MS = 5_000;
/** the seat's HTTP request and WebSocket join, and the race's creation, on a loaded test machine */
const WAIT_SLACK_MS = 1_500;
const LOBBY_MAX_PLAYERS = 5;
const ratings = spreadRatings(PLAYERS, 600, 2200, 27);

/**
 * Everyone seated and told their race within the countdown, no lobby over-full, and racers at
 * most half as far apart in rating as random seating of the same players into lobbies of the same
 * sizes would put them.
 */
function assertSeatedBySkill(where: string, outcome: QueueOutcome) {
  const lobbies = lobbiesOf(outcome.lobbyOf, ratings);
  const bySkill = ratingSpread(lobbies);
  const atRandom = randomSeatingSpread(lobbies, 2_000, 1);
  const longestWait = Math.max(...outcome.waitedMs);
  console.log(
    `      ${where}: ${PLAYERS} players (ratings 600–2200) in ${lobbies.length} lobbies of ` +
      `${lobbies.map((lobby) => lobby.length).join(",")}; mean |rating − lobby mean| ` +
      `${bySkill.toFixed(0)} by skill, ${atRandom.toFixed(0)} at random (${(bySkill / atRandom).toFixed(2)}×); ` +
      `longest wait ${longestWait} ms; ${outcome.regrouped} regrouped`,
  );
  assert.ok(
    lobbies.every((lobby) => lobby.length <= LOBBY_MAX_PLAYERS),
    `over-full: ${lobbies.map((l) => l.length)}`,
  );
  assert.ok(
    longestWait <= COUNTDOWN_MS + WAIT_SLACK_MS,
    `someone waited ${longestWait} ms past a ${COUNTDOWN_MS} ms countdown`,
  );
  assert.ok(bySkill <= atRandom / 2, `spread ${bySkill} by skill against ${atRandom} at random`);
}

describe("matchmaking by skill: lobbies by rating", function () {
  this.timeout(30_000);
  let server: TestServer;
  const players: Player[] = [];
  /** Signed-in players with these ratings. */
  const withRatings = async (...named: Array<[string, number]>) => {
    const signedIn = await Promise.all(named.map(([name]) => Player.signIn(server.url, name)));
    await setRatings(
      signedIn,
      named.map(([, rating]) => rating),
    );
    players.push(...signedIn);
    return signedIn;
  };

  before(async () => {
    // Anyone is accepted after 1 s, well within the countdown.
    server = await startTestServer({
      LOBBY_COUNTDOWN_MS: String(COUNTDOWN_MS),
      RACE_START_COUNTDOWN_MS: "300",
      SKILL_WINDOWS: "0:100,1000:any",
      // A stopping server lets its races run out; those left behind wait out their racers' grace.
      RECONNECT_GRACE_S: "5",
    });
  });
  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.leaveAll()));
  });
  after(async () => {
    await server.stop();
  });

  it("seats a player with the lobby close to their rating, opens one for a player far from every lobby", async () => {
    const [ann, bob, cy, dee] = (await withRatings(
      ["Ann", 1000],
      ["Bob", 1600],
      ["Cy", 1080],
      ["Dee", 1560],
    )) as [Player, Player, Player, Player];
    const annLobby = await ann.queue();
    const bobLobby = await bob.queue();
    assert.notEqual(bobLobby.roomId, annLobby.roomId, "600 apart: a lobby of his own");
    assert.equal((await cy.queue()).roomId, annLobby.roomId, "80 from Ann");
    assert.equal((await dee.queue()).roomId, bobLobby.roomId, "40 from Bob, 520 from Ann and Cy");
  });

  it("a lobby's rating is its players' mean: joins and leaves move it", async () => {
    const [ann, cy, dee, eve] = (await withRatings(
      ["Ann", 1000],
      ["Cy", 1090],
      ["Dee", 1140],
      ["Eve", 1130],
    )) as [Player, Player, Player, Player];
    const lobby = await ann.queue();
    assert.equal((await cy.queue()).roomId, lobby.roomId, "90 from Ann");
    assert.equal((await dee.queue()).roomId, lobby.roomId, "140 from Ann, 95 from Ann and Cy's 1045");
    await cy.lobby!.leave();
    await dee.lobby!.leave();
    await eventually("Cy and Dee gone", async () => {
      const { players } = dataOf(
        await call<{ players: unknown[] }>(server.url, `/api/v1/lobbies/${lobby.roomId}`),
      );
      return players.length === 1;
    });
    assert.notEqual((await eve.queue()).roomId, lobby.roomId, "130 from Ann alone again");
  });

  it("a lobby accepts anyone once its window has widened, before its countdown ends", async () => {
    const [ann, bob] = (await withRatings(["Ann", 700], ["Bob", 2100])) as [Player, Player];
    const lobby = await ann.queue();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal((await bob.queue()).roomId, lobby.roomId);
  });

  it("join (not joinOrCreate) finds no lobby for a player far from every open one", async () => {
    const [ann, bob] = (await withRatings(["Ann", 900], ["Bob", 1900])) as [Player, Player];
    await ann.queue();
    await assert.rejects(bob.sdk.join(RoomName.LOBBY), (error: { code: number; message: string }) => {
      assert.equal(error.code, 404);
      assert.match(error.message, /^ROOM_NOT_FOUND: /);
      return true;
    });
  });

  it("a client cannot name its own rating", async () => {
    const [eve] = (await withRatings(["Eve", 600])) as [Player];
    await assert.rejects(
      eve.queue(undefined, { rating: 2000 } as { words?: unknown }),
      (error: { code: number }) => {
        assert.equal(joinRefusalCode(error.code), RoomCloseCode.BAD_OPTIONS);
        return true;
      },
    );
  });
});

describe("matchmaking by skill: waiting lobbies regroup as their windows widen", function () {
  this.timeout(30_000);
  let server: TestServer;
  const players: Player[] = [];
  const withRatings = async (...named: Array<[string, number]>) => {
    const signedIn = await Promise.all(named.map(([name]) => Player.signIn(server.url, name)));
    await setRatings(
      signedIn,
      named.map(([, rating]) => rating),
    );
    players.push(...signedIn);
    return signedIn;
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  before(async () => {
    // The default schedule (±100, ±250 after 3 s, anyone after 6 s); a countdown long past it.
    server = await startTestServer({
      LOBBY_COUNTDOWN_MS: "20000",
      LOBBY_MAX_PLAYERS: "3",
      RACE_START_COUNTDOWN_MS: "300",
      // A stopping server lets its races run out; those left behind wait out their racers' grace.
      RECONNECT_GRACE_S: "5",
    });
  });
  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.leaveAll()));
  });
  after(async () => {
    await server.stop();
  });

  it("three friends of 1150, 1000 and 850 who queue together race together", async () => {
    const friends = await withRatings(["Ann", 1150], ["Bob", 1000], ["Cy", 850]);
    const asked = Date.now();
    const firstLobbies: string[] = [];
    for (const friend of friends) {
      firstLobbies.push((await friend.queue()).roomId);
      await pause(200);
    }
    assert.equal(new Set(firstLobbies).size, 3, "150 apart: each opens a lobby at first");
    const starts = await Promise.all(friends.map((friend) => friend.waitForGameStart(10_000)));
    const tookMs = Date.now() - asked;
    console.log(`      one race for all three after ${tookMs} ms`);
    assert.equal(new Set(starts.map(({ gameId }) => gameId)).size, 1, "one race");
    assert.ok(tookMs <= 7_500, `together after ${tookMs} ms`);
    const [ann, bob, cy] = friends as [Player, Player, Player];
    assert.deepEqual(ann.regroupedFrom, [], "the oldest lobby never moves");
    assert.equal(bob.lobby!.roomId, firstLobbies[0], "all in Ann's lobby, the oldest");
    assert.equal(cy.lobby!.roomId, firstLobbies[0]);
    assert.deepEqual(bob.regroupedFrom, [firstLobbies[1]]);
    assert.deepEqual(cy.regroupedFrom, [firstLobbies[2]]);
  });

  it("a player alone never regroups", async () => {
    const [dee] = (await withRatings(["Dee", 1000])) as [Player];
    const lobby = await dee.queue();
    await pause(6_500);
    assert.deepEqual(dee.regroupedFrom, []);
    assert.equal(dee.lobby!.roomId, lobby.roomId);
    assert.equal(dee.gameStart, undefined, "still waiting for the countdown");
  });

  it("an older lobby without a seat for each player is not a target", async () => {
    const [eve, fay, gus, hal] = (await withRatings(
      ["Eve", 1000],
      ["Fay", 1050],
      ["Gus", 1500],
      ["Hal", 1550],
    )) as [Player, Player, Player, Player];
    const older = await eve.queue();
    assert.equal((await fay.queue()).roomId, older.roomId, "2 of 3 seats taken");
    const younger = await gus.queue();
    assert.notEqual(younger.roomId, older.roomId);
    assert.equal((await hal.queue()).roomId, younger.roomId);
    // past the younger lobby's 6 s step, where anyone is accepted but one seat is too few
    await pause(6_700);
    for (const player of [eve, fay, gus, hal]) {
      assert.deepEqual(player.regroupedFrom, [], player.name);
      assert.equal(player.gameStart, undefined, `${player.name} still waiting`);
    }
  });
});

describe("matchmaking by skill: regrouping across two processes over Redis", function () {
  this.timeout(40_000);
  const { servers, players } = twoProcesses({
    LOBBY_COUNTDOWN_MS: "20000",
    LOBBY_MAX_PLAYERS: "3",
    RECONNECT_GRACE_S: "5",
    SHUTDOWN_TIMEOUT_MS: "1000",
  });

  it("three friends whose lobbies open in different processes race together", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const named: Array<[string, number, ServerProcess]> = [
      ["Ann", 1150, a],
      ["Bob", 1000, b],
      ["Cy", 850, a],
    ];
    const friends = await Promise.all(named.map(([name, , via]) => playerVia(via, a.url, name)));
    players.push(...friends);
    await setRatings(
      friends,
      named.map(([, rating]) => rating),
    );
    const asked = Date.now();
    const firstLobbies: Array<{ roomId: string; processId?: string }> = [];
    for (const friend of friends) {
      const seat = await friend.reserveLobbySeat();
      firstLobbies.push({ roomId: seat.roomId, processId: seat.processId });
      await friend.queue(seat);
      // Past Colyseus's room counts' refresh (once a second), so the next lobby opens in the
      // process with fewer rooms.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    assert.equal(new Set(firstLobbies.map((lobby) => lobby.roomId)).size, 3, "each opens a lobby at first");
    assert.equal(new Set(firstLobbies.map((lobby) => lobby.processId)).size, 2, "in both processes");
    const starts = await Promise.all(friends.map((friend) => friend.waitForGameStart(15_000)));
    console.log(`      one race for all three after ${Date.now() - asked} ms`);
    assert.equal(new Set(starts.map(({ gameId }) => gameId)).size, 1, "one race");
    const [ann, bob, cy] = friends as [Player, Player, Player];
    assert.deepEqual(ann.regroupedFrom, [], "the oldest lobby never moves");
    for (const moved of [bob, cy]) assert.equal(moved.lobby!.roomId, firstLobbies[0]!.roomId, moved.name);
    assert.deepEqual(bob.regroupedFrom, [firstLobbies[1]!.roomId]);
    assert.deepEqual(cy.regroupedFrom, [firstLobbies[2]!.roomId]);
  });
});

describe("matchmaking by skill: 40 players with spread ratings queue within 2 s", function () {
  this.timeout(60_000);

  describe("one process, no Redis", () => {
    let server: TestServer;
    const players: Player[] = [];
    before(async () => {
      server = await startTestServer({
        LOBBY_COUNTDOWN_MS: String(COUNTDOWN_MS),
        RACE_START_COUNTDOWN_MS: "300",
        // Nobody takes their race seat here: the races end as no-shows soon, so stopping need not
        // wait the default 20 s for each (under load that outran the hook's timeout).
        RECONNECT_GRACE_S: "2",
      });
    });
    after(async () => {
      await Promise.all(players.map((player) => player.leaveAll()));
      await server.stop();
    });

    it("seats them with their peers, within the countdown, none over-full", async () => {
      players.push(
        ...(await Promise.all(ratings.map((rating, i) => Player.signIn(server.url, `S${i} ${rating}`)))),
      );
      await setRatings(players, ratings);
      assertSeatedBySkill("one process", await queueSpread(players, QUEUE_GAP_MS));
    });
  });

  describe("two processes over Redis", () => {
    const { servers, players } = twoProcesses({
      LOBBY_COUNTDOWN_MS: String(COUNTDOWN_MS),
      // Nobody takes their race seat here: the races need not be waited for at the end.
      SHUTDOWN_TIMEOUT_MS: "1000",
    });

    it("seats them with their peers across both processes, within the countdown, none over-full", async () => {
      const [a, b] = servers as [ServerProcess, ServerProcess];
      players.push(
        ...(await Promise.all(
          ratings.map((rating, i) => playerVia(i % 2 === 0 ? a : b, a.url, `C${i} ${rating}`)),
        )),
      );
      await setRatings(players, ratings);
      const outcome = await queueSpread(players, QUEUE_GAP_MS);
      assertSeatedBySkill("two processes", outcome);
      const viaBoth = lobbiesOf(
        outcome.lobbyOf,
        players.map((_, i) => i % 2),
      ).filter((via) => new Set(via).size === 2);
      assert.ok(viaBoth.length > 0, "some lobby holds players of both processes");
    });
  });
});
