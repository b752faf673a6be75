/**
 * Prisma's raw-SQL tagged templates (`$queryRaw`, `$executeRaw`) over a plain node-postgres client
 * or pool: the very text and parameters Prisma would send (Prisma.sql), named as src/db/prisma.ts
 * names its prepared statements, without Prisma. The server runs its hot raw SQL this way, over
 * Prisma's own pool (src/db/prisma.ts); the seed its aggregates, inside its own transaction.
 */
import type pg from "pg";
import { Prisma } from "./generated/client.ts";
import { statementNames } from "./preparedStatements.ts";
import type { Queries } from "./prisma.ts";

export function pgQueries(client: Pick<pg.Pool, "query">): Queries {
  const statementName = statementNames();
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
