/**
 * Personal bests, and the bests the leaderboards rank:
 *
 * - Only a finished, unflagged result counts: one that did not finish has no time to compare, and
 *   a flag keeps a suspect result off every best until it is cleared.
 * - A result is a new personal best when it counts and is faster (higher wpm, strictly) than the
 *   player's best so far at that text length; the first one that counts is one.
 * - Of two results, the better best is the faster one; at equal wpm the more accurate one, then
 *   the one finished first, then the smaller game id, so that a best is always one result.
 *
 * src/db/races.ts applies these as each result is recorded; the leaderboards read the bests it
 * keeps (src/db/bests.ts, whose rebuild from every stored result orders them the same way).
 */

/** What decides whether a race result counts, and whether it is a new personal best. */
export interface RaceFinish {
  /** null: did not finish */
  rank: number | null;
  /** null: did not finish */
  finishedAt: Date | null;
  flagged: boolean;
  wpm: number;
}

/** A result kept as a best. */
export interface Best {
  gameId: string;
  wpm: number;
  acc: number;
  finishedAt: Date;
}

/** Whether the result counts for bests: finished (ranked, with a finishing time) and not flagged. */
export function countsForBests<R extends Omit<RaceFinish, "wpm">>(
  result: R,
): result is R & { finishedAt: Date } {
  return result.rank !== null && result.finishedAt !== null && !result.flagged;
}

/** Whether the result is a new personal best over `previous`, the best so far (none: undefined). */
export function isNewPersonalBest(result: RaceFinish, previous: Pick<Best, "wpm"> | undefined): boolean {
  return countsForBests(result) && (previous === undefined || result.wpm > previous.wpm);
}

/** Whether `a` is the better best than `b`. Ids compare as PostgreSQL orders uuids: lowercase hex. */
export function isBetterBest(a: Best, b: Best): boolean {
  if (a.wpm !== b.wpm) return a.wpm > b.wpm;
  if (a.acc !== b.acc) return a.acc > b.acc;
  const [aTime, bTime] = [a.finishedAt.getTime(), b.finishedAt.getTime()];
  if (aTime !== bTime) return aTime < bTime;
  return a.gameId.toLowerCase() < b.gameId.toLowerCase();
}
