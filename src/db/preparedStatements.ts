import { createHash } from "node:crypto";

/**
 * Names for prepared statements. node-postgres parses a named statement once per connection and
 * then only binds and executes it, and PostgreSQL, after five executions, may keep a generic plan:
 * the planning, a sizeable part of a profile or leaderboard read, is then skipped.
 *
 * Each connection keeps every statement it prepared for as long as it lives, so only the first
 * MAX_NAMED_STATEMENTS distinct texts get a name (the app has a few dozen); any text after those
 * runs unnamed, as before, rather than grow every connection without bound.
 */
const MAX_NAMED_STATEMENTS = 500;

/** The name of `sql`'s prepared statement, or undefined when it is to run unnamed. */
export type StatementNames = (sql: string) => string | undefined;

export function statementNames(limit = MAX_NAMED_STATEMENTS): StatementNames {
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (name === undefined && names.size < limit) {
      // From the text, not a counter: whoever else prepares on the same connection agrees on it.
      name = `typephoon_${createHash("sha1").update(sql).digest("base64url")}`;
      names.set(sql, name);
    }
    return name;
  };
}
