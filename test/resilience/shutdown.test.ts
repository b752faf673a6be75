import assert from "node:assert/strict";
import pg from "pg";
import { type ReconnectMessage, ServerMessage } from "../../src/protocol.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { clusterEnv, playerVia } from "../support/cluster.ts";
import { call } from "../support/http.ts";
import { eventually, type Player } from "../support/players.ts";
import {
  freePort,
  type ServerProcess,
  spawnServer,
  terminate,
  waitUntilReady,
} from "../support/processes.ts";

async function storedRanks(gameId: string): Promise<Array<number | null>> {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query("SELECT rank FROM game_results WHERE game_id = $1 ORDER BY rank", [
      gameId,
    ]);
    return rows.map((row) => row.rank);
  } finally {
    await client.end();
  }
}

describe("graceful shutdown (SIGTERM) of one of two processes", function () {
  this.timeout(90_000);
  const players: Player[] = [];
  let leaving: ServerProcess;
  let staying: ServerProcess;
  const env = { LOBBY_MAX_PLAYERS: "2", LOBBY_COUNTDOWN_MS: "60000", RACE_WORDS: "6" };
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await Promise.all([leaving, staying].filter(Boolean).map((server) => terminate(server)));
  });

  it("sends lobby players elsewhere at once, lets the race finish and store its results, then exits 0", async () => {
    // Everything starts on the process that will leave: a race under way and a lobby waiting.
    leaving = await spawnServer(await clusterEnv(await freePort(), env));
    await waitUntilReady(leaving);
    const [fast, slow, waiter] = (await Promise.all(
      ["Fast", "Slow", "Waiter"].map((name) => playerVia(leaving, leaving.url, name)),
    )) as [Player, Player, Player];
    players.push(fast, slow, waiter);
    await fast.queue();
    await slow.queue();
    await Promise.all([fast.enterRace(), slow.enterRace()]);
    await waiter.queue();
    const reconnectNotice = new Promise<ReconnectMessage>((resolve) =>
      waiter.lobby!.onMessage(ServerMessage.RECONNECT, resolve),
    );
    staying = await spawnServer(await clusterEnv(await freePort(), env));
    await waitUntilReady(staying);
    await fast.waitForRacing();
    const words = [...fast.race!.state.words];
    fast.type(`${words[0]} ${words[1]} `);

    const exit = terminate(leaving);
    const sentAt = Date.now();
    assert.deepEqual(await reconnectNotice, { reason: "server_shutdown" });
    // Asked for a seat anyway, the leaving process says why and when to ask again, in the envelope.
    const refused = await call(leaving.url, "/matchmake/joinOrCreate/lobby", {
      method: "POST",
      json: {},
      token: waiter.accessToken,
    });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "2");
    assert.deepEqual(refused.body, {
      ok: false,
      error: {
        code: "SHUTTING_DOWN",
        message: "this server is restarting; ask again",
        requestId: refused.headers.get("x-request-id"),
      },
      message: "SHUTTING_DOWN: this server is restarting; ask again",
    });
    // What the web client does on that notice: queue again, and land on the other process.
    const again = await playerVia(staying, staying.url, "Waiter again");
    again.sdk.auth.token = waiter.accessToken;
    players.push(again);
    await again.queue();
    assert.ok(Date.now() - sentAt < 5_000, "back in a lobby within 5 s");
    await eventually(
      "not ready any more",
      async () => (await fetch(`${leaving.url}/readyz`).catch(() => undefined))?.status !== 200,
    );

    // The race goes on to its end on the leaving process.
    fast.type(words.slice(2).join(" "));
    await eventually("the fast finish", () => fast.finished);
    await slow.typeSlowly(words.join(" "), 5);
    await eventually("the slow finish", () => slow.finished);
    const { code } = await exit;
    assert.equal(code, 0, leaving.output());
    assert.deepEqual(await storedRanks(fast.finished!.gameId), [1, 2]);
    assert.equal((await fetch(`${staying.url}/readyz`)).status, 200);
  });
});
