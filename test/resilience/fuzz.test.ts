/**
 * Hostile input over real sockets against a real server process: malformed room messages (wrong
 * types, missing fields, huge strings, deep nesting, binary frames, unknown types, keys before the
 * start and after the finish) and malformed HTTP requests against every route, while an honest race
 * runs. Nothing may crash the process, no HTTP answer may be a 500 or leave the error envelope, and
 * the honest race must finish with the right results.
 *
 * Seedable and bounded: FUZZ_SEED (default: random, printed), FUZZ_ROOM_MESSAGES and
 * FUZZ_HTTP_REQUESTS (default 2,000 each, the CI size; `npm run fuzz` runs 10,000 of each).
 */
import assert from "node:assert/strict";
import { Protocol } from "@colyseus/core";
import { testDatabaseUrl } from "../hooks.ts";
import {
  between,
  pick,
  type Random,
  randomBytes,
  randomString,
  randomValue,
  seededRandom,
} from "../support/fuzz.ts";
import { eventually, Player } from "../support/players.ts";
import {
  reachableTempDir,
  type ServerProcess,
  spawnServer,
  terminate,
  waitUntilReady,
} from "../support/processes.ts";

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROOM_MESSAGES = Number(process.env.FUZZ_ROOM_MESSAGES ?? 2_000);
const HTTP_REQUESTS = Number(process.env.FUZZ_HTTP_REQUESTS ?? 2_000);
const FUZZERS = 20;
/** Under the 30 keys/s flood limit, so that most garbage reaches the parsers instead of the limiter. */
const MESSAGES_PER_SECOND_PER_FUZZER = 20;

const UUID = "00000000-0000-4000-8000-000000000000";
const ROUTES: Array<[method: string, path: (random: Random) => string]> = [
  ["GET", () => "/healthz"],
  ["GET", () => "/readyz"],
  ["POST", () => "/api/v1/auth/guest"],
  ["GET", () => "/api/v1/auth/me"],
  ["GET", () => "/api/v1/auth/providers"],
  ["GET", (r) => `/api/v1/auth/${segment(r)}/login`],
  ["GET", (r) => `/api/v1/auth/${segment(r)}/callback?code=${segment(r)}&state=${segment(r)}`],
  ["POST", () => "/api/v1/auth/refresh"],
  ["POST", () => "/api/v1/auth/logout"],
  ["GET", (r) => `/api/v1/lobbies/${segment(r)}`],
  ["POST", (r) => `/api/v1/lobbies/${segment(r)}/leave`],
  ["GET", (r) => `/api/v1/games/${segment(r)}`],
  ["GET", (r) => `/api/v1/games/${segment(r)}/countdown`],
  ["GET", (r) => `/api/v1/games/${segment(r)}/result`],
  ["GET", (r) => `/api/v1/profile/statistics${query(r)}`],
  ["GET", (r) => `/api/v1/profile/graph${query(r)}`],
  ["GET", (r) => `/api/v1/profile/history${query(r)}`],
  ["GET", (r) => `/api/v1/profile/personal-bests${query(r)}`],
  ["GET", (r) => `/api/v1/users/${segment(r)}/statistics`],
  ["GET", (r) => `/api/v1/users/${segment(r)}/graph${query(r)}`],
  ["GET", (r) => `/api/v1/users/${segment(r)}/history${query(r)}`],
  ["GET", (r) => `/api/v1/users/${segment(r)}/personal-bests`],
  ["GET", (r) => `/api/v1/leaderboards${query(r)}`],
  ["GET", (r) => `/api/v1/${segment(r)}`],
  ["DELETE", (r) => `/api/v1/games/${segment(r)}`],
  // Matchmaking: prototype names, other methods, unknown rooms, bodies and missing tokens.
  [
    "POST",
    (r) =>
      `/matchmake/${pick(r, ["joinOrCreate", "join", "joinById", "reconnect", "create", "__proto__", "__defineGetter__", "constructor", "toString", segment(r)])}/${pick(r, ["lobby", "race", "private", "__proto__", "hasOwnProperty", segment(r)])}`,
  ],
];

function segment(random: Random): string {
  const value = pick(random, [
    UUID,
    "42",
    "NoSuchRoom",
    "-1",
    "%00",
    "%ZZ",
    "..%2F..",
    "x".repeat(300),
    "😀",
  ]);
  return random() < 0.5 ? value : encodeURIComponent(randomString(random, 40).toWellFormed()) || "x";
}

function query(random: Random): string {
  if (random() < 0.2) return "";
  const keys = ["last", "page", "size", "period", "words", "limit", randomString(random, 8)];
  const values = [
    "0",
    "-1",
    "1",
    "10",
    "1001",
    "abc",
    "1e9",
    "NaN",
    "",
    "[]",
    "daily",
    "weekly",
    "all",
    "25",
  ];
  const pairs = Array.from({ length: between(random, 1, 4) }, () => {
    const key = pick(random, keys);
    return `${encodeURIComponent(key.toWellFormed())}=${encodeURIComponent(random() < 0.8 ? pick(random, values) : randomString(random).toWellFormed())}`;
  });
  if (random() < 0.1) pairs.push("page=1&page=2");
  return `?${pairs.join("&")}`;
}

function requestInit(random: Random, method: string, token: string): RequestInit {
  const headers: Record<string, string> = {};
  const auth = random();
  if (auth < 0.3) headers.authorization = `Bearer ${token}`;
  else if (auth < 0.45)
    headers.authorization = `Bearer ${randomString(random, 200).replace(/[^\x21-\x7e]/g, "x")}`;
  else if (auth < 0.55)
    headers.cookie = `TP_AT=${encodeURIComponent(randomString(random, 80).toWellFormed())}`;
  else if (auth < 0.6) headers.authorization = "Basic Zm9vOmJhcg==";
  if (method === "GET" || method === "HEAD" || method === "DELETE") return { method, headers };
  const body = random();
  if (body < 0.25) {
    headers["content-type"] = "application/json";
    return { method, headers, body: JSON.stringify(randomValue(random)) };
  }
  if (body < 0.45) {
    headers["content-type"] = "application/json";
    return {
      method,
      headers,
      body: pick(random, ['{"name":', "{", "nul", "[1,2", '{"name":"\\ud800"}', "\u0000"]),
    };
  }
  if (body < 0.55) {
    headers["content-type"] = "application/json";
    return { method, headers, body: JSON.stringify({ name: "y".repeat(20_000) }) };
  }
  if (body < 0.65) {
    headers["content-type"] = pick(random, [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=latin9",
    ]);
    return { method, headers, body: randomString(random, 200) };
  }
  return { method, headers };
}

describe(`fuzzing with hostile input (FUZZ_SEED=${SEED})`, function () {
  this.timeout(180_000);
  let server: ServerProcess;
  const everyone: Player[] = [];
  before(async () => {
    server = await spawnServer({
      DATABASE_URL: testDatabaseUrl(),
      DATA_DIR: await reachableTempDir("typephoon-fuzz-"),
      JWT_SECRET: "fuzz-secret-fuzz-secret-fuzz-secret-fuzz",
      LOBBY_MAX_PLAYERS: "2",
      LOBBY_COUNTDOWN_MS: "1000",
      RACE_START_COUNTDOWN_MS: "300",
      RACE_WORDS: "6",
      RECONNECT_GRACE_S: "2",
      LOG_LEVEL: "error",
    });
    await waitUntilReady(server);
  });
  after(async () => {
    await Promise.all(everyone.map((player) => player.leaveAll()));
    if (server.child.exitCode === null) await terminate(server);
  });

  it(`${ROOM_MESSAGES} malformed room messages and ${HTTP_REQUESTS} malformed HTTP requests: no crash, no 500, the honest race is right`, async () => {
    const honest = (await Promise.all(
      ["Honest Ann", "Honest Bob"].map((name) => Player.signIn(server.url, name)),
    )) as [Player, Player];
    everyone.push(...honest);
    for (const player of honest) await player.queue();
    await Promise.all(honest.map((player) => player.enterRace()));

    const fuzzers = await Promise.all(
      Array.from({ length: FUZZERS }, (_, i) => Player.signIn(server.url, `Fuzzer ${i}`)),
    );
    everyone.push(...fuzzers);
    const fuzzing = Promise.all(
      fuzzers.map((fuzzer, i) => fuzzRoom(fuzzer, seededRandom(SEED + i + 1), ROOM_MESSAGES / FUZZERS)),
    );
    const requests = fuzzHttp(server.url, seededRandom(SEED - 1), HTTP_REQUESTS, fuzzers[0]!.accessToken);

    // The honest race, typed at a human pace while the storm goes on.
    await honest[0].waitForRacing();
    const text = [...honest[0].race!.state.words].join(" ");
    await Promise.all([
      honest[0].typeSlowly(text, 60),
      honest[1].typeSlowly(`${text.slice(0, 3)}x\b${text.slice(3)}`, 90),
    ]);
    await eventually("the honest finishes", () => honest[0].finished && honest[1].finished, 10_000);

    const [roomStats, http] = await Promise.all([fuzzing, requests]);
    assert.equal(server.child.exitCode, null, `the server died:\n${server.output()}`);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

    const sent = roomStats.reduce((sum, stats) => sum + stats.sent, 0);
    assert.ok(sent >= ROOM_MESSAGES, `sent ${sent} room messages`);
    assert.deepEqual(http.problems, [], "every HTTP answer is in the envelope, none is a 500");
    assert.ok(http.sent >= HTTP_REQUESTS);

    const [ann, bob] = honest;
    assert.equal(ann.finished!.rank, 1);
    assert.equal(bob.finished!.rank, 2);
    assert.equal(ann.finished!.acc, 100);
    const bobKeys = text.length + 1; // one wrong "x", removed by Backspace (which does not count)
    assert.equal(bob.finished!.acc, Math.round((100 * (bobKeys - 1) * 100) / bobKeys) / 100);
    assert.ok(ann.finished!.wpm > 0 && ann.finished!.wpm < 300);
    assert.ok(ann.errors.length === 0 && bob.errors.length === 0, "the honest players never saw an error");
  });
});

/** The promise's value, or undefined if it fails or takes longer than `ms`. */
function within<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));
  return Promise.race([work.catch(() => undefined), timeout]);
}

interface RoomFuzzStats {
  sent: number;
  reconnects: number;
}

async function fuzzRoom(fuzzer: Player, random: Random, count: number): Promise<RoomFuzzStats> {
  const stats: RoomFuzzStats = { sent: 0, reconnects: 0 };

  const room = () => fuzzer.race ?? fuzzer.lobby;
  // A connection the fuzzer got closed can fail to rejoin in any odd way: never wait on it for long.
  const rejoin = async () => {
    stats.reconnects++;
    fuzzer.race = undefined;
    fuzzer.lobby = undefined;
    fuzzer.gameStart = undefined;
    await within(5_000, fuzzer.queue());
    if (await within(5_000, fuzzer.waitForGameStart(5_000))) await within(5_000, fuzzer.enterRace());
  };
  await rejoin();
  stats.reconnects = 0;
  const interval = 1000 / MESSAGES_PER_SECOND_PER_FUZZER;
  while (stats.sent < count) {
    const current = room();
    if (
      !current?.connection?.isOpen ||
      (fuzzer.race && fuzzer.race.state.status === "finished" && random() < 0.2)
    ) {
      await rejoin();
      continue;
    }
    sendGarbage(current, random);
    stats.sent++;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  return stats;
}

type AnyRoom = NonNullable<Player["race"]> | NonNullable<Player["lobby"]>;

function sendGarbage(room: AnyRoom, random: Random) {
  const ws = (room.connection as unknown as { transport: { ws: { send(data: Uint8Array): void } } }).transport
    .ws;
  const roll = random();
  try {
    if (roll < 0.4) room.send("key", randomValue(random) as never);
    else if (roll < 0.55) room.send("key", { key: pick(random, ["a", " ", "Backspace", "z", "é"]) } as never);
    else if (roll < 0.7)
      room.send(
        random() < 0.5 ? randomString(random, 30) : between(random, -5, 300),
        randomValue(random) as never,
      );
    else if (roll < 0.8) ws.send(randomBytes(random, random() < 0.1 ? 4_000 : 300));
    else if (roll < 0.9) ws.send(Uint8Array.from([Protocol.ROOM_DATA, ...randomBytes(random, 200)]));
    else ws.send(Uint8Array.from([pick(random, Object.values(Protocol)), ...randomBytes(random, 16)]));
  } catch {
    // The client library refusing to encode something is not the server's business.
  }
}

async function fuzzHttp(base: string, random: Random, count: number, token: string) {
  const problems: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const [method, path] =
        random() < 0.9
          ? pick(random, ROUTES)
          : [
              pick(random, ["PUT", "PATCH", "OPTIONS", "HEAD"]),
              ROUTES[between(random, 0, ROUTES.length - 1)]![1],
            ];
      const url = `${base}${path(random)}`;
      let response: Response;
      try {
        response = await fetch(url, { ...requestInit(random, method, token), redirect: "manual" });
      } catch (error) {
        problems.push(`${method} ${url}: ${(error as Error).message}`);
        continue;
      }
      const text = await response.text();
      if (response.status >= 500 && !(url.endsWith("/readyz") && response.status === 503)) {
        problems.push(`${method} ${url}: ${response.status} ${text.slice(0, 200)}`);
      } else if (response.status >= 300 && response.status < 400) {
        if (!response.headers.get("location"))
          problems.push(`${method} ${url}: ${response.status} without Location`);
      } else if (method !== "HEAD" && method !== "OPTIONS" && !inEnvelope(text, response.status, url)) {
        problems.push(`${method} ${url}: ${response.status} not in the envelope: ${text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  return { sent, problems: problems.slice(0, 20) };
}

/** The API's envelope; a seat from matchmaking is Colyseus's seat reservation, which the SDK consumes. */
function inEnvelope(text: string, status: number, url: string): boolean {
  try {
    const body = JSON.parse(text) as {
      ok?: unknown;
      sessionId?: unknown;
      error?: { code?: unknown; message?: unknown };
    };
    if (status < 300)
      return body.ok === true || (url.includes("/matchmake/") && typeof body.sessionId === "string");
    return (
      body.ok === false && typeof body.error?.code === "string" && typeof body.error.message === "string"
    );
  } catch {
    return false;
  }
}
