import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations, MIGRATIONS_DIR, MigrationError, readMigrations } from "../../src/db/migrations.ts";
import { createScratchDatabase } from "../support/services.ts";

async function copyOfRepositoryMigrations() {
  const dir = await mkdtemp(path.join(tmpdir(), "typephoon-schema-"));
  const paths = { migrationsDir: path.join(dir, "migrations") };
  await cp(MIGRATIONS_DIR, paths.migrationsDir, { recursive: true });
  return paths;
}

describe("database migrations (src/db/migrations.ts)", function () {
  this.timeout(60_000);

  it("applies every migration once, recorded as Prisma Migrate records them", async () => {
    const scratch = await createScratchDatabase("typephoon_migrate");
    try {
      const expected = (await readMigrations()).map((migration) => migration.name);
      assert.deepEqual(await applyMigrations(scratch.url), expected);
      assert.deepEqual(await applyMigrations(scratch.url), []);
      const client = new pg.Client(scratch.url);
      await client.connect();
      const { rows } = await client.query(
        `SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      await client.end();
      const migrations = await readMigrations();
      assert.deepEqual(
        rows.map((row) => [
          row.migration_name,
          row.checksum,
          row.applied_steps_count,
          row.finished_at !== null,
        ]),
        migrations.map((migration) => [migration.name, migration.checksum, 1, true]),
      );
    } finally {
      await scratch.drop();
    }
  });

  it("lets concurrent starts apply the migrations exactly once", async () => {
    const scratch = await createScratchDatabase("typephoon_migrate");
    try {
      const results = await Promise.all([1, 2, 3].map(() => applyMigrations(scratch.url)));
      assert.equal(results.flat().length, (await readMigrations()).length);
    } finally {
      await scratch.drop();
    }
  });

  it("refuses to start over a migration edited after it was applied", async () => {
    const scratch = await createScratchDatabase("typephoon_migrate");
    const paths = await copyOfRepositoryMigrations();
    try {
      await applyMigrations(scratch.url, paths.migrationsDir);
      const [first] = (await readdir(paths.migrationsDir)).filter((name) => !name.endsWith(".toml")).sort();
      const file = path.join(paths.migrationsDir, first!, "migration.sql");
      await writeFile(file, `${await readFile(file, "utf8")}\n-- edited\n`);
      await assert.rejects(applyMigrations(scratch.url, paths.migrationsDir), MigrationError);
    } finally {
      await scratch.drop();
    }
  });

  it("rolls back a failing migration and reports which one failed", async () => {
    const scratch = await createScratchDatabase("typephoon_migrate");
    const paths = await copyOfRepositoryMigrations();
    try {
      const broken = path.join(paths.migrationsDir, "99999999999999_broken");
      await cp(path.join(MIGRATIONS_DIR, (await readMigrations())[0]!.name), broken, { recursive: true });
      await writeFile(
        path.join(broken, "migration.sql"),
        "CREATE TABLE ok_table (id int);\nSELECT nonsense FROM nowhere;",
      );
      await assert.rejects(
        applyMigrations(scratch.url, paths.migrationsDir),
        /migration 99999999999999_broken failed/,
      );
      const client = new pg.Client(scratch.url);
      await client.connect();
      const { rowCount } = await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'ok_table'");
      await client.end();
      assert.equal(rowCount, 0, "the failed migration left nothing behind");
    } finally {
      await scratch.drop();
    }
  });
});
