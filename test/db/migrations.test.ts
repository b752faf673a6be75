import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations, MIGRATIONS_DIR, MigrationError, readMigrations } from "../../src/db/migrations.ts";
import { createMigration, SCHEMA_FILE, schemaDrift } from "../../src/db/schemaEngine.ts";
import { createScratchDatabase } from "../support/services.ts";

async function copyOfRepositorySchema() {
  const dir = await mkdtemp(path.join(tmpdir(), "typephoon-schema-"));
  const paths = { schemaFile: path.join(dir, "schema.prisma"), migrationsDir: path.join(dir, "migrations") };
  await cp(SCHEMA_FILE, paths.schemaFile);
  await cp(MIGRATIONS_DIR, paths.migrationsDir, { recursive: true });
  return paths;
}

describe("database migrations", function () {
  this.timeout(60_000);

  it("prisma/schema.prisma and prisma/migrations agree (no drift)", async () => {
    const scratch = await createScratchDatabase("typephoon_drift");
    try {
      assert.equal(await schemaDrift(scratch.url), "");
    } finally {
      await scratch.drop();
    }
  });

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
    const paths = await copyOfRepositorySchema();
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
    const paths = await copyOfRepositorySchema();
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

  it("db:new writes a migration for a schema change, and then there is no drift", async () => {
    const scratch = await createScratchDatabase("typephoon_new");
    const paths = await copyOfRepositorySchema();
    try {
      await writeFile(
        paths.schemaFile,
        `${await readFile(paths.schemaFile, "utf8")}\nmodel Note {\n  id   Int    @id\n  text String\n\n  @@map("notes")\n}\n`,
      );
      assert.notEqual(await schemaDrift(scratch.url, paths), "");
      const created = await createMigration(scratch.url, "add_notes", paths);
      assert.match(created ?? "", /^\d{14}_add_notes$/);
      const sql = await readFile(path.join(paths.migrationsDir, created!, "migration.sql"), "utf8");
      assert.match(sql, /CREATE TABLE "notes"/);
      assert.equal(await schemaDrift(scratch.url, paths), "");
      assert.equal(await createMigration(scratch.url, "nothing", paths), null);
    } finally {
      await scratch.drop();
    }
  });
});
