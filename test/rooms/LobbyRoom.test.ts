import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { joinRefusalCode, RoomCloseCode, RoomName } from "../../src/protocol.ts";
import { call, dataOf, errorOf } from "../support/http.ts";
import {
  dropConnection,
  eventually,
  initialState,
  Player,
  slowJoinAcknowledgements,
} from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const COUNTDOWN_MS = 1_500;
const RECONNECT_GRACE_S = 3;

describe("LobbyRoom: matchmaking", function () {
  this.timeout(30_000);
  let server: TestServer;
  const players: Player[] = [];
  const signIn = async (name?: string) => {
    const player = await Player.signIn(server.url, name);
    players.push(player);
    return player;
  };

  before(async () => {
    server = await startTestServer({
      LOBBY_COUNTDOWN_MS: String(COUNTDOWN_MS),
      RACE_START_COUNTDOWN_MS: "200",
      RECONNECT_GRACE_S: String(RECONNECT_GRACE_S),
    });
  });
  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.leaveAll()));
  });
  after(async () => {
    await server.stop();
  });

  it("refuses to seat anyone without a valid access token, saying why", async () => {
    const anonymous = new Client(server.url.replace("http", "ws"));
    await assert.rejects(
      anonymous.joinOrCreate(RoomName.LOBBY),
      (error: { code: number; message: string }) => {
        assert.equal(joinRefusalCode(error.code), RoomCloseCode.UNAUTHORIZED);
        assert.match(error.message, /^UNAUTHORIZED: sign in first/);
        return true;
      },
    );
    const forged = new Client(server.url.replace("http", "ws"));
    forged.auth.token = "not-a-token";
    await assert.rejects(forged.joinOrCreate(RoomName.LOBBY), (error: { code: number }) => {
      assert.equal(joinRefusalCode(error.code), RoomCloseCode.UNAUTHORIZED);
      return true;
    });
  });

  it("never lets a client create a race itself", async () => {
    const ada = await signIn("Ada");
    for (const attempt of [
      () => ada.sdk.create(RoomName.RACE),
      () => ada.sdk.joinOrCreate(RoomName.RACE),
      () => ada.sdk.join(RoomName.RACE),
      () => ada.sdk.create(RoomName.LOBBY),
    ]) {
      await assert.rejects(attempt(), /clients cannot/);
    }
  });

  it("queues per race length: players asking for different lengths never share a lobby", async () => {
    const [ann, bob, cy, dee] = (await Promise.all(
      ["Ann", "Bob", "Cy", "Dee"].map((name) => signIn(name)),
    )) as [Player, Player, Player, Player];
    const short = await ann.queue(undefined, { words: 10 });
    const long = await bob.queue(undefined, { words: 50 });
    const usual = await cy.queue();
    const asked = await dee.queue(undefined, { words: 25 });
    assert.deepEqual(
      [short.state.words, long.state.words, usual.state.words, asked.state.words],
      [10, 50, 25, 25],
    );
    assert.equal(new Set([short.roomId, long.roomId, usual.roomId]).size, 3);
    assert.equal(asked.roomId, usual.roomId, "25 is the default: asking for it or not is the same queue");
    const races = await Promise.all([ann, bob, cy, dee].map((player) => player.enterRace()));
    assert.deepEqual(
      races.map((race) => [race.state.words.length, race.state.mode, race.state.players.size]),
      [
        [10, "public", 1],
        [50, "public", 1],
        [25, "public", 2],
        [25, "public", 2],
      ],
    );
  });

  it("refuses any other lobby option with BAD_OPTIONS, and seats nobody for it", async () => {
    const ann = await signIn("Ann");
    for (const options of [
      { words: 30 },
      { words: "25" },
      { words: 0 },
      { words: null },
      { words: 10.5 },
      { words: 10, colour: "red" },
      { mode: "private" },
    ]) {
      await assert.rejects(
        ann.queue(undefined, options as { words?: unknown }),
        (error: { code: number; message: string }) => {
          assert.equal(joinRefusalCode(error.code), RoomCloseCode.BAD_OPTIONS, JSON.stringify(options));
          assert.match(error.message, /^BAD_OPTIONS: /);
          return true;
        },
      );
    }
    const lobby = await ann.queue(undefined, { words: 100 });
    assert.equal(lobby.state.words, 100, "and still queues");
  });

  it("a lone player races alone when the countdown ends, which joins do not reset", async () => {
    const solo = await signIn("Solo");
    const lobby = await solo.queue();
    await eventually("the lobby state", () => lobby.state.maxPlayers === 5);
    const startsAt = lobby.state.startsAt;
    assert.ok(
      Math.abs(startsAt - (Date.now() + COUNTDOWN_MS)) < 500,
      "the countdown runs from the lobby's creation",
    );
    const late = await signIn("Late");
    await late.queue();
    assert.equal(late.lobby!.roomId, lobby.roomId);
    await eventually("the second player in the state", () => lobby.state.players.size === 2);
    assert.equal(lobby.state.startsAt, startsAt, "a join does not reset the countdown");
    await late.lobby!.leave();
    const start = await solo.waitForGameStart(COUNTDOWN_MS + 2_000);
    assert.ok(Date.now() >= startsAt - 50, "the race does not start before the countdown ends");
    const race = await solo.enterRace();
    assert.equal(race.roomId, start.roomId);
    await eventually("the race state", () => race.state.players.size === 1);
    assert.deepEqual([...race.state.players.keys()], [solo.id]);
  });

  it("two players start together when the countdown ends", async () => {
    const [ann, bob] = await Promise.all([signIn("Ann"), signIn("Bob")]);
    const annLobby = await ann.queue();
    const bobLobby = await bob.queue();
    assert.equal(bobLobby.roomId, annLobby.roomId);
    await eventually("both in Ann's view", () => annLobby.state.players.size === 2);
    assert.deepEqual([...annLobby.state.players.values()].map((player) => player.name).sort(), [
      "Ann",
      "Bob",
    ]);
    const [annStart, bobStart] = await Promise.all([
      ann.waitForGameStart(4_000),
      bob.waitForGameStart(4_000),
    ]);
    assert.equal(annStart.gameId, bobStart.gameId);
    assert.equal(annStart.roomId, bobStart.roomId);
    assert.equal(annStart.roomId, annStart.gameId, "a race room's id is its game id");
    const [annRace, bobRace] = await Promise.all([ann.enterRace(), bob.enterRace()]);
    await eventually(
      "both connected",
      () =>
        [...annRace.state.players.values()].every((player) => player.connected) &&
        annRace.state.players.size === 2,
    );
    assert.equal(bobRace.state.gameId, annStart.gameId);
  });

  it("a full lobby starts at once", async () => {
    const five = await Promise.all(["P1", "P2", "P3", "P4", "P5"].map((name) => signIn(name)));
    const queuedAt = Date.now();
    for (const player of five) await player.queue();
    const starts = await Promise.all(five.map((player) => player.waitForGameStart(COUNTDOWN_MS)));
    assert.ok(Date.now() - queuedAt < COUNTDOWN_MS, "no waiting for the countdown");
    assert.equal(new Set(starts.map((start) => start.gameId)).size, 1);
  });

  it("a full lobby's start reaches players whose join is still being acknowledged", async () => {
    const five = await Promise.all(["S1", "S2", "S3", "S4", "S5"].map((name) => signIn(name)));
    const restore = slowJoinAcknowledgements(300);
    try {
      await Promise.all(five.map((player) => player.queue()));
    } finally {
      restore();
    }
    const starts = await Promise.all(five.map((player) => player.waitForGameStart(COUNTDOWN_MS)));
    assert.equal(new Set(starts.map((start) => start.gameId)).size, 1);
    await Promise.all(five.map((player) => player.enterRace()));
  });

  it("a player whose connection arrives after the countdown still races with the others", async () => {
    const [ann, bob] = await Promise.all([signIn("Ann"), signIn("Bob")]);
    const lobby = await ann.queue();
    const bobsSeat = await bob.reserveLobbySeat();
    assert.equal(bobsSeat.roomId, lobby.roomId);
    await new Promise((resolve) => setTimeout(resolve, COUNTDOWN_MS + 300));
    assert.equal(ann.gameStart, undefined, "the lobby waits for the seat it handed out");
    await bob.queue(bobsSeat);
    const [annStart, bobStart] = await Promise.all([
      ann.waitForGameStart(2_000),
      bob.waitForGameStart(2_000),
    ]);
    assert.equal(annStart.gameId, bobStart.gameId);
    const race = await ann.enterRace();
    await bob.enterRace();
    await eventually("both in the race", () => race.state.players.size === 2);
  });

  it("starts without a seat-holder who never connects, once the reconnect grace is over", async () => {
    const [ann, ghost] = await Promise.all([signIn("Ann"), signIn("Ghost")]);
    const lobby = await ann.queue();
    await ghost.reserveLobbySeat();
    const start = await ann.waitForGameStart(COUNTDOWN_MS + RECONNECT_GRACE_S * 1000 + 2_000);
    const race = await ann.enterRace();
    assert.equal(race.roomId, start.roomId);
    await eventually("the race state", () => race.state.players.size === 1);
    assert.notEqual(race.roomId, lobby.roomId);
  });

  it("12 simultaneous joiners fill lobbies of 5, 5 and 2, never more", async () => {
    const twelve = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(`Racer ${i + 1}`)));
    await Promise.all(twelve.map((player) => player.queue()));
    const lobbySizes = new Map<string, number>();
    for (const player of twelve)
      lobbySizes.set(player.lobby!.roomId, (lobbySizes.get(player.lobby!.roomId) ?? 0) + 1);
    assert.deepEqual([...lobbySizes.values()].sort(), [2, 5, 5]);
    const starts = await Promise.all(twelve.map((player) => player.waitForGameStart(COUNTDOWN_MS + 3_000)));
    const raceSizes = new Map<string, number>();
    for (const start of starts) raceSizes.set(start.gameId, (raceSizes.get(start.gameId) ?? 0) + 1);
    assert.deepEqual([...raceSizes.values()].sort(), [2, 5, 5]);
  });

  it("answers any message in a lobby with UNKNOWN_MESSAGE, keeping the player", async () => {
    const chatty = await signIn("Chatty");
    const lobby = await chatty.queue();
    lobby.send("key", { key: "a" });
    lobby.send("start", {});
    await eventually("two answers", () => chatty.errors.length === 2);
    assert.deepEqual(
      chatty.errors.map((error) => error.code),
      ["UNKNOWN_MESSAGE", "UNKNOWN_MESSAGE"],
    );
    assert.ok(lobby.connection.isOpen);
  });

  it("a player who leaves disappears from everyone's lobby at once", async () => {
    const [stay, go] = await Promise.all([signIn("Stay"), signIn("Go")]);
    const lobby = await stay.queue();
    await go.queue();
    await eventually("two players", () => lobby.state.players.size === 2);
    await go.lobby!.leave();
    await eventually("Go gone", () => lobby.state.players.size === 1 && !lobby.state.players.has(go.id), 500);
  });

  it("a second tab replaces the first: one user is never two players", async () => {
    const watcher = await signIn("Watcher");
    const lobby = await watcher.queue();
    const twin = await signIn("Twin");
    const firstTab = await twin.queue();
    const closed = new Promise<number>((resolve) => firstTab.onLeave((code) => resolve(code)));
    const secondTab = await initialState(await twin.sdk.joinById(lobby.roomId));
    assert.equal(await closed, RoomCloseCode.REPLACED);
    assert.equal((secondTab.state as typeof lobby.state).players.size, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(lobby.state.players.size, 2);
    assert.ok(lobby.state.players.has(twin.id));
    await secondTab.leave();
  });

  it("keeps a dropped player's place while the connection comes back", async () => {
    const [steady, flaky] = await Promise.all([signIn("Steady"), signIn("Flaky")]);
    const lobby = await steady.queue();
    const flakyLobby = await flaky.queue();
    flakyLobby.reconnection.minUptime = 0;
    await eventually("two players", () => lobby.state.players.size === 2);
    const reconnected = new Promise<void>((resolve) => flakyLobby.onReconnect(() => resolve()));
    dropConnection(flakyLobby);
    await reconnected;
    assert.ok(lobby.state.players.has(flaky.id));
    const starts = await Promise.all([steady.waitForGameStart(4_000), flaky.waitForGameStart(4_000)]);
    assert.equal(starts[0].gameId, starts[1].gameId);
  });

  describe("HTTP", () => {
    it("GET /api/v1/lobbies/:roomId describes an open lobby", async () => {
      const host = await signIn("Host");
      const lobby = await host.queue();
      const answer = await call<{
        players: Array<{ id: string; name: string }>;
        maxPlayers: number;
        secondsLeft: number;
      }>(server.url, `/api/v1/lobbies/${lobby.roomId}`);
      const data = dataOf(answer);
      assert.deepEqual(data.players, [{ id: host.id, name: "Host" }]);
      assert.equal(data.maxPlayers, 5);
      assert.ok(data.secondsLeft >= 1 && data.secondsLeft <= Math.ceil(COUNTDOWN_MS / 1000));
    });

    it("POST /api/v1/lobbies/:roomId/leave removes the caller, and everyone sees it at once", async () => {
      const [host, guest] = await Promise.all([signIn("Host"), signIn("Guest")]);
      const lobby = await host.queue();
      const guestLobby = await guest.queue();
      await eventually("two players", () => lobby.state.players.size === 2);
      const guestClosed = new Promise<number>((resolve) => guestLobby.onLeave((code) => resolve(code)));
      const answer = await call(server.url, `/api/v1/lobbies/${lobby.roomId}/leave`, {
        method: "POST",
        token: guest.accessToken,
      });
      assert.equal(answer.status, 200);
      await eventually("the guest gone", () => lobby.state.players.size === 1, 500);
      await guestClosed;
      const again = await call(server.url, `/api/v1/lobbies/${lobby.roomId}/leave`, {
        method: "POST",
        token: guest.accessToken,
      });
      assert.equal(again.status, 404);
      assert.equal(errorOf(again).code, "NOT_IN_LOBBY");
    });

    it("answers unknown, malformed and unauthenticated requests clearly", async () => {
      const someone = await signIn();
      const unknown = await call(server.url, "/api/v1/lobbies/NoSuchRoom");
      assert.equal(unknown.status, 404);
      assert.equal(errorOf(unknown).code, "LOBBY_NOT_FOUND");
      const leaveUnknown = await call(server.url, "/api/v1/lobbies/NoSuchRoom/leave", {
        method: "POST",
        token: someone.accessToken,
      });
      assert.equal(errorOf(leaveUnknown).code, "LOBBY_NOT_FOUND");
      const malformed = await call(server.url, "/api/v1/lobbies/bad%20id!");
      assert.equal(malformed.status, 422);
      assert.equal(errorOf(malformed).code, "VALIDATION_ERROR");
      const anonymous = await call(server.url, "/api/v1/lobbies/NoSuchRoom/leave", { method: "POST" });
      assert.equal(anonymous.status, 401);
    });
  });
});
