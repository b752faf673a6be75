/**
 * The ORM-overhead baseline: src/db/'s read functions run unchanged over a plain node-postgres
 * pool. Their `$queryRaw` tagged templates become the very text and parameters Prisma would send
 * (Prisma.sql), sent with pool.query: the same SQL, no query compiler, no driver adapter, no
 * result mapping beyond node-postgres's own.
 */
import type pg from "pg";
import { Prisma } from "../../src/db/generated/client.ts";
import { pgQueries } from "../../src/db/pgQueries.ts";
import type { Database } from "../../src/db/prisma.ts";

/** Only `$queryRaw` is called by the profile and leaderboard reads. */
type RawQueries = Pick<Database, "$queryRaw">;

function asDatabase(queries: RawQueries): Database {
  // The reads take a whole PrismaClient but use nothing else of it.
  return queries as unknown as Database;
}

export function plainPgDatabase(pool: pg.Pool): Database {
  return asDatabase(pgQueries(pool) as unknown as RawQueries);
}

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

/** The one query `read` sends (it is answered with no rows), e.g. for EXPLAIN. */
export async function captureQuery(read: (db: Database) => Promise<unknown>): Promise<CapturedQuery> {
  let captured: CapturedQuery | undefined;
  // Given no rows, a read may then fail ("no such user"): the query was captured before that.
  await read(
    asDatabase({
      $queryRaw: (async (strings: TemplateStringsArray, ...values: unknown[]) => {
        const query = Prisma.sql(strings, ...values);
        captured = { text: query.text, values: query.values as unknown[] };
        return [];
      }) as RawQueries["$queryRaw"],
    }),
  ).catch((error) => {
    if (!captured) throw error;
  });
  if (!captured) throw new Error("the read sent no query");
  return captured;
}

/** EXPLAIN (ANALYZE, BUFFERS) of a captured query, as text. */
export async function explainAnalyze(pool: pg.Pool, query: CapturedQuery): Promise<string> {
  const { rows } = await pool.query<{ "QUERY PLAN": string }>(
    `EXPLAIN (ANALYZE, BUFFERS) ${query.text}`,
    query.values,
  );
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}
