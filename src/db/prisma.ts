import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { pgQueries } from "./pgQueries.ts";
import { statementNames } from "./preparedStatements.ts";

export type Database = PrismaClient;

/**
 * Raw SQL as tagged templates: Prisma's client, an open transaction of it, or the same over plain
 * node-postgres (src/db/pgQueries.ts).
 */
export interface Queries {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** Prisma over node-postgres (no query-engine binary: the WASM query compiler runs in-process). */
export function createDatabase(url: string): Database {
  return prismaOver(url);
}

/**
 * Prisma, and `sql`: the same connections without Prisma's client, for the raw SQL a burst of room
 * joins and race ends runs (merged-guest checks, game rows, results) and the profile and
 * leaderboard reads. Prisma's client costs far more CPU per raw query than node-postgres does for
 * it (bench/README.md, "Matchmaking"). `close` ends both.
 */
export function createDatabaseWithSql(url: string): {
  db: Database;
  sql: Queries;
  close(): Promise<void>;
} {
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection that fails (PostgreSQL restarting) only leaves the pool, which opens another
  // for the next query; Prisma's adapter, for a pool it makes itself, ignores these errors too.
  pool.on("error", () => {});
  const db = prismaOver(pool);
  return {
    db,
    sql: pgQueries(pool),
    close: async () => {
      await db.$disconnect();
      await pool.end();
    },
  };
}

/** `connection`: a database URL (the adapter makes a pool of its own), or a pool shared with `sql`. */
function prismaOver(connection: string | pg.Pool): Database {
  const statementName = statementNames();
  return new PrismaClient({
    // Any other format captures a stack trace on every query, to point its errors at the caller:
    // 10–15 % of the client's CPU per small read (bench/README.md). Errors keep their message.
    errorFormat: "minimal",
    adapter: new PrismaPg(connection, {
      // The adapter passes the name on to node-postgres, for which undefined means unnamed.
      statementNameGenerator: (query) => statementName(query.sql) as string,
    }),
  });
}
