import assert from "node:assert/strict";
import pg from "pg";
import { createDatabase, type Database, sqlOver } from "../../src/db/database.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { statementNames } from "../../src/db/preparedStatements.ts";
import { profileStatistics } from "../../src/db/profiles.ts";
import { createGuestUser } from "../../src/db/users.ts";
import { testDatabaseUrl } from "../hooks.ts";

describe("prepared statements (src/db/preparedStatements.ts)", () => {
  describe("statementNames", () => {
    it("names a text the same every time and different texts differently", () => {
      const name = statementNames();
      const first = name("SELECT 1");
      assert.equal(name("SELECT 2") === first, false);
      assert.equal(name("SELECT 1"), first);
      assert.match(first!, /^typephoon_[\w-]+$/);
    });

    it("names a text the same way in every instance, so that two can share a connection", () => {
      assert.equal(statementNames()("SELECT 1"), statementNames()("SELECT 1"));
      const other = statementNames();
      other("SELECT 2");
      assert.equal(other("SELECT 1"), statementNames()("SELECT 1"));
    });

    it("leaves texts beyond its limit unnamed, and keeps naming those it named", () => {
      const name = statementNames(2);
      const [a, b] = [name("a"), name("b")];
      assert.equal(name("c"), undefined);
      assert.deepEqual([name("a"), name("b"), name("c")], [a, b, undefined]);
    });
  });

  /** The statements this session prepared whose text contains `fragment` (but for this query). */
  const preparedOn = async (query: (sql: string) => Promise<Array<{ name: string }>>, fragment: string) =>
    (
      await query(
        `SELECT name FROM pg_prepared_statements
         WHERE statement LIKE '%${fragment}%' AND statement NOT LIKE '%pg_prepared_statements%'`,
      )
    ).map((row) => row.name);

  describe("through Prisma and through plain pg", () => {
    let db: Database;
    let userId: string;
    /** the name Prisma gave the statistics read, which plain pg must give it as well */
    let prismaName: string | undefined;
    before(async () => {
      await applyMigrations(testDatabaseUrl());
      db = createDatabase(testDatabaseUrl());
      userId = (await createGuestUser(db, "Prepared")).id;
    });
    after(async () => {
      await db?.close();
    });

    it("Prisma sends a read as one named statement, prepared once on its connection", async () => {
      // One connection, so that the session that answers is the one that prepared.
      await db.prisma.$transaction(async (tx) => {
        const first = await profileStatistics(tx, userId);
        assert.deepEqual(await profileStatistics(tx, userId), first);
        const names = await preparedOn(
          (sql) => tx.$queryRawUnsafe(sql),
          'coalesce(s.played, 0)::int AS "totalGames"',
        );
        assert.equal(names.length, 1);
        assert.match(names[0]!, /^typephoon_[\w-]+$/);
        prismaName = names[0];
      });
    });

    it("plain pg (db.sql, the seed and the API bench) names the same read the same way", async () => {
      const client = new pg.Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      try {
        const queries = sqlOver(client);
        const first = await profileStatistics(queries, userId);
        assert.deepEqual(await profileStatistics(queries, userId), first);
        const names = await preparedOn(
          async (sql) => (await client.query(sql)).rows,
          'coalesce(s.played, 0)::int AS "totalGames"',
        );
        assert.ok(prismaName, "the Prisma case ran first");
        assert.deepEqual(names, [prismaName]);
      } finally {
        await client.end();
      }
    });
  });
});
