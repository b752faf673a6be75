/**
 * The one database handle. Prisma owns the schema and the migrations; behind `db` one
 * node-postgres pool serves both Prisma's client (`db.prisma`: model queries, interactive
 * transactions) and raw SQL without it (`db.sql`), for the hot reads and writes where Prisma's
 * client costs far more CPU than the query itself: room joins' merged-guest checks, game rows, results, profile and leaderboard reads.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { Logger } from "../log.ts";
import { Prisma, PrismaClient } from "./generated/client.ts";
import { type StatementNames, statementNames } from "./preparedStatements.ts";
import type { Queries } from "./queries.ts";
import { type UserNotices, userNotices } from "./userNotices.ts";

/** Raw SQL over the pool. */
interface Sql extends Queries {
  /** `work` on one connection between BEGIN and COMMIT; rolled back when it throws. */
  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T>;
}

export interface Database {
  prisma: PrismaClient;
  sql: Sql;
  /**
   * What is read about users, kept while PostgreSQL's notices say it holds (src/db/userNotices.ts);
   * its connection of its own opens at the first answer asked.
   */
  notices: UserNotices;
  /** Ends Prisma's client, the pool and the notices' connection. */
  close(): Promise<void>;
}

/**
 * How long any one query, or getting a connection for it, may take. Every query here takes
 * milliseconds; one that takes longer meets a PostgreSQL that is gone, partitioned (no reset: TCP
 * alone would wait for many minutes) or stuck, and fails, so that a request answers 503 and a race
 * write waits in the journal instead of hanging.
 */
const QUERY_TIMEOUT_MS = 1_500;
/**
 * A transaction whose client went silent (partitioned mid-transaction) is rolled back by
 * PostgreSQL after this long, freeing the rows it locked for the writes of other processes.
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 10_000;
/** TCP keepalive on every connection, so that a dead one is found even while idle. */
const KEEPALIVE_AFTER_MS = 10_000;

export function createDatabase(url: string, options: { log?: Logger } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    // Opening a connection, and waiting for a free one of the pool.
    connectionTimeoutMillis: QUERY_TIMEOUT_MS,
    // Client side: the answer never comes (a partition). Server side: PostgreSQL stops the work
    // the client has given up on.
    query_timeout: QUERY_TIMEOUT_MS,
    statement_timeout: QUERY_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_AFTER_MS,
  });
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
  const sql: Sql = {
    ...sqlOver(pool, statementName),
    transaction: (work) => inTransaction(pool, statementName, work),
  };
  const notices = userNotices({ url, log: options.log });
  return {
    prisma,
    sql,
    notices,
    close: async () => {
      await notices.close();
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
  // A query PostgreSQL did not answer (timed out, connection lost) leaves the connection in an
  // unknown state, and a ROLLBACK behind it would wait as long again: the connection leaves the
  // pool instead, and PostgreSQL rolls back the transaction of a connection that closes.
  let unanswered: Error | undefined;
  const query = (config: pg.QueryConfig) =>
    client.query(config).catch((error: Error) => {
      if (!(error instanceof pg.DatabaseError)) unanswered = error;
      throw error;
    });
  try {
    await query({ text: "BEGIN" });
    const result = await work(sqlOver({ query } as Pick<pg.Pool, "query">, statementName));
    await query({ text: "COMMIT" });
    return result;
  } catch (error) {
    if (!unanswered) {
      await client.query("ROLLBACK").catch((failure: Error) => {
        unanswered = failure;
      });
    }
    throw error;
  } finally {
    client.release(unanswered);
  }
}
