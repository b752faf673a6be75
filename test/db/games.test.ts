import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { abandonGames, unfinishedGameIds } from "../../src/db/games.ts";
import { raceStore } from "../../src/db/races.ts";
import { testDatabaseUrl } from "../hooks.ts";

describe("closing abandoned races (src/db/games.ts)", () => {
  const handles: Database[] = [];
  before(() => {
    handles.push(createDatabase(testDatabaseUrl()), createDatabase(testDatabaseUrl()));
  });
  after(() => Promise.all(handles.map((db) => db.close())));

  it("two processes closing the same races at once: each race is closed once, by one of them", async () => {
    const [one, other] = handles as [Database, Database];
    const ids: string[] = Array.from({ length: 20 }, () => randomUUID());
    const store = raceStore(one);
    for (const id of ids) {
      await store.createGame({ id, mode: "public", words: ["a", "b"], playerCount: 2, startsAt: new Date() });
    }
    const endedAt = new Date();
    const [closedByOne, closedByOther] = await Promise.all([
      abandonGames(one, ids, endedAt),
      abandonGames(other, [...ids].reverse(), endedAt),
    ]);
    assert.deepEqual([...closedByOne, ...closedByOther].sort(), [...ids].sort());
    assert.deepEqual(await abandonGames(one, ids, endedAt), [], "closed already: nothing to close again");
    const stored = await one.prisma.game.findMany({ where: { id: { in: ids } }, select: { status: true } });
    assert.ok(stored.every((game) => game.status === "abandoned"));
    assert.deepEqual(
      (await unfinishedGameIds(one, new Date(Date.now() + 1000))).filter((id) => ids.includes(id)),
      [],
    );
  });

  it("a race that ended meanwhile is not abandoned", async () => {
    const [db] = handles as [Database];
    const id = randomUUID();
    const store = raceStore(db);
    await store.createGame({ id, mode: "public", words: ["a"], playerCount: 1, startsAt: new Date() });
    await store.endGame(id, new Date());
    assert.deepEqual(await abandonGames(db, [id], new Date()), []);
  });
});
