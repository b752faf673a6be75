/**
 * The race room on Colyseus's test harness: races made directly with `createRoom`, as a lobby makes
 * them, and players connected with `connectTo`, so that a story about the race needs no lobby.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { ColyseusTestServer } from "@colyseus/testing";
import { seatsBeingTaken } from "../../src/colyseus/seats.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { createGame } from "../../src/db/races.ts";
import { joinRefusalCode, RoomCloseCode, RoomName, ServerMessage } from "../../src/protocol.ts";
import type { TypingRoom } from "../../src/rooms/TypingRoom.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { colyseusTestingOf } from "../support/colyseusTesting.ts";
import { eventually, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const WORDS = ["alpha", "beta"];

describe("TypingRoom on Colyseus's test harness", function () {
  this.timeout(20_000);
  let server: TestServer;
  let colyseus: ColyseusTestServer;
  let db: Database;
  before(async () => {
    server = await startTestServer({ RECONNECT_GRACE_S: "2" });
    colyseus = colyseusTestingOf(server);
    db = createDatabase(testDatabaseUrl());
  });
  afterEach(async () => {
    await colyseus.cleanup();
  });
  after(async () => {
    await db.close();
    await server.stop();
  });

  /** A race for `players`, typing open after `startsInMs`, made as a lobby makes it. */
  async function raceFor(players: Player[], startsInMs = 200): Promise<TypingRoom> {
    const gameId = randomUUID();
    const startsAt = Date.now() + startsInMs;
    await createGame(db, {
      id: gameId,
      mode: "public",
      words: WORDS,
      playerCount: players.length,
      startsAt: new Date(startsAt),
    });
    return colyseus.createRoom<TypingRoom>(RoomName.RACE, {
      gameId,
      mode: "public",
      words: WORDS,
      startsAt,
      roster: players.map(({ id, name }) => ({ id, name })),
    });
  }

  /** `player` connected through the harness's client, with their own token. */
  async function connect(room: TypingRoom, player: Player) {
    colyseus.sdk.auth.token = player.accessToken;
    return colyseus.connectTo(room);
  }

  it("lets a roster member in, shown connected in the server's state; refuses a stranger before any seat", async () => {
    const [ada, bob, eve] = await Promise.all(
      ["Ada", "Bob", "Eve"].map((name) => Player.signIn(server.url, name)),
    );
    const room = await raceFor([ada!, bob!]);
    const client = await connect(room, ada!);
    assert.equal(client.state.gameId, room.roomId);
    assert.equal(room.state.players.get(ada!.id)?.connected, true);
    assert.equal(room.state.players.get(bob!.id)?.connected, false);

    await assert.rejects(connect(room, eve!), (error: { code: number; message: string }) => {
      assert.equal(joinRefusalCode(error.code), RoomCloseCode.NOT_IN_ROSTER);
      return true;
    });
    assert.equal(seatsBeingTaken(room), 0, "the refusal came before a seat was reserved");
  });

  it("moves a racer in the server's state key by key, and tells the finisher", async () => {
    const ada = await Player.signIn(server.url, "Ada");
    const room = await raceFor([ada]);
    const client = await connect(room, ada);
    await eventually("typing open", () => room.state.status === "racing");
    const finished = client.waitForMessage(ServerMessage.FINISHED);
    for (const key of "alpha be") client.send("key", { key });
    await eventually("the server's position", () => room.state.players.get(ada.id)?.charIndex === 2);
    assert.equal(room.state.players.get(ada.id)?.wordIndex, 1);
    for (const key of "ta") client.send("key", { key });
    assert.equal((await finished).rank, 1);
    assert.equal(room.state.status, "finished");
  });
});
