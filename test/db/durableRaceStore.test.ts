import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDatabase, type Database } from "../../src/db/database.ts";
import {
  type DurableRaceStore,
  durableRaceStore,
  type RaceWriteEvents,
} from "../../src/db/durableRaceStore.ts";
import { type Journal, openJournal } from "../../src/db/journal.ts";
import { raceStore } from "../../src/db/races.ts";
import { createGuestUser } from "../../src/db/users.ts";
import type { RaceResult } from "../../src/game/race/result.ts";
import { createLogger } from "../../src/log.ts";
import { testDatabaseUrl } from "../hooks.ts";
import { eventually } from "../support/players.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcpProxy.ts";

function result(gameId: string, userId: string, rank: number | null, wpm = 61.5): RaceResult {
  return {
    gameId,
    userId,
    rank,
    wpm,
    wpmRaw: 64.25,
    acc: 97.5,
    accRaw: 98,
    finishedAt: rank === null ? null : new Date(),
    wordCount: 3,
    durationMs: 12_345,
    flagged: false,
    won: false,
    keystrokes: Uint8Array.from([5, 0x61, 7, 0x08]),
  };
}

const newGame = (id = randomUUID(), playerCount = 2) => ({
  id,
  mode: "public" as const,
  words: ["a", "b", "c"],
  playerCount,
  startsAt: new Date(),
});

describe("durable race store: a journal on disk in front of PostgreSQL", () => {
  let proxy: TcpProxy;
  let db: Database;
  let direct: Database;
  let journalDir: string;
  let journal: Journal;
  let store: DurableRaceStore;
  let counted: Record<keyof RaceWriteEvents, number>;

  async function openStore() {
    journal = await openJournal(journalDir, 0);
    store = durableRaceStore({
      store: raceStore(db),
      journal,
      databaseIsUp: () =>
        db.sql.$queryRaw`SELECT 1`.then(
          () => true,
          () => false,
        ),
      log: createLogger("silent"),
      events: {
        failed: () => counted.failed++,
        retried: () => counted.retried++,
        discarded: () => counted.discarded++,
      },
      retryEveryMs: 100,
      firstRetryDelayMs: 100,
      maxRetryDelayMs: 400,
    });
  }

  beforeEach(async () => {
    const url = new URL(testDatabaseUrl());
    proxy = await startTcpProxy(Number(url.port || 5432), url.hostname);
    url.port = String(proxy.port);
    db = createDatabase(url.toString());
    direct = createDatabase(testDatabaseUrl());
    journalDir = path.join(await mkdtemp(path.join(tmpdir(), "typephoon-durable-")), "journal");
    counted = { failed: 0, retried: 0, discarded: 0 };
    await openStore();
  });
  afterEach(async () => {
    await store.stop();
    await db.close();
    await direct.close();
    await proxy.close();
  });

  async function rowsOf(gameId: string) {
    return direct.prisma.gameResult.findMany({ where: { gameId }, orderBy: { userId: "asc" } });
  }

  /** Refuses (as a trigger would) every result of this player until the returned function runs. */
  async function refuseResultsOf(userId: string): Promise<() => Promise<void>> {
    const name = `refuse_${userId.replaceAll("-", "")}`;
    await direct.prisma.$executeRawUnsafe(
      `CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql`,
    );
    await direct.prisma.$executeRawUnsafe(
      `CREATE TRIGGER ${name} BEFORE INSERT ON game_results FOR EACH ROW
       WHEN (NEW.user_id = '${userId}') EXECUTE FUNCTION ${name}()`,
    );
    return async () => {
      await direct.prisma.$executeRawUnsafe(`DROP TRIGGER ${name} ON game_results`);
      await direct.prisma.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
    };
  }

  it("writes straight through while PostgreSQL is up, and tells the personal best", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const game = newGame(undefined, 1);
    await store.createGame(game);
    assert.deepEqual(await store.recordResult(result(game.id, ann.id, 1)), { isPersonalBest: true });
    assert.equal(store.waiting(), 0);
    assert.equal((await rowsOf(game.id)).length, 1);
  });

  it("during an outage, keeps every write in order and writes each exactly once when PostgreSQL is back", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const bob = await createGuestUser(direct, "Bob");
    const game = newGame();
    proxy.cut();
    await store.createGame(game);
    const annFinish = await store.recordResult(result(game.id, ann.id, 1));
    assert.deepEqual(annFinish, { isPersonalBest: false }, "not known until written");
    await store.recordResult(result(game.id, bob.id, null));
    assert.equal(
      (await store.endGame(game.id, new Date())).size,
      0,
      "the ratings are not known until written",
    );
    assert.equal(store.waiting(), 4);
    assert.equal(await direct.prisma.game.count({ where: { id: game.id } }), 0);

    proxy.restore();
    await eventually("the journal written", () => store.waiting() === 0, 10_000);
    const rows = await rowsOf(game.id);
    assert.deepEqual(
      rows.map((row) => [row.userId, row.rank, row.wpm, row.durationMs, [...row.keystrokes]]).sort(),
      [
        [ann.id, 1, 61.5, 12_345, [5, 0x61, 7, 0x08]],
        [bob.id, null, 61.5, 12_345, [5, 0x61, 7, 0x08]],
      ].sort(),
    );
    const stored = await direct.prisma.game.findUniqueOrThrow({ where: { id: game.id } });
    assert.equal(stored.status, "finished");
    assert.ok(
      rows.every((row) => row.ratingBefore === 1000 && row.ratingAfter !== null),
      "rated once written",
    );
  });

  it("tells the rating changes of a rated race whose end is written right after its last result", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const bob = await createGuestUser(direct, "Bob");
    const game = newGame();
    await store.createGame(game);
    await store.recordResult(result(game.id, ann.id, 1));
    // As the room writes them: the race's last result, and its end at once, which follows it.
    const [bobFinish, changes] = await Promise.all([
      store.recordResult(result(game.id, bob.id, 2)),
      store.endGame(game.id, new Date()),
    ]);
    assert.deepEqual(bobFinish, { isPersonalBest: true });
    const rows = await rowsOf(game.id);
    assert.deepEqual(
      Object.fromEntries(changes),
      Object.fromEntries(
        rows.map((row) => [row.userId, { ratingBefore: 1000, ratingAfter: row.ratingAfter }]),
      ),
    );
    assert.ok(changes.get(ann.id)!.ratingAfter > 1000 && changes.get(bob.id)!.ratingAfter < 1000);
    assert.equal(counted.retried, 0, "nothing had to wait");
  });

  it("answers nothing for a write held behind one that fails, and writes it later", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const bob = await createGuestUser(direct, "Bob");
    const game = newGame();
    await store.createGame(game);
    await store.recordResult(result(game.id, ann.id, 1));
    const allow = await refuseResultsOf(bob.id);
    const [bobFinish, changes] = await Promise.all([
      store.recordResult(result(game.id, bob.id, 2)),
      store.endGame(game.id, new Date()),
    ]);
    assert.deepEqual(bobFinish, { isPersonalBest: false }, "not known until written");
    assert.equal(changes.size, 0, "not known until written");
    await allow();
    await eventually("the journal written", () => store.waiting() === 0, 10_000);
    const rows = await rowsOf(game.id);
    assert.equal(rows.length, 2);
    assert.ok(
      rows.every((row) => row.ratingBefore === 1000),
      "rated once written",
    );
  });

  it("keeps what waits for the next run (a restart), which writes each once, also what was written already", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const game = newGame(undefined, 1);
    await store.createGame(game);
    proxy.cut();
    await store.recordResult(result(game.id, ann.id, 1));
    await store.endGame(game.id, new Date());
    await store.flush();
    await store.stop();

    proxy.restore();
    // Written meanwhile by someone, as if the last run died between writing it and marking it done.
    await raceStore(direct).recordResult(result(game.id, ann.id, 1));
    await openStore();
    await eventually("the journal written", () => store.waiting() === 0, 10_000);
    assert.deepEqual(
      (await rowsOf(game.id)).map((row) => [row.userId, row.rank]),
      [[ann.id, 1]],
    );
    assert.equal((await direct.prisma.game.findUniqueOrThrow({ where: { id: game.id } })).status, "finished");
    await store.stop();
    await openStore();
    assert.deepEqual(journal.left, [], "nothing left once written");
  });

  it("never drops a write PostgreSQL refuses while it answers: tries it again later, holding up only its player's", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const bob = await createGuestUser(direct, "Bob");
    const first = newGame();
    const second = newGame();
    await store.createGame(first);
    const allow = await refuseResultsOf(ann.id);
    try {
      assert.deepEqual(await store.recordResult(result(first.id, ann.id, 1, 90)), { isPersonalBest: false });
      // Bob's does not wait for Ann's, nor does the next race.
      assert.deepEqual(await store.recordResult(result(first.id, bob.id, 2, 60)), { isPersonalBest: true });
      await store.createGame(second);
      assert.equal(await direct.prisma.game.count({ where: { id: second.id } }), 1);
      // Ann's next, slower race waits for her first: personal bests are decided in order.
      await store.recordResult(result(second.id, ann.id, 1, 80));
      assert.equal(store.waiting(), 2);
      // Longer than the tries of a write once lasted before it was set aside.
      await eventually("tried again", () => counted.retried >= 5, 10_000);
      assert.equal(store.waiting(), 2);
    } finally {
      await allow();
    }
    await eventually("written once PostgreSQL takes them", () => store.waiting() === 0, 10_000);
    const annRows = await direct.prisma.gameResult.findMany({
      where: { userId: ann.id },
      orderBy: { wpm: "desc" },
      select: { wpm: true, isPersonalBest: true },
    });
    assert.deepEqual(annRows, [
      { wpm: 90, isPersonalBest: true },
      { wpm: 80, isPersonalBest: false },
    ]);
    assert.equal(counted.discarded, 0);
  });

  it("marks a game over only once its results are written: a race marked over is complete", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const bob = await createGuestUser(direct, "Bob");
    const game = newGame();
    const other = newGame(undefined, 1);
    await store.createGame(game);
    await store.createGame(other);
    const allow = await refuseResultsOf(ann.id);
    try {
      await store.recordResult(result(game.id, bob.id, 1));
      await store.recordResult(result(game.id, ann.id, null));
      await store.endGame(game.id, new Date());
      // Another game's end does not wait for this one's results.
      await store.recordResult(result(other.id, bob.id, 1));
      await store.endGame(other.id, new Date());
      await eventually("tried again", () => counted.retried >= 2, 10_000);
      const status = async (id: string) => (await direct.prisma.game.findUnique({ where: { id } }))?.status;
      assert.equal(await status(game.id), "countdown", "not over while Ann's result waits");
      assert.equal(await status(other.id), "finished");
    } finally {
      await allow();
    }
    await eventually("written once PostgreSQL takes them", () => store.waiting() === 0, 10_000);
    const { status } = (await direct.prisma.game.findUnique({ where: { id: game.id } }))!;
    assert.equal(status, "finished");
    assert.equal((await rowsOf(game.id)).length, 2);
  });

  it("discards the result of a player deleted meanwhile, without holding up anyone else's", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const bob = await createGuestUser(direct, "Bob");
    const game = newGame();
    await store.createGame(game);
    await direct.prisma.user.delete({ where: { id: ann.id } });
    assert.deepEqual(await store.recordResult(result(game.id, ann.id, 1)), { isPersonalBest: false });
    assert.deepEqual(await store.recordResult(result(game.id, bob.id, 2)), { isPersonalBest: true });
    await store.endGame(game.id, new Date());
    assert.equal(store.waiting(), 0);
    assert.equal(counted.discarded, 1);
    assert.deepEqual(
      (await rowsOf(game.id)).map((row) => [row.userId, row.rank]),
      [[bob.id, 2]],
    );
  });

  it("flush() waits for the writes under way", async () => {
    const ann = await createGuestUser(direct, "Ann");
    const game = newGame(undefined, 1);
    const writes = [store.createGame(game), store.recordResult(result(game.id, ann.id, 1))];
    await store.flush();
    assert.equal((await rowsOf(game.id)).length, 1);
    await Promise.all(writes);
  });
});
