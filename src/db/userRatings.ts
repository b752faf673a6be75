import { NEW_SKILL, shownRating } from "../game/rating.ts";
import type { Database } from "./database.ts";

/**
 * A player's shown rating, as matchmaking by skill reads it when they queue: one read by primary
 * key. Someone not (or no longer) in the table counts as a newcomer.
 */
export async function shownRatingOf(db: Database, userId: string): Promise<number> {
  const rows = await db.sql.$queryRaw<Array<{ rating: number }>>`
    SELECT rating FROM users WHERE id = ${userId}::uuid`;
  return rows[0]?.rating ?? shownRating(NEW_SKILL);
}
