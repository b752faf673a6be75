import assert from "node:assert/strict";
import pg from "pg";
import { LOBBY_SEARCH_HOLD_MS } from "../../src/colyseus/matchmaking.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { call } from "../support/http.ts";
import { eventually, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { TEST_REDIS_URL } from "../support/services.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcpProxy.ts";

const RACE = {
  LOBBY_MAX_PLAYERS: "2",
  LOBBY_COUNTDOWN_MS: "60000",
  RACE_START_COUNTDOWN_MS: "300",
  RACE_WORDS: "4",
};

async function resultRows(gameId: string) {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT user_id, rank FROM game_results WHERE game_id = $1 ORDER BY rank",
      [gameId],
    );
    return rows as Array<{ user_id: string; rank: number | null }>;
  } finally {
    await client.end();
  }
}

function proxiedUrl(url: string, proxy: TcpProxy): string {
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  return proxied.toString();
}

async function readiness(server: TestServer) {
  return call<{ ready: boolean; degraded: string[] }>(server.url, "/readyz");
}

async function pair(
  server: TestServer,
  names: [string, string],
  players: Player[],
): Promise<[Player, Player]> {
  const both = (await Promise.all(names.map((name) => Player.signIn(server.url, name)))) as [Player, Player];
  players.push(...both);
  for (const player of both) await player.queue();
  return both;
}

for (const outbox of ["file", "redis"] as const) {
  describe(`PostgreSQL unreachable during races (outbox: ${outbox === "file" ? "a file under DATA_DIR" : "a Redis stream"})`, function () {
    this.timeout(60_000);
    let proxy: TcpProxy;
    let server: TestServer;
    const players: Player[] = [];
    before(async () => {
      const database = new URL(testDatabaseUrl());
      proxy = await startTcpProxy(Number(database.port || 5432), database.hostname);
      server = await startTestServer({
        ...RACE,
        DATABASE_URL: proxiedUrl(testDatabaseUrl(), proxy),
        ...(outbox === "redis" ? { REDIS_URL: TEST_REDIS_URL } : {}),
      });
    });
    after(async () => {
      await Promise.all(players.map((player) => player.leaveAll()));
      proxy.restore();
      await server.stop();
      await proxy.close();
    });

    it("races go on, results wait in the outbox, and land exactly once when PostgreSQL is back", async () => {
      // Signed in while the database is up; the outage starts before the lobby creates the race.
      const [ann, bob] = (await Promise.all(
        ["Ann", "Bob"].map((name) => Player.signIn(server.url, name)),
      )) as [Player, Player];
      players.push(ann, bob);
      await ann.queue();
      proxy.cut();
      await bob.queue();
      await Promise.all([ann.enterRace(), bob.enterRace()]);
      await ann.waitForRacing();
      const text = [...ann.race!.state.words].join(" ");
      ann.type(text);
      await eventually("Ann's finish", () => ann.finished);
      bob.type(text);
      await eventually("Bob's finish", () => bob.finished);
      await eventually("the race over", () => ann.race!.state.status === "finished");

      const during = await readiness(server);
      assert.equal(during.status, 503);
      assert.ok(!during.body.ok);
      const details = (during.body.error.details ?? {}) as {
        degraded: string[];
        checks: Record<string, { ok: boolean }>;
      };
      assert.equal(details.checks.postgres!.ok, false);
      assert.match(details.degraded[0] ?? "", /race writes wait in the outbox/);
      const gameId = ann.finished!.gameId;
      assert.deepEqual(await resultRows(gameId), [], "nothing reached PostgreSQL yet");
      // What needs the database says so, and when to come back.
      const signIn = await call(server.url, "/api/v1/auth/guest", { method: "POST", json: {} });
      assert.equal(signIn.status, 503);
      assert.ok(!signIn.body.ok && signIn.body.error.code === "DATABASE_UNAVAILABLE");
      assert.equal(signIn.headers.get("retry-after"), "5");

      proxy.restore();
      await eventually(
        "ready and drained again",
        async () => {
          const after = await readiness(server);
          return after.status === 200 && after.body.ok && after.body.data.degraded.length === 0;
        },
        15_000,
      );
      assert.deepEqual(await resultRows(gameId), [
        { user_id: ann.id, rank: 1 },
        { user_id: bob.id, rank: 2 },
      ]);
      const game = dataOfGame(await call<{ status: string }>(server.url, `/api/v1/games/${gameId}/result`));
      assert.equal(game.status, "finished");
    });
  });
}

function dataOfGame<T>(answer: { body: { ok: boolean; data?: T } }): T {
  if (!answer.body.ok) throw new Error(JSON.stringify(answer.body));
  return answer.body.data!;
}

describe("Redis unreachable", function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
    server = await startTestServer({ ...RACE, REDIS_URL: proxiedUrl(TEST_REDIS_URL, proxy) });
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    proxy.restore();
    await server.stop();
    await proxy.close();
  });

  it("reports not ready, keeps the running race going, and recovers by itself", async () => {
    const [ann, bob] = await pair(server, ["Ann", "Bob"], players);
    await Promise.all([ann.enterRace(), bob.enterRace()]);
    await ann.waitForRacing();
    proxy.cut();
    await eventually("not ready", async () => (await readiness(server)).status === 503, 10_000);
    const text = [...ann.race!.state.words].join(" ");
    ann.type(text);
    bob.type(text);
    await eventually("both finished", () => ann.finished && bob.finished);
    assert.deepEqual(
      (await resultRows(ann.finished!.gameId)).map((row) => row.rank),
      [1, 2],
    );
    proxy.restore();
    await eventually("ready again", async () => (await readiness(server)).status === 200, 20_000);
  });

  it("keeps the players who queue while it is away waiting, and seats them all once it is back", async () => {
    const three = await Promise.all(["Cy", "Di", "Ed"].map((name) => Player.signIn(server.url, name)));
    players.push(...three);
    proxy.cut();
    const queued = three.map((player) => player.queue());
    let seatedMeanwhile = 0;
    for (const search of queued)
      search.then(
        () => seatedMeanwhile++,
        () => {},
      );
    // Longer than one search may hold up the next (LOBBY_SEARCH_HOLD_MS): all three are waiting.
    await new Promise((resolve) => setTimeout(resolve, LOBBY_SEARCH_HOLD_MS * 1.5));
    assert.equal(seatedMeanwhile, 0, "nobody is seated without the shared listing");
    proxy.restore();
    const lobbies = await Promise.all(queued);
    const sizes = Map.groupBy(lobbies, (lobby) => lobby.roomId);
    assert.ok(
      [...sizes.values()].every((members) => members.length <= 2),
      "no lobby over its maximum of 2",
    );
    assert.equal(lobbies.length, 3);
  });
});
