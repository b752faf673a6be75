import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { statementNames } from "./preparedStatements.ts";

export type Database = PrismaClient;

/** Prisma over node-postgres (no query-engine binary: the WASM query compiler runs in-process). */
export function createDatabase(url: string): Database {
  const statementName = statementNames();
  return new PrismaClient({
    // Any other format captures a stack trace on every query, to point its errors at the caller:
    // 10–15 % of the client's CPU per small read (bench/README.md). Errors keep their message.
    errorFormat: "minimal",
    adapter: new PrismaPg(
      { connectionString: url },
      // The adapter passes the name on to node-postgres, for which undefined means unnamed.
      { statementNameGenerator: (query) => statementName(query.sql) as string },
    ),
  });
}
