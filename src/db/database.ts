/**
 * The one database handle. Prisma owns the schema and the migrations; behind `db` one
 * node-postgres pool serves both Prisma's client (`db.prisma`: model queries, interactive
 * transactions) and raw SQL without it (`db.sql`), for the hot reads and writes where Prisma's
 * client costs far more CPU than the query itself: room joins' merged-guest checks, game rows, results, profile and leaderboard reads.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { Prisma, PrismaClient } from "./generated/client.ts";
import { type StatementNames, statementNames } from "./preparedStatements.ts";

/**
 * Raw SQL as tagged templates: the pool (`db.sql`), one of its connections inside a transaction,
 * or Prisma's client or an open transaction of it, which have the same two methods.
 */
export interface Queries {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

/** Raw SQL over the pool. */
interface Sql extends Queries {
  /** `work` on one connection between BEGIN and COMMIT; rolled back when it throws. */
  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T>;
}

export interface Database {
  prisma: PrismaClient;
  sql: Sql;
  /** Ends Prisma's client and the pool. */
  close(): Promise<void>;
}

export function createDatabase(url: string): Database {
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection that fails (PostgreSQL restarting) only leaves the pool, which opens another
  // for the next query; Prisma's adapter, for a pool it makes itself, ignores these errors too.
  pool.on("error", () => {});
  const statementName = statementNames();
  const prisma = new PrismaClient({
    // Any other format captures a stack trace on every query, to point its errors at the caller,
    // a cost paid on every small read. Errors keep their message.
    errorFormat: "minimal",
    adapter: new PrismaPg(pool, {
      // The adapter passes the name on to node-postgres, for which undefined means unnamed.
      statementNameGenerator: (query) => statementName(query.sql) as string,
    }),
  });
  return {
    prisma,
    sql: {
      ...sqlOver(pool, statementName),
      transaction: (work) => inTransaction(pool, statementName, work),
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/**
 * Prisma's raw-SQL tagged templates over a plain node-postgres client or pool: the very text and
 * parameters Prisma would send (Prisma.sql), its prepared statements named as Prisma's are
 * (src/db/preparedStatements.ts), without Prisma's client. `db.sql` is this over the pool; the
 * seed runs it over a connection of its own.
 */
export function sqlOver(client: Pick<pg.Pool, "query">, statementName = statementNames()): Queries {
  const run = (strings: TemplateStringsArray, values: unknown[]) => {
    const { text, values: parameters } = Prisma.sql(strings, ...values);
    return client.query({ name: statementName(text), text, values: parameters as unknown[] });
  };
  return {
    $queryRaw: async <T>(strings: TemplateStringsArray, ...values: unknown[]) =>
      (await run(strings, values)).rows as T,
    $executeRaw: async (strings, ...values) => (await run(strings, values)).rowCount ?? 0,
  };
}

async function inTransaction<T>(
  pool: pg.Pool,
  statementName: StatementNames,
  work: (tx: Queries) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(sqlOver(client, statementName));
    await client.query("COMMIT");
    return result;
  } catch (error) {
    // A connection that cannot even roll back leaves the pool rather than serve the next caller.
    await client.query("ROLLBACK").catch((failure: Error) => {
      broken = failure;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
