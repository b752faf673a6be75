import assert from "node:assert/strict";
import { createDatabase, type Database } from "../../src/db/database.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { createGuestUser } from "../../src/db/users.ts";
import { testDatabaseUrl } from "../hooks.ts";

describe("the database handle (src/db/database.ts)", () => {
  let db: Database;
  before(async () => {
    await applyMigrations(testDatabaseUrl());
    db = createDatabase(testDatabaseUrl());
  });
  after(async () => {
    await db?.close();
  });

  const nameOf = async (id: string) =>
    (await db.prisma.user.findUniqueOrThrow({ where: { id }, select: { name: true } })).name;

  it("serves Prisma and raw SQL over the same pool: each sees what the other wrote", async () => {
    const { id } = await createGuestUser(db, "Ada");
    await db.sql.$executeRaw`UPDATE users SET name = 'Ada L.' WHERE id = ${id}::uuid`;
    assert.equal(await nameOf(id), "Ada L.");
  });

  it("commits a transaction's writes together, and rolls them all back when the work throws", async () => {
    const { id } = await createGuestUser(db, "Grace");
    const renamed = await db.sql.transaction(async (tx) => {
      await tx.$executeRaw`UPDATE users SET name = 'Grace H.' WHERE id = ${id}::uuid`;
      return tx.$queryRaw<Array<{ name: string }>>`SELECT name FROM users WHERE id = ${id}::uuid`;
    });
    assert.deepEqual(renamed, [{ name: "Grace H." }], "the transaction sees its own writes");
    assert.equal(await nameOf(id), "Grace H.");

    await assert.rejects(
      db.sql.transaction(async (tx) => {
        await tx.$executeRaw`UPDATE users SET name = 'nobody' WHERE id = ${id}::uuid`;
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    assert.equal(await nameOf(id), "Grace H.", "rolled back");
  });

  it("gives every connection back, whether the work succeeded or failed", async () => {
    // More transactions than the pool has connections: one kept would make the last ones wait forever.
    for (let i = 0; i < 25; i++) {
      await db.sql.transaction(async (tx) => tx.$queryRaw`SELECT 1`);
      await assert.rejects(db.sql.transaction(async (tx) => tx.$queryRaw`SELECT nonsense FROM nowhere`));
    }
    assert.deepEqual(await db.sql.$queryRaw`SELECT 1 AS one`, [{ one: 1 }]);
  });
});
