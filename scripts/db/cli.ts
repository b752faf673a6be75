/**
 * Database commands, offline (see scripts/db/schemaEngine.ts):
 *   npm run db:migrate          apply pending migrations
 *   npm run db:new -- <name>    write a migration for what changed in prisma/schema.prisma
 *   npm run db:drift            print the SQL that separates the migrations from schema.prisma
 * Without DATABASE_URL they work on the embedded PostgreSQL under DATA_DIR.
 */
import { ConfigError, parseSettings } from "../../src/config.ts";
import { provideDatabaseServer } from "../../src/db/databaseServer.ts";
import { applyMigrations } from "../../src/db/migrations.ts";
import { createLogger } from "../../src/log.ts";

const [command, name] = process.argv.slice(2);
const settings = (() => {
  try {
    return parseSettings();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Invalid configuration: ${error.message}`);
    process.exit(2);
  }
})();
const log = createLogger(settings.logLevel === "info" ? "warn" : settings.logLevel);

async function run(databaseUrl: string): Promise<number> {
  switch (command) {
    case "migrate": {
      const applied = await applyMigrations(databaseUrl);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "no pending migrations");
      return 0;
    }
    case "new": {
      if (!name || !/^[a-z0-9_]+$/.test(name)) {
        console.error("usage: npm run db:new -- <name>   (name: lowercase letters, digits, _)");
        return 2;
      }
      const { createMigration } = await import("./schemaEngine.ts");
      const created = await createMigration(databaseUrl, name);
      console.log(
        created ? `created prisma/migrations/${created}/migration.sql` : "schema.prisma has no changes",
      );
      return 0;
    }
    case "drift": {
      const { schemaDrift } = await import("./schemaEngine.ts");
      const drift = await schemaDrift(databaseUrl);
      console.log(drift || "schema.prisma and prisma/migrations agree");
      return drift ? 1 : 0;
    }
    default:
      console.error("usage: node scripts/db/cli.ts migrate | new <name> | drift");
      return 2;
  }
}

const server = await provideDatabaseServer(settings, log);
let code = 1;
try {
  code = await run(server.url);
} catch (error) {
  console.error(`${command} failed: ${(error as Error).message}`);
} finally {
  await server.stop();
}
// The WASM schema engine leaves timers armed; exit explicitly.
process.exit(code);
