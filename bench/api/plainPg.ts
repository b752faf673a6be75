/**
 * Helpers of the ORM-overhead baseline, where src/db/'s read functions run over a plain
 * node-postgres pool (`sqlOver`, src/db/database.ts: the very text and parameters Prisma would send, sent
 * with pool.query), as the server itself now runs them: capturing a read's query, and its plan.
 */
import type pg from "pg";
import { Prisma } from "../../src/db/generated/client.ts";
import type { Queries } from "../../src/db/queries.ts";

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

/** The one query `read` sends (it is answered with no rows), e.g. for EXPLAIN. */
export async function captureQuery(read: (db: Queries) => Promise<unknown>): Promise<CapturedQuery> {
  let captured: CapturedQuery | undefined;
  // Given no rows, a read may then fail ("no such user"): the query was captured before that.
  await read({
    $queryRaw: (async (strings: TemplateStringsArray, ...values: unknown[]) => {
      const query = Prisma.sql(strings, ...values);
      captured = { text: query.text, values: query.values as unknown[] };
      return [];
    }) as Queries["$queryRaw"],
    $executeRaw: async () => 0,
  }).catch((error) => {
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
