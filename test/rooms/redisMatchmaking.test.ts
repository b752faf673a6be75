import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { joinRefusalCode, RoomCloseCode, RoomName } from "../../src/protocol.ts";
import { call, dataOf } from "../support/http.ts";
import { eventually, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { TEST_REDIS_URL } from "../support/services.ts";

describe("rooms over Redis presence and driver (REDIS_URL set)", function () {
  this.timeout(30_000);
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    server = await startTestServer({
      REDIS_URL: TEST_REDIS_URL,
      LOBBY_COUNTDOWN_MS: "1500",
      RACE_START_COUNTDOWN_MS: "300",
      RACE_WORDS: "3",
      // A stopping server lets its races run out; those left behind wait out their racers' grace.
      RECONNECT_GRACE_S: "5",
    });
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await server.stop();
  });

  it("12 simultaneous joiners still fill lobbies of 5, 5 and 2, and every race is played out", async () => {
    const twelve = await Promise.all(
      Array.from({ length: 12 }, (_, i) => Player.signIn(server.url, `R${i}`)),
    );
    players.push(...twelve);
    await Promise.all(twelve.map((player) => player.queue()));
    const sizes = new Map<string, number>();
    for (const player of twelve) sizes.set(player.lobby!.roomId, (sizes.get(player.lobby!.roomId) ?? 0) + 1);
    assert.deepEqual([...sizes.values()].sort(), [2, 5, 5]);

    // The lobby of two waits for its countdown: the HTTP API finds it through the Redis driver.
    const waiting = [...sizes].find(([, size]) => size === 2)![0];
    const lobby = dataOf(await call<{ players: unknown[] }>(server.url, `/api/v1/lobbies/${waiting}`));
    assert.equal(lobby.players.length, 2);

    await Promise.all(twelve.map((player) => player.enterRace()));
    await Promise.all(twelve.map((player) => player.waitForRacing()));
    for (const player of twelve) player.type([...player.race!.state.words].join(" "));
    await Promise.all(twelve.map((player) => eventually(`${player.name}'s finish`, () => player.finished)));
    const ranksByGame = new Map<string, number[]>();
    for (const player of twelve) {
      const ranks = ranksByGame.get(player.finished!.gameId) ?? [];
      ranks.push(player.finished!.rank);
      ranksByGame.set(player.finished!.gameId, ranks);
    }
    assert.deepEqual([...ranksByGame.values()].map((ranks) => ranks.sort().join(",")).sort(), [
      "1,2",
      "1,2,3,4,5",
      "1,2,3,4,5",
    ]);
  });

  it("a refused search holds up none of the players queued behind it", async () => {
    const five = await Promise.all(Array.from({ length: 5 }, (_, i) => Player.signIn(server.url, `T${i}`)));
    players.push(...five);
    const forged = Array.from({ length: 3 }, () => {
      const client = new Client(server.url.replace("http", "ws"));
      client.auth.token = "not-a-token";
      return client;
    });
    const [refused, seated] = await Promise.all([
      Promise.allSettled(forged.map((client) => client.joinOrCreate(RoomName.LOBBY))),
      Promise.all(five.map((player) => player.queue())),
    ]);
    for (const outcome of refused) {
      assert.equal(outcome.status, "rejected");
      assert.equal(joinRefusalCode((outcome.reason as { code: number }).code), RoomCloseCode.UNAUTHORIZED);
    }
    assert.equal(new Set(seated.map((lobby) => lobby.roomId)).size, 1, "all five in one lobby");
  });
});
