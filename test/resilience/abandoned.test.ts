/**
 * Issue 24, item 1: a race whose process died is closed as `abandoned`, by whichever live process
 * notices first, once; or by the process itself when it starts again. What was written before the
 * crash stays; the others get no result (no DNF for the server's failure).
 */
import assert from "node:assert/strict";
import pg from "pg";
import type { GameResponse, ResultResponse } from "../../src/api/contracts/games.ts";
import type { HistoryResponse } from "../../src/api/contracts/profile.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { clusterEnv, playerVia } from "../support/cluster.ts";
import { call, dataOf } from "../support/http.ts";
import { eventually, type Player } from "../support/players.ts";
import {
  freePort,
  reachableTempDir,
  type ServerProcess,
  spawnServer,
  terminate,
  waitUntilReady,
} from "../support/processes.ts";

const GRACE_S = 3;

async function storedRows(gameId: string): Promise<Array<{ userId: string; rank: number | null }>> {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT user_id::text AS "userId", rank FROM game_results WHERE game_id = $1`,
      [gameId],
    );
    return rows;
  } finally {
    await client.end();
  }
}

const gameOf = async (server: ServerProcess, gameId: string) =>
  dataOf(await call<GameResponse>(server.url, `/api/v1/games/${gameId}`));

/** Two players race on `server`; the winner finishes, the other has typed two characters. */
async function raceCutShort(server: ServerProcess, names: [string, string]) {
  const [winner, victim] = (await Promise.all(names.map((name) => playerVia(server, server.url, name)))) as [
    Player,
    Player,
  ];
  await winner.queue();
  await victim.queue();
  await Promise.all([winner.enterRace(), victim.enterRace()]);
  await winner.waitForRacing();
  winner.type([...winner.race!.state.words].join(" "));
  await eventually("the winner's finish", () => winner.finished);
  await eventually(
    "the winner's result stored",
    async () => (await storedRows(winner.finished!.gameId)).length,
  );
  victim.type("ab");
  for (const player of [winner, victim]) player.race!.reconnection.maxRetries = 0;
  return { winner, victim, gameId: winner.finished!.gameId };
}

async function expectAbandonedKeepingTheWinner(
  server: ServerProcess,
  race: Awaited<ReturnType<typeof raceCutShort>>,
) {
  const { winner, gameId } = race;
  const game = await gameOf(server, gameId);
  assert.equal(game.status, "abandoned");
  assert.deepEqual(
    game.players.map((player) => [player.id, player.rank]),
    [[winner.id, 1]],
    "the winner's result stays; the other gets none",
  );
  assert.deepEqual(await storedRows(gameId), [{ userId: winner.id, rank: 1 }]);
  const result = dataOf(await call<ResultResponse>(server.url, `/api/v1/games/${gameId}/result`));
  assert.equal(result.status, "abandoned");
  assert.ok(result.endedAt, "an abandoned race has an end");
  const history = dataOf(await call<HistoryResponse>(server.url, `/api/v1/users/${winner.id}/history`));
  assert.ok(
    history.data.some((entry) => entry.gameId === gameId),
    "the race is in the winner's history",
  );
}

describe("a race whose process died (issue 24, item 1)", function () {
  this.timeout(120_000);
  const players: Player[] = [];
  const servers: ServerProcess[] = [];
  const env = {
    LOBBY_MAX_PLAYERS: "2",
    LOBBY_COUNTDOWN_MS: "60000",
    RACE_WORDS: "6",
    RECONNECT_GRACE_S: String(GRACE_S),
  };
  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.leaveAll()));
    await Promise.all(
      servers
        .splice(0)
        .filter((server) => server.child.exitCode === null)
        .map((server) => terminate(server)),
    );
  });

  it("is closed as abandoned by one of the live processes, once, within the grace + 30 s", async () => {
    const doomed = await spawnServer(await clusterEnv(await freePort(), env));
    servers.push(doomed);
    await waitUntilReady(doomed);
    const race = await raceCutShort(doomed, ["Winner", "Victim"]);
    players.push(race.winner, race.victim);
    // Started once the race runs on the doomed process: two processes that may each notice.
    const survivors = await Promise.all(
      [0, 1].map(async () => spawnServer(await clusterEnv(await freePort(), env))),
    );
    servers.push(...survivors);
    await Promise.all(survivors.map((server) => waitUntilReady(server)));
    assert.equal(
      (await gameOf(survivors[0]!, race.gameId)).status,
      "racing",
      "still on while its process lives",
    );

    doomed.child.kill("SIGKILL");
    await doomed.exited;
    const killedAt = Date.now();
    await eventually(
      "the race closed",
      async () => (await gameOf(survivors[0]!, race.gameId)).status === "abandoned",
      (GRACE_S + 30) * 1000,
    );
    assert.ok(Date.now() - killedAt < (GRACE_S + 30) * 1000);
    await expectAbandonedKeepingTheWinner(survivors[1]!, race);
    // Give a late sweep of the other process its chance to close it twice.
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const closings = survivors
      .map(
        (server) =>
          server
            .output()
            .split("\n")
            .filter((line) => line.includes(race.gameId) && line.includes("race abandoned")).length,
      )
      .reduce((sum, count) => sum + count, 0);
    assert.equal(closings, 1, survivors.map((server) => server.output()).join("\n"));
  });

  it("is closed as abandoned when its own process starts again (no other process)", async () => {
    const alone = {
      DATABASE_URL: testDatabaseUrl(),
      DATA_DIR: await reachableTempDir("typephoon-abandoned-"),
      JWT_SECRET: "abandoned-secret-abandoned-secret-abandoned",
      PORT: String(await freePort()),
      AUTH_RATE_LIMIT_PER_MINUTE: "0",
      API_RATE_LIMIT_PER_MINUTE: "0",
      USER_RATE_LIMIT_PER_MINUTE: "0",
      RACE_START_COUNTDOWN_MS: "300",
      ...env,
    };
    const first = await spawnServer(alone);
    servers.push(first);
    await waitUntilReady(first);
    const race = await raceCutShort(first, ["Solo winner", "Solo victim"]);
    players.push(race.winner, race.victim);
    first.child.kill("SIGKILL");
    await first.exited;
    // Past the grace (at least 5 s from its creation), so that the first sweep at start judges it.
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    const again = await spawnServer(alone);
    servers.push(again);
    await waitUntilReady(again);
    await eventually(
      "the race closed at start",
      async () => (await gameOf(again, race.gameId)).status === "abandoned",
      2_000,
    ).catch((error) => {
      throw new Error(`${error.message}\n${again.output()}`);
    });
    await expectAbandonedKeepingTheWinner(again, race);
  });
});
