import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { LOBBY_SEARCH_HOLD_MS } from "../../src/colyseus/matchmaking.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { clusterEnv, playerVia } from "../support/cluster.ts";
import { call, errorOf, type HttpAnswer } from "../support/http.ts";
import { eventually, Player } from "../support/players.ts";
import {
  freePort,
  type ServerProcess,
  spawnServer,
  terminate,
  waitUntilReady,
} from "../support/processes.ts";
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
  const rows = await sql("SELECT user_id, rank FROM game_results WHERE game_id = $1 ORDER BY rank", [gameId]);
  return rows as Array<{ user_id: string; rank: number | null }>;
}

/** A game as PostgreSQL keeps it, with no room on this process. */
async function storedGame(status: "countdown" | "finished"): Promise<string> {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query(
      `INSERT INTO games (id, words, word_count, player_count, status, starts_at)
       VALUES (gen_random_uuid(), '{one,two}', 2, 2, $1, now()) RETURNING id`,
      [status],
    );
    return rows[0].id as string;
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

function notReady(answer: HttpAnswer) {
  assert.equal(answer.status, 503);
  if (answer.body.ok) throw new Error("ready during the outage");
  return answer.body.error.details as { degraded: string[]; checks: Record<string, { ok: boolean }> };
}

async function isReadyAndWritten(server: TestServer) {
  const answer = await readiness(server);
  return answer.status === 200 && answer.body.ok && answer.body.data.degraded.length === 0;
}

async function sql(statement: string, values: unknown[] = []) {
  const client = new pg.Client(testDatabaseUrl());
  await client.connect();
  try {
    return (await client.query(statement, values)).rows;
  } finally {
    await client.end();
  }
}

async function gameStatus(gameId: string) {
  const [game] = await sql("SELECT status FROM games WHERE id = $1", [gameId]);
  return (game as { status: string } | undefined)?.status;
}

const MONITOR_AUTH = `Basic ${Buffer.from("admin:monitor-secret").toString("base64")}`;

/** The value of one sample in Prometheus's text format (0 when absent). */
function sample(text: string, name: string): number {
  const line = text.split("\n").find((row) => row.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
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

describe("PostgreSQL unreachable during races", function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    const database = new URL(testDatabaseUrl());
    proxy = await startTcpProxy(Number(database.port || 5432), database.hostname);
    server = await startTestServer({ ...RACE, DATABASE_URL: proxiedUrl(testDatabaseUrl(), proxy) });
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    proxy.restore();
    await server.stop();
    await proxy.close();
  });

  it("races go on, results wait in the journal, and land exactly once when PostgreSQL is back", async () => {
    // Signed in while the database is up; the outage starts before the lobby creates the race.
    const [ann, bob] = (await Promise.all(["Ann", "Bob"].map((name) => Player.signIn(server.url, name)))) as [
      Player,
      Player,
    ];
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
    const details = notReady(during);
    assert.equal(details.checks.postgres!.ok, false);
    assert.deepEqual(details.degraded, ["4 race writes wait in the journal (port-0) for PostgreSQL"]);
    const gameId = ann.finished!.gameId;
    assert.deepEqual(await resultRows(gameId), [], "nothing reached PostgreSQL yet");
    // What needs the database says so, and when to come back.
    const signIn = await call(server.url, "/api/v1/auth/guest", { method: "POST", json: {} });
    assert.equal(signIn.status, 503);
    assert.ok(!signIn.body.ok && signIn.body.error.code === "DATABASE_UNAVAILABLE");
    assert.equal(signIn.headers.get("retry-after"), "5");

    proxy.restore();
    await eventually("ready and written again", async () => isReadyAndWritten(server), 15_000);
    assert.deepEqual(await resultRows(gameId), [
      { user_id: ann.id, rank: 1 },
      { user_id: bob.id, rank: 2 },
    ]);
    const game = dataOfGame(await call<{ status: string }>(server.url, `/api/v1/games/${gameId}/result`));
    assert.equal(game.status, "finished");
  });
});

describe("PostgreSQL and Redis unreachable together", function () {
  this.timeout(90_000);
  const players: Player[] = [];
  let database: TcpProxy;
  let redis: TcpProxy;
  before(async () => {
    const url = new URL(testDatabaseUrl());
    database = await startTcpProxy(Number(url.port || 5432), url.hostname);
    redis = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
  });
  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.leaveAll()));
    database.restore();
    redis.restore();
  });
  after(async () => {
    await database.close();
    await redis.close();
  });

  /** Two players race while both are away; answers what each was told. */
  async function raceDuringTheOutage(url: string, join: (name: string) => Promise<Player>) {
    const [ann, bob] = (await Promise.all(["Ann", "Bob"].map(join))) as [Player, Player];
    players.push(ann, bob);
    for (const player of [ann, bob]) await player.queue();
    await Promise.all([ann.enterRace(), bob.enterRace()]);
    await ann.waitForRacing();
    database.cut();
    redis.cut();
    const text = [...ann.race!.state.words].join(" ");
    ann.type(text);
    await eventually("Ann's finish", () => ann.finished);
    bob.type(text);
    await eventually("Bob's finish", () => bob.finished);
    await eventually("the race over", () => ann.race!.state.status === "finished");
    assert.deepEqual([ann.finished!.rank, bob.finished!.rank], [1, 2]);
    const during = notReady(await call<{ ready: boolean; degraded: string[] }>(url, "/readyz"));
    assert.match(during.degraded[0] ?? "", /^3 race writes wait in the journal/);
    return { ann, bob, gameId: ann.finished!.gameId };
  }

  it("keeps the results players were told on this process's disk, and writes each once when PostgreSQL is back", async () => {
    const server = await startTestServer({
      ...RACE,
      DATABASE_URL: proxiedUrl(testDatabaseUrl(), database),
      REDIS_URL: proxiedUrl(TEST_REDIS_URL, redis),
    });
    try {
      const { ann, bob, gameId } = await raceDuringTheOutage(server.url, (name) =>
        Player.signIn(server.url, name),
      );
      database.restore();
      redis.restore();
      await eventually("ready and written again", async () => isReadyAndWritten(server), 20_000);
      assert.deepEqual(await resultRows(gameId), [
        { user_id: ann.id, rank: 1 },
        { user_id: bob.id, rank: 2 },
      ]);
      assert.equal(await gameStatus(gameId), "finished");
    } finally {
      await server.stop();
    }
  });

  it("and when the process is killed meanwhile (SIGKILL), its next start writes them, once", async () => {
    const env = await clusterEnv(await freePort(), {
      ...RACE,
      DATABASE_URL: proxiedUrl(testDatabaseUrl(), database),
      REDIS_URL: proxiedUrl(TEST_REDIS_URL, redis),
    });
    const first = await spawnServer(env);
    let second: ServerProcess | undefined;
    try {
      await waitUntilReady(first);
      const { ann, bob, gameId } = await raceDuringTheOutage(first.url, (name) =>
        playerVia(first, first.url, name),
      );
      await terminate(first, "SIGKILL");
      database.restore();
      redis.restore();
      assert.deepEqual(await resultRows(gameId), [], "nothing reached PostgreSQL before the crash");

      second = await spawnServer(env);
      await waitUntilReady(second);
      await eventually(
        "written by the next start",
        async () => (await resultRows(gameId)).length === 2,
        15_000,
      );
      assert.deepEqual(await resultRows(gameId), [
        { user_id: ann.id, rank: 1 },
        { user_id: bob.id, rank: 2 },
      ]);
      assert.equal(await gameStatus(gameId), "finished");
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) await terminate(first);
      if (second) await terminate(second);
    }
  });
});

describe("PostgreSQL refusing writes while it answers", function () {
  this.timeout(60_000);
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    server = await startTestServer({ ...RACE, MONITOR_PASSWORD: "monitor-secret" });
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await server.stop();
  });

  it("keeps every result, says how many wait, and writes them once PostgreSQL takes them", async () => {
    const [ann, bob] = await pair(server, ["Ann", "Bob"], players);
    await Promise.all([ann.enterRace(), bob.enterRace()]);
    await ann.waitForRacing();
    const refusing = Date.now();
    await sql(`CREATE FUNCTION refuse_results() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'results refused for now'; END $$ LANGUAGE plpgsql`);
    await sql(`CREATE TRIGGER refuse_results BEFORE INSERT ON game_results
               FOR EACH ROW EXECUTE FUNCTION refuse_results()`);
    try {
      const text = [...ann.race!.state.words].join(" ");
      ann.type(text);
      await eventually("Ann's finish", () => ann.finished);
      bob.type(text);
      await eventually("Bob's finish", () => bob.finished);
      assert.deepEqual([ann.finished!.rank, bob.finished!.rank], [1, 2]);

      const during = await readiness(server);
      assert.equal(during.status, 200, "PostgreSQL answers: still ready");
      assert.ok(during.body.ok);
      // The two results, and the race's end behind them: a game is marked over once its results are in.
      assert.deepEqual(during.body.data.degraded, [
        "3 race writes wait in the journal (port-0) for PostgreSQL",
      ]);
      const metrics = async () =>
        (await fetch(`${server.url}/metrics`, { headers: { authorization: MONITOR_AUTH } })).text();
      assert.equal(sample(await metrics(), "typephoon_race_writes_waiting"), 3);
      await eventually(
        "tried again",
        async () => sample(await metrics(), "typephoon_race_write_retries_total") >= 2,
      );
      // Longer than a write was once tried before it was set aside.
      await new Promise((resolve) => setTimeout(resolve, 8_000 - (Date.now() - refusing)));
      assert.deepEqual(await resultRows(ann.finished!.gameId), []);
      assert.notEqual(await gameStatus(ann.finished!.gameId), "finished", "not over without its results");
    } finally {
      await sql("DROP TRIGGER refuse_results ON game_results");
      await sql("DROP FUNCTION refuse_results()");
    }
    await eventually("written", async () => (await resultRows(ann.finished!.gameId)).length === 2, 30_000);
    assert.deepEqual(await resultRows(ann.finished!.gameId), [
      { user_id: ann.id, rank: 1 },
      { user_id: bob.id, rank: 2 },
    ]);
    assert.ok(await isReadyAndWritten(server));
    assert.equal(await gameStatus(ann.finished!.gameId), "finished");
  });
});

/** Fetches with a deadline, so that a hang fails the test instead of stalling it; also says how long it took. */
async function timed<T>(base: string, path: string, init: Parameters<typeof call>[2] = {}) {
  const started = Date.now();
  const answer = await call<T>(base, path, { ...init, signal: AbortSignal.timeout(10_000) });
  return { ...answer, ms: Date.now() - started };
}

/**
 * Within ~2 s (the servers' bound), with room for a loaded test machine: what a client may wait for
 * an answer that says "try again". A hang takes ten times longer.
 */
const PROMPT_MS = 3_000;

describe("PostgreSQL partitioned (packets dropped, no reset)", function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let server: TestServer;
  const players: Player[] = [];
  before(async () => {
    const database = new URL(testDatabaseUrl());
    proxy = await startTcpProxy(Number(database.port || 5432), database.hostname);
    // A countdown shorter than a stalled write may take to give up.
    server = await startTestServer({
      ...RACE,
      RACE_START_COUNTDOWN_MS: "1000",
      DATABASE_URL: proxiedUrl(testDatabaseUrl(), proxy),
    });
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    proxy.restore();
    await server.stop();
    await proxy.close();
  });
  afterEach(async () => {
    proxy.restore();
    await eventually("ready again", async () => (await readiness(server)).status === 200, 15_000);
  });

  it("answers what needs the database with 503 DATABASE_UNAVAILABLE within ~2 s, and /readyz too", async () => {
    const known = await Player.signIn(server.url, "Known");
    proxy.drop();
    for (const [method, path] of [
      ["POST", "/api/v1/auth/guest"],
      ["GET", "/api/v1/leaderboards?period=weekly&words=7"],
      ["GET", `/api/v1/users/${known.id}`],
    ] as const) {
      const answer = await timed(server.url, path, { method, ...(method === "POST" ? { json: {} } : {}) });
      assert.equal(answer.status, 503, `${method} ${path}`);
      assert.ok(!answer.body.ok && answer.body.error.code === "DATABASE_UNAVAILABLE");
      assert.equal(answer.headers.get("retry-after"), "5");
      assert.ok(answer.ms < PROMPT_MS, `${method} ${path} answered after ${answer.ms} ms`);
    }
    const ready = await timed<never>(server.url, "/readyz");
    assert.equal(ready.status, 503);
    assert.ok(ready.ms < PROMPT_MS, `/readyz answered after ${ready.ms} ms`);
    assert.match(ready.body.ok ? "" : ready.body.error.message, /postgres/);
  });

  it("opens a race created during the stall with its whole countdown; results wait and land once", async () => {
    const [ann, bob] = (await Promise.all(["Ann", "Bob"].map((name) => Player.signIn(server.url, name)))) as [
      Player,
      Player,
    ];
    players.push(ann, bob);
    await ann.queue();
    proxy.drop();
    await bob.queue();
    // The game row cannot be written: the race starts anyway, its clock from when its room exists.
    await Promise.all([ann.waitForGameStart(10_000), bob.waitForGameStart(10_000)]);
    await Promise.all([ann.enterRace(), bob.enterRace()]);
    const { status, startsAt } = ann.race!.state;
    assert.equal(status, "countdown");
    assert.ok(startsAt - Date.now() > 500, `typing opens ${startsAt - Date.now()} ms after the seat`);
    await ann.waitForRacing();
    const text = [...ann.race!.state.words].join(" ");
    ann.type(text);
    bob.type(text);
    await eventually("both finished", () => ann.finished && bob.finished, 10_000);
    const gameId = ann.finished!.gameId;
    const during = await timed<never>(server.url, "/readyz");
    assert.ok(during.ms < PROMPT_MS, `/readyz answered after ${during.ms} ms`);
    const details = (during.body.ok ? {} : during.body.error.details) as { degraded?: string[] };
    assert.ok((details.degraded ?? []).length > 0, "the writes wait, and /readyz says so");

    proxy.restore();
    await eventually(
      "the waiting writes written",
      async () => (await resultRows(gameId)).length === 2 && (await readiness(server)).status === 200,
      15_000,
    );
    assert.deepEqual(await resultRows(gameId), [
      { user_id: ann.id, rank: 1 },
      { user_id: bob.id, rank: 2 },
    ]);
  });
});

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
    // A stopping server lets its races run out; the race left unfinished waits out its grace.
    server = await startTestServer({
      ...RACE,
      REDIS_URL: proxiedUrl(TEST_REDIS_URL, proxy),
      RECONNECT_GRACE_S: "5",
    });
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

  it("answers for games at once: a race here from its room, a finished one from PostgreSQL, else 503", async () => {
    const [ann, bob] = await pair(server, ["Ann", "Bob"], players);
    await Promise.all([ann.enterRace(), bob.enterRace()]);
    const here = ann.race!.roomId;
    const finished = await storedGame("finished");
    const elsewhere = await storedGame("countdown");
    proxy.cut();
    try {
      for (const path of ["", "/countdown", "/result"]) {
        const live = await timed<{ status: string }>(server.url, `/api/v1/games/${here}${path}`);
        assert.equal(live.status, 200, `${path}: ${JSON.stringify(live.body)}`);
        assert.ok(live.ms < PROMPT_MS, `${path} answered after ${live.ms} ms`);
        if (path !== "/countdown") assert.notEqual(dataOfGame(live).status, "finished");
        const over = await timed<{ status: string }>(server.url, `/api/v1/games/${finished}${path}`);
        assert.equal(over.status, 200, `${path}: ${JSON.stringify(over.body)}`);
        if (path !== "/countdown") assert.equal(dataOfGame(over).status, "finished");
        assert.ok(over.ms < PROMPT_MS, `${path} answered after ${over.ms} ms`);
        // Maybe running on another process: nobody can say without Redis.
        const unknown = await timed(server.url, `/api/v1/games/${elsewhere}${path}`);
        assert.equal(unknown.status, 503);
        assert.ok(unknown.ms < PROMPT_MS, `${path} answered after ${unknown.ms} ms`);
        assert.deepEqual(errorOf(unknown).code, "MATCHMAKING_UNAVAILABLE");
        assert.doesNotMatch(errorOf(unknown).message, /redis|retries|ECONN/i);
        assert.equal(unknown.headers.get("retry-after"), "2");
      }
      const lobby = await timed(server.url, "/api/v1/lobbies/someLobbyElsewhere");
      assert.equal(lobby.status, 503);
      assert.ok(lobby.ms < PROMPT_MS, `the lobby answered after ${lobby.ms} ms`);
    } finally {
      proxy.restore();
    }
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

describe("Redis partitioned (packets dropped, no reset)", function () {
  this.timeout(60_000);
  let proxy: TcpProxy;
  let server: TestServer;
  before(async () => {
    proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
    server = await startTestServer({ ...RACE, REDIS_URL: proxiedUrl(TEST_REDIS_URL, proxy) });
  });
  after(async () => {
    proxy.restore();
    await server.stop();
    await proxy.close();
  });

  it("/readyz answers 503 within ~2 s naming Redis, whatever it asks Redis, and 200 once it is back", async () => {
    proxy.drop();
    for (let probe = 0; probe < 2; probe++) {
      const answer = await timed<never>(server.url, "/readyz");
      assert.equal(answer.status, 503);
      assert.ok(answer.ms < PROMPT_MS, `/readyz answered after ${answer.ms} ms`);
      assert.match(answer.body.ok ? "" : answer.body.error.message, /redis/);
    }
    proxy.restore();
    await eventually("ready again", async () => (await readiness(server)).status === 200, 10_000);
  });

  it("refuses a join it cannot serve with 503 MATCHMAKING_UNAVAILABLE instead of holding it forever", async () => {
    const dan = await Player.signIn(server.url, "Dan");
    proxy.drop();
    try {
      const started = Date.now();
      const refused = await call(server.url, "/matchmake/joinOrCreate/lobby", {
        method: "POST",
        json: {},
        token: dan.accessToken,
        signal: AbortSignal.timeout(20_000),
      });
      assert.equal(refused.status, 503);
      assert.equal(errorOf(refused).code, "MATCHMAKING_UNAVAILABLE");
      assert.equal(refused.headers.get("retry-after"), "2");
      assert.ok(Date.now() - started < 12_000, `refused after ${Date.now() - started} ms`);
    } finally {
      proxy.restore();
    }
  });
});

describe("Redis accepting connections and resetting them, under two processes", function () {
  this.timeout(90_000);
  let proxy: TcpProxy;
  const servers: ServerProcess[] = [];
  const players: Player[] = [];
  before(async () => {
    proxy = await startTcpProxy(Number(new URL(TEST_REDIS_URL).port || 6379));
    const env = { REDIS_URL: proxiedUrl(TEST_REDIS_URL, proxy), LOBBY_COUNTDOWN_MS: "60000" };
    for (let i = 0; i < 2; i++) servers.push(await spawnServer(await clusterEnv(await freePort(), env)));
    await Promise.all(servers.map((server) => waitUntilReady(server)));
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    proxy.restore();
    await Promise.all(servers.map((server) => terminate(server)));
    await proxy.close();
  });

  it("is not ready and refuses joins meanwhile, then reconnects by itself: both processes match again", async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const early = await playerVia(a, a.url, "Early");
    players.push(early);
    proxy.reset();
    // A join waits while ioredis retries, then is refused without a word of Redis's internals.
    const refused = await call(a.url, "/matchmake/joinOrCreate/lobby", {
      method: "POST",
      json: {},
      token: early.accessToken,
      signal: AbortSignal.timeout(20_000),
    });
    assert.equal(refused.status, 503);
    assert.deepEqual(errorOf(refused).code, "MATCHMAKING_UNAVAILABLE");
    assert.equal(
      (refused.body as { message?: string }).message,
      "MATCHMAKING_UNAVAILABLE: matchmaking is unavailable right now; ask again shortly",
    );
    assert.equal(refused.headers.get("retry-after"), "2");
    for (const server of servers) {
      const answer = await timed<never>(server.url, "/readyz");
      assert.equal(answer.status, 503, server.output());
      assert.ok(answer.ms < PROMPT_MS, `/readyz answered after ${answer.ms} ms`);
    }
    // Longer than ioredis takes to give up on the commands a connection holds (20 retries).
    await sleep(14_000);
    proxy.restore();
    await Promise.all(servers.map((server) => waitUntilReady(server, 15_000)));

    // Each process finds the lobby the other opened: remote calls through presence work again.
    const [ann, bob, cy] = await Promise.all(
      [a, b, b].map((server, i) => playerVia(server, a.url, ["Ann", "Bob", "Cy"][i]!)),
    );
    players.push(ann!, bob!, cy!);
    const lobby = await ann!.queue();
    for (const player of [bob!, cy!]) {
      const joined = await Promise.race([player.queue(), sleep(10_000).then(() => undefined)]);
      assert.equal(joined?.roomId, lobby.roomId, `${player.name} joined Ann's lobby`);
    }
  });
});
