import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { type DurableRaceStore, durableRaceStore } from "../../src/db/durableRaceStore.ts";
import { fileOutbox, type Outbox } from "../../src/db/outbox.ts";
import { raceStore } from "../../src/db/races.ts";
import { createGuestUser } from "../../src/db/users.ts";
import type { RaceResult } from "../../src/game/race/result.ts";
import { createLogger } from "../../src/log.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { eventually } from "../support/players.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcpProxy.ts";

function result(gameId: string, userId: string, rank: number | null): RaceResult {
  return {
    gameId,
    userId,
    rank,
    wpm: 61.5,
    wpmRaw: 64.25,
    acc: 97.5,
    accRaw: 98,
    won: rank === 1,
    finishedAt: rank === null ? null : new Date(),
    wordCount: 3,
    durationMs: 12_345,
    flagged: false,
    keystrokes: Uint8Array.from([5, 0x61, 7, 0x08]),
  };
}

describe("durable race store: PostgreSQL, with an outbox for outages", () => {
  let proxy: TcpProxy;
  let db: Database;
  let direct: Database;
  let outbox: Outbox;
  let store: DurableRaceStore;

  beforeEach(async () => {
    const url = new URL(testDatabaseUrl());
    proxy = await startTcpProxy(Number(url.port || 5432), url.hostname);
    url.port = String(proxy.port);
    db = createDatabase(url.toString());
    direct = createDatabase(testDatabaseUrl());
    outbox = await fileOutbox(
      path.join(await mkdtemp(path.join(tmpdir(), "typephoon-durable-")), "outbox.jsonl"),
    );
    store = durableRaceStore({
      store: raceStore(db),
      outbox,
      databaseIsUp: () =>
        db.sql.$queryRaw`SELECT 1`.then(
          () => true,
          () => false,
        ),
      log: createLogger("silent"),
      retryEveryMs: 100,
    });
  });
  afterEach(async () => {
    store.stop();
    await db.close();
    await direct.close();
    await proxy.close();
  });

  async function rowsOf(gameId: string) {
    return direct.prisma.gameResult.findMany({ where: { gameId }, orderBy: { userId: "asc" } });
  }

  it("writes straight through while PostgreSQL is up", async () => {
    const [ann] = await Promise.all([createGuestUser(direct, "Ann")]);
    const gameId = randomUUID();
    await store.createGame({
      id: gameId,
      mode: "public",
      words: ["a", "b", "c"],
      playerCount: 1,
      startsAt: new Date(),
    });
    await store.recordResult(result(gameId, ann!.id, 1));
    assert.equal(await store.pending(), 0);
    assert.equal((await rowsOf(gameId)).length, 1);
  });

  it("during an outage, keeps every write in order and writes each exactly once when PostgreSQL is back", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const bob = await createGuestUser(direct, "Bob");
    const gameId = randomUUID();
    proxy.cut();
    await store.createGame({
      id: gameId,
      mode: "public",
      words: ["a", "b", "c"],
      playerCount: 2,
      startsAt: new Date(),
    });
    const annFinish = await store.recordResult(result(gameId, ann.id, 1));
    assert.deepEqual(annFinish, { isPersonalBest: false }, "not known until written");
    await store.recordResult(result(gameId, bob.id, null));
    await store.endGame(gameId, new Date());
    assert.equal(await store.pending(), 4);
    assert.equal(await direct.prisma.game.count({ where: { id: gameId } }), 0);

    // A replayed entry (a crash between writing and removing) changes nothing.
    const [first] = await outbox.peek(1);
    await outbox.append(first!.payload);

    proxy.restore();
    await eventually("the outbox drained", async () => (await store.pending()) === 0, 10_000);
    const rows = await rowsOf(gameId);
    assert.deepEqual(
      rows.map((row) => [row.userId, row.rank, row.wpm, row.durationMs, [...row.keystrokes]]).sort(),
      [
        [ann.id, 1, 61.5, 12_345, [5, 0x61, 7, 0x08]],
        [bob.id, null, 61.5, 12_345, [5, 0x61, 7, 0x08]],
      ].sort(),
    );
    const game = await direct.prisma.game.findUniqueOrThrow({ where: { id: gameId } });
    assert.equal(game.status, "finished");
  });

  it("sets aside a write that keeps failing while PostgreSQL is up, so it cannot block the others", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const gameId = randomUUID();
    proxy.cut();
    // A result for a game that will never exist: a foreign-key failure, not an outage.
    await store.recordResult(result(randomUUID(), ann.id, 1));
    await store.createGame({
      id: gameId,
      mode: "public",
      words: ["a", "b", "c"],
      playerCount: 1,
      startsAt: new Date(),
    });
    await store.recordResult(result(gameId, ann.id, 1));
    proxy.restore();
    await eventually("the outbox drained", async () => (await store.pending()) === 0, 10_000);
    assert.equal((await rowsOf(gameId)).length, 1);
  });

  it("flush() waits for the writes under way and drains what it can", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const gameId = randomUUID();
    const writes = [
      store.createGame({
        id: gameId,
        mode: "public",
        words: ["a", "b", "c"],
        playerCount: 1,
        startsAt: new Date(),
      }),
      store.recordResult(result(gameId, ann.id, 1)),
    ];
    await store.flush();
    await Promise.all(writes);
    assert.equal((await rowsOf(gameId)).length + (await store.pending()), 1);
  });
});
