import assert from "node:assert/strict";
import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import type { ReplayResponse, ResultResponse } from "../../src/api/contracts/games.ts";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { raceStore } from "../../src/db/races.ts";
import { createGuestUser } from "../../src/db/users.ts";
import { BACKSPACE, type Key } from "../../src/game/keys.ts";
import { Race } from "../../src/game/race/race.ts";
import type { RaceResult } from "../../src/game/race/result.ts";
import { scoreOfLog } from "../../src/game/replay.ts";
import { seededRandom } from "../../src/game/seededRandom.ts";
import { pickWords } from "../../src/game/text.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { call, dataOf, errorOf } from "../support/http.ts";
import { eventually, Player } from "../support/players.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const GAME = "0b5f3f9e-8d1c-4c53-9a5e-0a8e2f1b7c11";

/** The raw bytes of an answer, as they came over the wire (fetch would decompress them). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }>(
    (resolve, reject) => {
      request(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode!, headers: response.headers, bytes: Buffer.concat(chunks) }),
        );
      })
        .on("error", reject)
        .end();
    },
  );
}

/**
 * A 100-word race of 5 players, run by the race model and stored as the race room stores it:
 * people typing 45 to 95 wpm with an uneven rhythm, mistyping about one character in 25 and
 * fixing it.
 */
async function storeLongRace(db: Database): Promise<string> {
  const random = seededRandom(26);
  const words = pickWords(100, random);
  const text = words.join(" ");
  const players = await Promise.all(
    ["Ada", "Bob", "Cy", "Dee", "Eve"].map((name) => createGuestUser(db, `${name} replay`)),
  );
  const gameId = crypto.randomUUID();
  const startsAt = Date.now() - 600_000;
  const store = raceStore(db);
  await store.createGame({ id: gameId, mode: "public", words, playerCount: 5, startsAt: new Date(startsAt) });
  const race = new Race(
    { gameId, mode: "public", words, startsAt, timeLimitMs: 480_000, noShowAfterMs: 20_000 },
    players,
  );
  const keys: Array<{ id: string; key: Key; at: number }> = [];
  for (const [i, { id }] of players.entries()) {
    const meanMs = 60_000 / ((45 + i * 12) * 5);
    let at = startsAt + 300 + random() * 400;
    const press = (key: Key) => {
      keys.push({ id, key, at: Math.round(at) });
      at += meanMs * (0.5 + random());
    };
    for (const char of text) {
      if (char !== " " && random() < 0.04) {
        press(char === "z" ? "a" : String.fromCharCode(char.charCodeAt(0) + 1));
        press(BACKSPACE);
      }
      press(char);
    }
  }
  for (const { id, key, at } of keys.sort((a, b) => a.at - b.at)) race.key(id, key, at);
  const results: RaceResult[] = race
    .takeEvents()
    .flatMap((event) =>
      event.type === "finished" ? [event.result] : event.type === "ended" ? event.dnf : [],
    );
  assert.equal(results.length, 5);
  for (const result of results) await store.recordResult(result);
  await store.endGame(gameId, new Date());
  return gameId;
}

describe("a race's replay: GET /api/v1/games/:gameId/replay", function () {
  this.timeout(30_000);
  let server: TestServer;
  let db: Database;
  const players: Player[] = [];

  before(async () => {
    server = await startTestServer({
      LOBBY_MAX_PLAYERS: "2",
      LOBBY_COUNTDOWN_MS: "300",
      RACE_START_COUNTDOWN_MS: "300",
      RACE_WORDS: "3",
    });
    db = createDatabase(testDatabaseUrl());
  });
  after(async () => {
    await Promise.all(players.map((player) => player.leaveAll()));
    await db?.close();
    await server?.stop();
  });

  const replayOf = (gameId: string, headers: Record<string, string> = {}) =>
    call<ReplayResponse>(server.url, `/api/v1/games/${gameId}/replay`, { headers });

  it("409 while the race runs; once over, every key of every player, a flagged one marked", async () => {
    const [ada, bot] = await Promise.all(["Ada", "Bot"].map((name) => Player.signIn(server.url, name)));
    players.push(ada!, bot!);
    for (const player of [ada!, bot!]) await player.queue();
    await Promise.all([ada!, bot!].map((player) => player.enterRace()));
    const gameId = ada!.race!.roomId;
    await ada!.waitForRacing();

    const running = await replayOf(gameId);
    assert.equal(running.status, 409);
    assert.equal(errorOf(running).code, "RACE_NOT_OVER");

    const words = [...ada!.race!.state.words];
    // Ada makes a typo and fixes it; the bot sends the whole text at once, faster than any hand.
    const typed = `${words[0]}x\b ${words.slice(1).join(" ")}`;
    bot!.type(words.join(" "));
    await ada!.typeSlowly(typed, 80);
    await eventually("both finished", () => ada!.finished && bot!.finished);

    const answer = await eventually("the race stored as over", async () => {
      const replay = await replayOf(gameId);
      return replay.status === 200 ? replay : undefined;
    });
    const replay = dataOf(answer);
    assert.deepEqual(
      [replay.gameId, replay.mode, replay.words, replay.players.map((player) => player.name)],
      [gameId, "public", words, ["Bot", "Ada"]],
    );
    const [botReplay, adaReplay] = replay.players as [
      ReplayResponse["players"][0],
      ReplayResponse["players"][0],
    ];
    assert.deepEqual(
      [botReplay.rank, botReplay.finished, botReplay.flagged, adaReplay.rank, adaReplay.flagged],
      [1, true, true, 2, false],
    );
    assert.deepEqual(
      adaReplay.keystrokes.map(([, key]) => key),
      [...typed].map((char) => (char === "\b" ? BACKSPACE : char)),
    );
    const times = adaReplay.keystrokes.map(([at]) => at);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      "in the order they came",
    );
    assert.ok(times[0]! >= 0 && times.at(-1)! < 10_000);

    // Played through the typing engine, the keys end on the result the race stored.
    const stored = dataOf(await call<ResultResponse>(server.url, `/api/v1/games/${gameId}/result`));
    for (const player of replay.players) {
      const score = scoreOfLog(
        replay.words,
        player.keystrokes.map(([at, key]) => ({ at, key })),
      );
      const result = stored.ranking.find((entry) => entry.userId === player.userId)!;
      assert.deepEqual(
        [score.wpm, score.wpmRaw, score.acc, score.accRaw, score.durationMs],
        [result.wpm, result.wpmRaw, result.acc, result.accRaw, result.durationMs],
      );
      assert.deepEqual([player.wpm, player.acc], [result.wpm, result.acc]);
    }

    // Cached for good, and revalidated with its ETag.
    assert.equal(answer.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const etag = answer.headers.get("etag")!;
    assert.match(etag, /^W\/"/);
    // As a browser revalidates (fetch would add no-cache to a conditional request of its own).
    const again = await replayOf(gameId, { "if-none-match": etag, "cache-control": "max-age=0" });
    assert.equal(again.status, 304);
    assert.equal(again.body, undefined);
  });

  it("404 for a game that does not exist, 422 for an id that is not one", async () => {
    const unknown = await replayOf(GAME);
    assert.equal(unknown.status, 404);
    assert.equal(errorOf(unknown).code, "GAME_NOT_FOUND");
    const malformed = await replayOf("not-a-game");
    assert.equal(malformed.status, 422);
    assert.equal(errorOf(malformed).code, "VALIDATION_ERROR");
  });

  it("compresses: a 100-word race of 5 players (about 3,000 keys) comes in about 16 KB", async () => {
    const gameId = await storeLongRace(db);
    const url = `${server.url}/api/v1/games/${gameId}/replay`;
    const zipped = await rawGet(url, { "accept-encoding": "gzip, deflate, br" });
    const plain = await rawGet(url, { "accept-encoding": "identity" });
    assert.equal(zipped.headers["content-encoding"], "gzip");
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.match(String(zipped.headers.vary), /Accept-Encoding/);
    assert.equal(zipped.headers.etag, plain.headers.etag, "one ETag for the replay, whatever its encoding");
    assert.deepEqual(gunzipSync(zipped.bytes), plain.bytes);

    const replay = dataOf(await replayOf(gameId));
    const keys = replay.players.reduce((sum, player) => sum + player.keystrokes.length, 0);
    assert.equal(replay.players.length, 5);
    assert.ok(keys > 3_000 && keys < 3_800, `${keys} keys`);
    assert.ok(plain.bytes.length < 50_000, `${plain.bytes.length} B`);
    assert.ok(zipped.bytes.length < 18_000, `${zipped.bytes.length} B gzipped`);
  });
});
