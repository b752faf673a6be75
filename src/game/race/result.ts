/**
 * What a race keeps of one player's race: written the moment they finish, or when the race ends.
 * What counts where: a win is the race model's `won`; averages and bests count only finished,
 * unflagged results (`countsForAverages`, src/game/personalBest.ts for bests).
 */
export interface RaceResult {
  gameId: string;
  userId: string;
  /** finishing place; null: did not finish */
  rank: number | null;
  wpm: number;
  wpmRaw: number;
  acc: number;
  accRaw: number;
  /** null: did not finish */
  finishedAt: Date | null;
  wordCount: number;
  /**
   * ms from the start of typing to the finishing keystroke; for a DNF, from their first key to
   * their last (the time they typed)
   */
  durationMs: number;
  /** the fair-play check's suspicion (src/game/fairPlay.ts) */
  flagged: boolean;
  /** first place in a race of two or more players, by an unflagged result */
  won: boolean;
  /** the stored keystroke log (src/game/keystrokeLog.ts) */
  keystrokes: Uint8Array;
}

/** Whether a result counts in a player's averages: finished, and not flagged. */
export function countsForAverages(result: Pick<RaceResult, "rank" | "flagged">): boolean {
  return result.rank !== null && !result.flagged;
}

/**
 * The time a result is scored over, from its keys' times (ms since the start): a finisher's, to
 * their finishing key; anyone else's, the time they typed, from their first key to their last (not
 * the whole race: time spent away would only dilute their figures).
 */
export function scoredTimeMs(finished: boolean, firstKeyAt: number, lastKeyAt: number): number {
  return finished ? lastKeyAt : lastKeyAt - firstKeyAt;
}
