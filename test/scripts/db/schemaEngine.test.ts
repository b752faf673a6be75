import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createMigration, SCHEMA_FILE, schemaDrift } from "../../../scripts/db/schemaEngine.ts";
import { MIGRATIONS_DIR } from "../../../src/db/migrations.ts";
import { createScratchDatabase } from "../../support/services.ts";

async function copyOfRepositorySchema() {
  const dir = await mkdtemp(path.join(tmpdir(), "typephoon-schema-"));
  const paths = { schemaFile: path.join(dir, "schema.prisma"), migrationsDir: path.join(dir, "migrations") };
  await cp(SCHEMA_FILE, paths.schemaFile);
  await cp(MIGRATIONS_DIR, paths.migrationsDir, { recursive: true });
  return paths;
}

describe("the schema engine's commands (scripts/db/schemaEngine.ts)", function () {
  this.timeout(60_000);

  it("prisma/schema.prisma and prisma/migrations agree (no drift)", async () => {
    const scratch = await createScratchDatabase("typephoon_drift");
    try {
      assert.equal(await schemaDrift(scratch.url), "");
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
