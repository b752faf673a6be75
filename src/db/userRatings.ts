import { NEWCOMER_RATING } from "../game/rating.ts";
import { batchedByKey } from "./batchedByKey.ts";
import type { Database } from "./database.ts";

/**
 * Players' shown ratings, as matchmaking by skill reads them when they queue: the reads of one
 * moment share one query by primary key (src/db/batchedByKey.ts: a burst of a thousand joins costs
 * a handful). Someone not (or no longer) in the table counts as a newcomer.
 */
export function shownRatingLookup(db: Database): (userId: string) => Promise<number> {
  return batchedByKey(async (userIds: string[]) => {
    const rows = await db.sql.$queryRaw<Array<{ id: string; rating: number }>>`
      SELECT id::text, rating FROM users WHERE id = ANY(${userIds}::uuid[])`;
    return new Map(rows.map(({ id, rating }) => [id, rating]));
  }, NEWCOMER_RATING);
}
